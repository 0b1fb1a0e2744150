"""The upstream-fixture differential: Alertmanager 0.25's own config fixtures (its
`config/testdata`, shipped by Debian's golang-github-prometheus-alertmanager-dev), each
checked with `amtool check-config` and `monogen lint` at run time; the verdicts (an error
or none) must agree on every file. Prometheus' rulefmt and promtool fixtures are not
packaged: their cases are written anew in tests/lint/corpus/rules/, which
test_lint_parity.py compares with promtool the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.lint.config import LintConfig
from monogen.lint.finding import Severity
from monogen.lint.run import lint_paths
from tests.conftest import files_from, run_tool

PACKAGE = "golang-github-prometheus-alertmanager-dev package"
AM_FIXTURES = Path("/usr/share/gocode/src/github.com/prometheus/alertmanager/config/testdata")
# Collected when the package is there; a test for the package itself stands in otherwise.
FOUND = sorted(AM_FIXTURES.glob("*.yml"))


@pytest.mark.parametrize("name", [p.name for p in FOUND] or [None])
def test_alertmanager_fixture_verdict_matches_amtool(name: str | None) -> None:
    paths = files_from(AM_FIXTURES, "*.yml", PACKAGE)
    assert len(paths) >= 20, paths  # 0.25 ships 24; fewer means a broken install
    path = AM_FIXTURES / (name or paths[0].name)
    amtool = run_tool("amtool", "check-config", str(path))
    findings = lint_paths([path], LintConfig()).findings
    errors = [f"{f.line}: {f.check}: {f.message}" for f in findings if f.severity >= Severity.ERROR]
    said = (amtool.stdout + amtool.stderr).strip()
    assert bool(errors) == (amtool.returncode != 0), f"amtool: {said}\nmonogen: {errors}"


@pytest.mark.parametrize("text", ["- route: {receiver: r}\n", "just text\n", "42\n"])
def test_a_config_that_is_not_a_mapping_is_rejected_like_amtool(tmp_path: Path, text: str) -> None:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(text)
    amtool = run_tool("amtool", "check-config", str(path))
    findings = lint_paths([path], LintConfig(), kind="alertmanager").findings
    assert amtool.returncode != 0
    assert [f.check for f in findings] == ["alertmanager/root-route"]
    assert "not a mapping" in findings[0].message
