"""The upstream-fixture differential: the test fixtures of Prometheus (model/rulefmt/testdata
and the rule files of cmd/promtool/testdata, from 2.53 and 3.5) and of Alertmanager
(config/testdata, from 0.25, 0.28 and 0.33), from the -dev packages of the tool matrix,
are each checked by every release's own promtool or amtool and by `monogen lint` with
target-versions set to that release, at run time; the verdicts (an error or none) must
agree on every file. A fixture found in several releases with the same content is
checked once per release."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from monogen.lint.config import LintConfig
from monogen.lint.run import lint_paths
from tests.conftest import ALERTMANAGER, PROMETHEUS, files_from, fixture_dir, run_tool
from tests.lint_tools import assert_agrees

PROMETHEUS_PACKAGE = "golang-github-prometheus-prometheus-dev package"
AM_PACKAGE = "golang-github-prometheus-alertmanager-dev package"
PROMETHEUS_FIXTURES = [r for r in PROMETHEUS if r != "2.42"]  # 2.42's -dev package has none


def _is_rule_file(path: Path) -> bool:
    """cmd/promtool/testdata holds configs, unit tests and metrics too: its rule files are
    the YAML files with a top-level `groups:`."""
    return path.suffix == ".yml" and "\ngroups:" in "\n" + path.read_text(errors="replace")


def _unique(paths: list[Path]) -> list[Path]:
    seen: dict[str, Path] = {}
    for path in paths:
        seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return sorted(seen.values())


def _rule_fixtures() -> list[Path]:
    found = []
    for release in PROMETHEUS_FIXTURES:
        found += sorted(fixture_dir("prometheus", release, "model/rulefmt/testdata").glob("*"))
        promtool = fixture_dir("prometheus", release, "cmd/promtool/testdata")
        found += [p for p in sorted(promtool.glob("*.yml")) if _is_rule_file(p)]
    return _unique(found)


def _am_fixtures() -> list[Path]:
    found = []
    for release in ALERTMANAGER:
        found += sorted(fixture_dir("alertmanager", release, "config/testdata").glob("*.yml"))
    return _unique(found)


def _id(path: Path | None) -> str:
    return "-".join(path.parts[-5:]).split("prometheus-", 1)[-1] if path else "missing"


# Collected when the packages are there; a test for the packages themselves stands in otherwise.
RULE_FIXTURES = _rule_fixtures()
AM_FIXTURES = _am_fixtures()


def test_the_fixtures_are_there() -> None:
    for release in PROMETHEUS_FIXTURES:
        files_from(
            fixture_dir("prometheus", release, "model/rulefmt/testdata"), "*", PROMETHEUS_PACKAGE
        )
    for release in ALERTMANAGER:
        files_from(fixture_dir("alertmanager", release, "config/testdata"), "*.yml", AM_PACKAGE)
    assert len(RULE_FIXTURES) >= 20, RULE_FIXTURES  # rulefmt's ~13 and promtool's ~10 each
    assert len(AM_FIXTURES) >= 40, AM_FIXTURES  # 0.33 alone ships 46


@pytest.mark.parametrize("release", PROMETHEUS)
@pytest.mark.parametrize("path", RULE_FIXTURES or [None], ids=_id)
def test_rule_fixture_verdict_matches_promtool(path: Path | None, release: str) -> None:
    if path is None:
        files_from(
            fixture_dir("prometheus", "3.5", "model/rulefmt/testdata"), "*", PROMETHEUS_PACKAGE
        )
        return
    assert_agrees("prometheus", release, path)


@pytest.mark.parametrize("release", ALERTMANAGER)
@pytest.mark.parametrize("path", AM_FIXTURES or [None], ids=_id)
def test_alertmanager_fixture_verdict_matches_amtool(path: Path | None, release: str) -> None:
    if path is None:
        files_from(fixture_dir("alertmanager", release, "config/testdata"), "*.yml", AM_PACKAGE)
        return
    assert_agrees("alertmanager", release, path)


@pytest.mark.parametrize("text", ["- route: {receiver: r}\n", "just text\n", "42\n"])
def test_a_config_that_is_not_a_mapping_is_rejected_like_amtool(tmp_path: Path, text: str) -> None:
    path = tmp_path / "alertmanager.yaml"
    path.write_text(text)
    amtool = run_tool("amtool", "check-config", str(path))
    findings = lint_paths([path], LintConfig(), kind="alertmanager").findings
    assert amtool.returncode != 0
    assert [f.check for f in findings] == ["alertmanager/root-route"]
    assert "not a mapping" in findings[0].message
