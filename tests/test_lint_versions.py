"""target-versions: by default monogen lints for the current releases (Prometheus 3.5,
Alertmanager 0.33), which read every field below; naming an older release refuses what
that release's own tool refuses (both checked live with the matrix's tools), and the
finding says which release reads the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.lint.config import LintConfig, load
from monogen.lint.finding import Severity
from monogen.lint.run import lint_paths
from monogen.lint.versions import DEFAULT, parse
from monogen.spec.errors import SpecErrors
from tests.conftest import ALERTMANAGER, PROMETHEUS, run_tool

RULES_HEAD = "groups:\n  - name: g\n"
RULE = "    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n"
AM_HEAD = "route:\n  receiver: r\nreceivers:\n  - name: r\n"

# (file name, text, the tool, the version that reads it)
NEWER = [
    ("group-labels.yaml", RULES_HEAD + "    labels: {team: ops}\n" + RULE, "prometheus", "3.0"),
    ("query-offset.yaml", RULES_HEAD + "    query_offset: 1m\n" + RULE, "prometheus", "2.53"),
    (
        "utf8-label.yaml",
        RULES_HEAD + RULE + "        labels: {'service.name': api}\n",
        "prometheus",
        "3.0",
    ),
    (
        "msteams.yaml",
        AM_HEAD + "    msteams_configs:\n      - webhook_url: https://teams.example/x\n",
        "alertmanager",
        "0.26",
    ),
    (
        "jira.yaml",
        AM_HEAD
        + "    jira_configs:\n      - {api_url: 'https://jira.example/', project: OPS, issue_type: Bug}\n",
        "alertmanager",
        "0.29",
    ),
    (
        "slack-app.yaml",
        "global:\n  slack_app_url: https://slack.example/api\n" + AM_HEAD,
        "alertmanager",
        "0.30",
    ),
]


def errors(path: Path, settings: dict | None = None) -> list[str]:
    config = LintConfig(settings=settings or {})
    found = lint_paths([path], config).findings
    return [f.message for f in found if f.severity >= Severity.ERROR]


def test_the_default_targets_are_the_newest_releases_of_the_matrix() -> None:
    assert DEFAULT["prometheus"] == parse(PROMETHEUS[-1])
    assert DEFAULT["alertmanager"] == parse(ALERTMANAGER[-1])


@pytest.mark.parametrize("name, text, tool, version", NEWER, ids=[n[0] for n in NEWER])
def test_newer_fields_follow_the_target_version(
    tmp_path: Path, name: str, text: str, tool: str, version: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    releases = PROMETHEUS if tool == "prometheus" else ALERTMANAGER
    oldest, newest = releases[0], releases[-1]

    def verdict(release: str) -> int:
        if tool == "prometheus":
            return run_tool("promtool", "check", "rules", str(path), version=release).returncode
        return run_tool("amtool", "check-config", str(path), version=release).returncode

    assert verdict(oldest) != 0 and verdict(newest) == 0  # the tools: refused, then read
    assert errors(path) == [], "accepted by default, as the newest tool accepts it"
    refused = errors(path, {"target_versions": {tool: parse(oldest)}})
    assert refused, f"refused when targeting {oldest}, as its tool refuses it"
    if name != "utf8-label.yaml":  # an unknown field says which release reads it
        assert f'target-versions = {{{tool} = "{version}"}}' in refused[0], refused
    major, minor = (int(x) for x in version.split("."))
    assert errors(path, {"target_versions": {tool: (major, minor)}}) == []
    assert errors(path, {"target_versions": {tool: (major, minor - 1)}}) != []


def test_target_versions_are_read_and_checked(tmp_path: Path) -> None:
    config = tmp_path / ".monogen.yaml"
    config.write_text("lint:\n  target-versions: {prometheus: '3.0.1', alertmanager: v0.28}\n")
    settings = load(config, set()).settings
    assert settings["target_versions"] == {"prometheus": (3, 0), "alertmanager": (0, 28)}
    for bad in ("{thanos: '0.30'}", "{prometheus: three}", "'3.0'"):
        config.write_text(f"lint:\n  target-versions: {bad}\n")
        with pytest.raises(SpecErrors, match="target-versions"):
            load(config, set())
