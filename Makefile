# Two commands: `make build` and `make test`. Both set up what they need on a fresh machine.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: build test tools lint golden clean bench

build: $(RUNTIME)
	$(BIN)/monogen build specs/

test: $(DEV) tools
	$(BIN)/ruff check .
	$(BIN)/monogen build specs/ --check
	$(BIN)/pytest

# Refresh the committed output on purpose, after a reviewed change to specs or compilers.
golden: $(RUNTIME)
	$(BIN)/monogen build specs/

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(RUNTIME): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(DEV): pyproject.toml | $(VENV)/bin/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(RUNTIME)

# promtool and amtool come from Debian's prometheus and prometheus-alertmanager packages;
# vmalert and victoria-metrics (the scaled engine of the ruler tests) from victoria-metrics;
# Alertmanager's own config fixtures (config/testdata, the upstream differential of
# tests/test_lint_upstream.py) from golang-github-prometheus-alertmanager-dev.
TOOL_PACKAGES := prometheus prometheus-alertmanager victoria-metrics
FIXTURE_PACKAGES := golang-github-prometheus-alertmanager-dev
AM_FIXTURES := /usr/share/gocode/src/github.com/prometheus/alertmanager/config/testdata
tools:
	@missing=""; \
	if ! command -v promtool >/dev/null 2>&1 || ! command -v amtool >/dev/null 2>&1 \
		|| ! command -v vmalert >/dev/null 2>&1 || ! command -v victoria-metrics >/dev/null 2>&1; then \
		missing="$(TOOL_PACKAGES)"; \
	fi; \
	if [ ! -d $(AM_FIXTURES) ]; then missing="$$missing $(FIXTURE_PACKAGES)"; fi; \
	if [ -z "$$missing" ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian $$missing (promtool, amtool, vmalert, victoria-metrics, fixtures)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$missing >/dev/null; \
	else \
		echo "WARNING: Debian $$missing missing and not installable here (need root +" \
			"apt-get); tests that need them will skip" >&2; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# Benchmark at 10, 100 and 1,000 experiments; writes bench/RESULTS.md (a few minutes).
bench: $(DEV) tools
	$(BIN)/python bench/run.py
