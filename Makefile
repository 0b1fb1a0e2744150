# Two commands: `make build` and `make test`. Both set up what they need on a fresh machine.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed

.PHONY: build test tools browser lint golden clean bench bench-guard

build: $(RUNTIME)
	$(BIN)/monogen build specs/

test: $(DEV) tools browser
	$(BIN)/ruff check .
	$(BIN)/monogen build specs/ --check
	$(BIN)/pytest -n auto

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

# The tool matrix: promtool, prometheus, amtool, alertmanager, vmalert and victoria-metrics of
# every supported release (Prometheus 2.42, 2.53, 3.5; Alertmanager 0.25, 0.28, 0.33;
# VictoriaMetrics 1.79, 1.145) with the upstream fixtures, from Debian's packages into .tools/
# through a private apt configuration (tools/matrix.py); the .deb files are cached in
# ~/.cache/monogen/apt, so a second run fetches nothing. Without apt, tests skip loudly
# (and fail under MONOGEN_REQUIRE_TOOLS=1).
tools:
	@$(PYTHON) tools/matrix.py install || { \
		if [ "$$MONOGEN_REQUIRE_TOOLS" = 1 ]; then exit 1; fi; \
		echo "WARNING: the tool matrix is incomplete; tests that need it will skip" >&2; }

# Headless Chromium for the tests of HTML pages (tests/browser.py): Debian's chromium from
# the machine's own apt sources (never changed), as root, only when /usr/bin/chromium is
# missing. Without it, those tests skip loudly (and fail under MONOGEN_REQUIRE_TOOLS=1).
browser:
	@test -x /usr/bin/chromium || { \
		echo "browser: installing Debian's chromium (apt-get, the machine's own sources)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends chromium >/dev/null; } || { \
		if [ "$$MONOGEN_REQUIRE_TOOLS" = 1 ]; then exit 1; fi; \
		echo "WARNING: chromium is not installed; tests of HTML pages will skip" >&2; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .tools

# Benchmark at 10, 100 and 1,000 experiments; writes bench/RESULTS.md (a few minutes),
# then fails if the lint of generated data or the serialisation slowed by more than half.
bench: $(DEV) tools
	$(BIN)/python bench/run.py
	$(BIN)/python bench/guard.py

bench-guard: $(DEV)
	$(BIN)/python bench/guard.py
