"""Inhibition judged as a graph over every generated alert: alerts that silence each other,
and a lower severity silencing a critical alert, are refused at the team's rule. The graph
is Alertmanager's own: a real Alertmanager of every release, given every generated alert
at once, mutes exactly the alerts monogen says it mutes."""

from __future__ import annotations

import contextlib
import json
import time
import urllib.request
from pathlib import Path

import pytest

from monogen.build import render
from monogen.compile.inhibition import mutings
from monogen.pipeline import compile_targets, load
from tests.conftest import ALERTMANAGER, MINIMAL_EXPERIMENT, invoke
from tests.servers import free_port, post_json, process, wait_for
from tests.stacks import alertmanager_server
from tests.test_validate import ALERTING

WARNING_SILENCES_CRITICAL = """\
  inhibit:
    rules:
      - {sourceMatch: {severity: warning}, targetMatch: {severity: critical}, equal: [alertname, experiment]}
"""
MUTUAL = """\
  inhibit:
    criticalInhibitsWarning: false
    rules:
      - {sourceMatch: {category: model_performance}, targetMatch: {category: traffic}, equal: [experiment]}
      - {sourceMatch: {category: traffic}, targetMatch: {category: model_performance}, equal: [experiment]}
"""
ONE_WAY = """\
  inhibit:
    rules:
      - {sourceMatch: {alertname: ExperimentTrafficImbalance}, targetMatch: {severity: warning}, equal: [experiment]}
"""


def specs_with(write_spec, inhibit: str) -> Path:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ALERTING + inhibit, "routing.yaml")
    return specs


def test_a_warning_silencing_a_critical_is_refused_at_its_rule(write_spec) -> None:
    result = invoke("validate", str(specs_with(write_spec, WARNING_SILENCES_CRITICAL)))
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert len(lines) == 2, result.stderr
    assert lines[0].endswith(
        "routing.yaml:15:9: error: ModelAccuracyDegraded (warning, variant baseline-predictor, "
        "experiment demo-ab) silences the critical alert ModelAccuracyDegraded (critical, "
        "variant baseline-predictor, experiment demo-ab): a lower severity "
        "must never keep a page from arriving (at spec.inhibit.rules[0])"
    )
    assert "alerts silence each other, so when they fire together none is delivered" in lines[1]


def test_alerts_silencing_each_other_are_refused(write_spec) -> None:
    result = invoke("validate", str(specs_with(write_spec, MUTUAL)))
    assert result.exit_code == 2
    assert "error: alerts silence each other" in result.stderr
    assert "(at spec.inhibit.rules[" in result.stderr


def test_inhibition_that_runs_one_way_builds(write_spec, tmp_path: Path) -> None:
    result = invoke("build", str(specs_with(write_spec, ONE_WAY)), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output


def alerts_of(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=5) as response:
        return json.load(response)


@pytest.mark.parametrize("version", ALERTMANAGER)
@pytest.mark.parametrize("inhibit", [WARNING_SILENCES_CRITICAL, MUTUAL, ONE_WAY, ""])
def test_alertmanager_mutes_exactly_what_the_graph_says(
    write_spec, tmp_path: Path, version: str, inhibit: str
) -> None:
    compiled = compile_targets(load([specs_with(write_spec, inhibit)]), check_routes=False)
    out = tmp_path / "generated"
    for rel, text in render(compiled, lint=False).files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    expected = {
        m.target.labels for m in mutings(compiled.alertmanager.inhibit_rules, compiled.routes)
    }
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = alertmanager_server(
        version, out / "alertmanager/alertmanager.yaml", tmp_path / "data", port
    )
    with process(args, tmp_path / "am.log", f"{url}/-/ready"):
        ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        post_json(
            f"{url}/api/v2/alerts",
            [{"labels": dict(row.labels), "endsAt": ends} for row in compiled.routes],
        )
        wait_for(lambda: len(alerts_of(url)) == len(compiled.routes), 10, "every alert")

        def muted() -> set[tuple[tuple[str, str], ...]]:
            return {
                tuple(sorted(a["labels"].items()))
                for a in alerts_of(url)
                if a["status"]["inhibitedBy"]
            }

        # inhibition is computed as alerts arrive: give the last ones a moment
        with contextlib.suppress(TimeoutError):
            wait_for(lambda: muted() == expected, 10, "the inhibited alerts")
        assert muted() == expected
    assert expected  # every scenario mutes something: the comparison is never vacuous
