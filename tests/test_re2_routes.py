"""Route regexes mean what Alertmanager's RE2 reads, not what Python's `re` reads: the
route proof (`monogen routes`) walks a hand-crafted routing with patterns the two read
differently, and agrees with amtool's own route walk on every alert; a pattern RE2 refuses
is refused at its line, not built into a config amtool rejects."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.compile import re2
from monogen.compile.matchers import matches
from monogen.compile.matchers import render_alertmanager as render_matcher
from monogen.output.write import write_tree
from monogen.pipeline import compile_specs, compile_targets, load
from tests.conftest import ALERTMANAGER, MINIMAL_EXPERIMENT, invoke, run_tool

ROUTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {name: mlops, team: mlops}
spec:
  receivers:
    pager: {pagerduty: {routingKeyFile: /etc/alertmanager/secrets/pd/key}}
    chat: {slack: {apiUrlFile: /etc/alertmanager/secrets/slack/url, channel: "#mlops"}}
    other: {slack: {apiUrlFile: /etc/alertmanager/secrets/slack/url, channel: "#other"}}
  routes:
    # to Python's re "critical{,1}" matches "critical"; to RE2 it is the literal text
    - {matchRe: {severity: "critical{,1}"}, receivers: [other]}
    # to RE2 a POSIX class; to Python's re a set of brackets and letters
    - {matchRe: {severity: "[[:alpha:]]+"}, receivers: [pager]}
    - {match: {severity: warning}, receivers: [chat]}
"""


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("critical{,1}", "critical", False),
        ("critical{,1}", "critical{,1}", True),
        ("[[:alpha:]]+", "warning", True),
        ("[[:alpha:]]+", "warn1ng", False),
        ("a|b", "ab", False),  # anchored as a whole, alternation included
        ("(?i)CRIT.*", "critical", True),
    ],
)
def test_matching_is_re2s(pattern: str, text: str, expected: bool) -> None:
    assert matches(("severity", "=~", pattern), {"severity": text}) is expected
    assert matches(("severity", "!~", pattern), {"severity": text}) is not expected


@pytest.mark.parametrize("pattern", ["(?x) crit ical", "(?<=a)b", "a++", "(a)\\1"])
def test_patterns_re2_refuses_are_refused_at_their_line(write_spec, pattern: str) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ROUTING.replace("critical{,1}", pattern.replace("\\", "\\\\")), "routing.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2, result.output
    assert "routing.yaml:11:28: error: " in result.stderr
    assert re2.problem(pattern) is not None


@pytest.mark.parametrize("version", ALERTMANAGER)
def test_the_route_proof_agrees_with_amtool_on_re2_patterns(
    write_spec, tmp_path: Path, version: str
) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ROUTING, "routing.yaml")
    rows = compile_targets(load([specs])).routes
    assert {r.severity: r.receivers for r in rows} == {
        "critical": ("pager",),  # RE2: not "other" (Python's re would say so)
        "warning": ("pager",),
    }
    out = tmp_path / "generated"
    write_tree(out, compile_specs(load([specs])))
    config = out / "alertmanager/alertmanager.yaml"
    assert run_tool("amtool", "check-config", str(config), version=version).returncode == 0
    for row in rows:
        labels = [render_matcher((k, "=", v)) for k, v in row.labels]
        walked = run_tool(
            "amtool",
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            *labels,
            version=version,
        )
        assert walked.stdout.strip() == ",".join(row.receivers), (row, walked.stdout)
