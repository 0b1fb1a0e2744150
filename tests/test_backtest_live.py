"""`monogen backtest` counts the firing episodes Prometheus itself raises: an exporter plays
a known timeline of a model's accuracy to a real Prometheus (oldest and newest release)
evaluating the generated rules every second; then the backtest of that same stretch is set
beside the ALERTS series the rule evaluator wrote.

The timeline holds two long drops below the warning line (episodes) and a blip shorter
than the rule's `for` (pending only: no episode); the control never drops."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import RELEASE_ENDS, invoke
from tests.servers import HttpSink, free_port
from tests.stacks import prometheus, write_generated

EXPERIMENT = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: backtest-ab, team: e2e}
spec:
  selector: {namespace: seldon}
  variantLabel: model_name
  variants:
    - {name: baseline, role: control, traffic: 50}
    - {name: candidate, role: treatment, traffic: 50}
  metrics:
    accuracy: {name: ab_test_model_accuracy, scale: percent}
  guardrails:
    accuracy:
      warning: {below: 75, for: 4s}
      critical: {below: 50, for: 2s}
  evaluationInterval: 1s
  runbookUrl: https://runbooks.example.com/e2e
  grafanaUrl: https://grafana.example.com
"""
# (seconds, candidate's accuracy): 70 is under the warning line only
TIMELINE = ((4, 90), (9, 70), (5, 90), (2, 70), (5, 90), (8, 70), (4, 90))
EXPECTED_WARNINGS = 2  # the 9 s and 8 s drops; the 2 s blip is shorter than `for: 4s`


def _alerts_episodes(url: str, start: float, end: float) -> list[tuple[str, float]]:
    """(severity, first firing sample) of each run of ALERTS{alertstate="firing"}, read
    straight from Prometheus' answer (not through monogen's readout code)."""
    import urllib.parse
    import urllib.request

    query = urllib.parse.urlencode({
        "query": 'ALERTS{alertstate="firing", experiment="backtest-ab"}',
        "start": start, "end": end, "step": 1,
    })  # fmt: skip
    with urllib.request.urlopen(f"{url}/api/v1/query_range?{query}", timeout=10) as answer:
        result = json.loads(answer.read())["data"]["result"]
    found = []
    for series in result:
        times = [float(t) for t, _ in series["values"]]
        previous = None
        for t in times:
            if previous is None or t - previous > 1.5:
                found.append((series["metric"]["severity"], t))
            previous = t
    return sorted(found, key=lambda x: x[1])


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_backtest_counts_what_the_rule_evaluator_fired(tmp_path: Path, version: str) -> None:
    from prometheus_client import CollectorRegistry, Gauge, start_http_server

    registry = CollectorRegistry()
    accuracy = Gauge("ab_test_model_accuracy", "accuracy %", ["namespace", "model_name"],
                     registry=registry)  # fmt: skip
    for variant in ("baseline", "candidate"):
        accuracy.labels("seldon", variant).set(90)
    port = free_port()
    server, _ = start_http_server(port, addr="127.0.0.1", registry=registry)
    try:
        with HttpSink() as sink:
            out = write_generated(tmp_path, EXPERIMENT, sink)
            rules = sorted((out / "prometheus/rules").glob("*.yaml"))
            with prometheus(tmp_path, rules, port, None, version) as url:
                time.sleep(3)  # scraped and evaluated from here on
                start = time.time()
                for seconds, value in TIMELINE:
                    accuracy.labels("seldon", "candidate").set(value)
                    time.sleep(seconds)
                end = time.time()
                time.sleep(2)  # the last evaluations are in
                fired = _alerts_episodes(url, start, end)
                result = invoke(
                    "backtest", str(tmp_path / "specs"), "--prometheus", url,
                    "--from", f"{start:.0f}", "--to", f"{end:.0f}", "--format", "json",
                )  # fmt: skip
                readout = invoke(
                    "report", str(tmp_path / "specs"), "--experiment", "backtest-ab",
                    "--prometheus", url, "--from", f"{start:.0f}", "--to", f"{end:.0f}",
                    "--step", "1s", "--format", "json",
                )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.stderr
    warnings = [t for severity, t in fired if severity == "warning"]
    assert len(warnings) == EXPECTED_WARNINGS, fired  # the timeline did what it should
    assert [s for s, _ in fired if s == "critical"] == []
    data = json.loads(result.stdout)
    counted = {(a["alert"], a["severity"]): a["episodes"] for a in data["alerts"]}
    ours = counted[("ModelAccuracyDegraded", "warning")]
    assert len(ours) == len(warnings)
    for episode, t in zip(ours, warnings, strict=True):
        begun = time.mktime(time.strptime(episode["start"], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
        assert abs(begun - t) <= 2.5, (episode, t)  # one evaluation's phase apart at most
        assert episode["labels"]["model_name"] == "candidate"
        assert episode["receivers"] == ["e2e-chat"]
    assert counted[("ModelAccuracyDegraded", "critical")] == []
    # the report reads the same episodes from ALERTS, the rules being loaded
    assert readout.exit_code == 0, readout.stderr
    report = json.loads(readout.stdout)
    assert report["firing_source"] == "ALERTS"
    (rail,) = [g for g in report["guardrails"] if g["alert"] == "ModelAccuracyDegraded"]
    assert [f["severity"] for f in rail["firing"]] == ["warning"] * EXPECTED_WARNINGS
