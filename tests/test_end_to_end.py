"""End to end on loopback: an exporter → a real Prometheus evaluating the generated rules →
a real Alertmanager with the generated config → local PagerDuty and Slack stand-ins.

Healthy values notify nobody; the treatment's accuracy falling below the critical line
pages once, naming experiment and variant, with its warning inhibited; recovery resolves.
A broken traffic split pages through the sample-ratio mismatch test.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ENDS, tool
from tests.servers import HttpSink, free_port, wait_for
from tests.stacks import alertmanager, collapse_pages_once, prometheus, write_generated

EXPERIMENT = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: e2e-ab, team: e2e}
spec:
  selector: {namespace: seldon}
  variantLabel: model_name
  variants:
    - {name: baseline-predictor, role: control, traffic: 50}
    - {name: enhanced-predictor, role: treatment, traffic: 50}
  metrics:
    accuracy: {name: ab_test_model_accuracy, scale: percent}
  guardrails:
    accuracy:  # the critical alert is in Alertmanager before the warning it inhibits
      warning: {below: 75, for: 4s}
      critical: {below: 50, for: 2s}
  evaluationInterval: 1s
  runbookUrl: https://runbooks.example.com/e2e
  grafanaUrl: https://grafana.example.com
"""
SRM_EXPERIMENT = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: e2e-srm, team: e2e}
spec:
  selector: {namespace: seldon}
  variantLabel: model_name
  variants:
    - {name: baseline-predictor, role: control, traffic: 50}
    - {name: enhanced-predictor, role: treatment, traffic: 50}
  metrics:
    requests: {name: ab_test_requests_total}
  guardrails:
    sampleRatioMismatch: {window: 2m, minRequests: 200, severity: critical, for: 2s}
  evaluationInterval: 1s
  runbookUrl: https://runbooks.example.com/e2e
  grafanaUrl: https://grafana.example.com
"""


@contextmanager
def stack(
    tmp_path: Path, experiment: str, registry, versions: dict[str, str]
) -> Iterator[HttpSink]:
    """An exporter serving `registry`, a real Prometheus evaluating the rules generated
    from `experiment` every second and a real Alertmanager with the generated config (of
    the `versions` named), all on loopback; yields the receivers' stand-in."""
    from prometheus_client import start_http_server

    tool("prometheus", versions["prometheus"])
    tool("prometheus-alertmanager", versions["alertmanager"])
    exporter_port = free_port()
    server, _thread = start_http_server(exporter_port, addr="127.0.0.1", registry=registry)
    try:
        with HttpSink() as sink:
            out = write_generated(tmp_path, experiment, sink)
            rule_files = sorted((out / "prometheus/rules").glob("*.yaml"))
            with (
                alertmanager(tmp_path, out, versions["alertmanager"]) as am_port,
                prometheus(tmp_path, rule_files, exporter_port, am_port, versions["prometheus"]),
            ):
                yield sink
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("versions", ENDS)
def test_exporter_prometheus_alertmanager(tmp_path: Path, versions: dict[str, str]) -> None:
    from prometheus_client import CollectorRegistry, Gauge

    registry = CollectorRegistry()
    accuracy = Gauge(
        "ab_test_model_accuracy",
        "Model accuracy in percent",
        ["namespace", "model_name"],
        registry=registry,
    )
    for variant in ("baseline-predictor", "enhanced-predictor"):
        accuracy.labels("seldon", variant).set(90)
    with stack(tmp_path, EXPERIMENT, registry, versions) as sink:
        collapse_pages_once(sink, accuracy.labels("seldon", "enhanced-predictor").set)


@pytest.mark.parametrize("versions", ENDS)
def test_sample_ratio_mismatch_pages(tmp_path: Path, versions: dict[str, str]) -> None:
    """Requests arrive 50/50 as declared: silence. Then the baseline takes 90% of them:
    the chi-square test over the window fires and pages."""
    from prometheus_client import CollectorRegistry, Counter

    registry = CollectorRegistry()
    requests = Counter(
        "ab_test_requests", "Requests", ["namespace", "model_name"], registry=registry
    )
    split = {"baseline-predictor": 5, "enhanced-predictor": 5}
    stop = threading.Event()

    def traffic() -> None:  # a bounded load: 20 ticks a second until stopped
        while not stop.wait(0.05):
            for variant, count in list(split.items()):
                requests.labels("seldon", variant).inc(count)

    feeder = threading.Thread(target=traffic, daemon=True)
    feeder.start()
    try:
        with stack(tmp_path, SRM_EXPERIMENT, registry, versions) as sink:
            time.sleep(8)  # healthy, and past the minimum volume
            assert sink.received == []
            split.update({"baseline-predictor": 9, "enhanced-predictor": 1})
            wait_for(lambda: sink.posts("/pagerduty"), 60, "the sample-ratio page")
            (page,) = sink.posts("/pagerduty")
            assert page["event_action"] == "trigger"
            assert "ExperimentSampleRatioMismatch in e2e-srm" in page["payload"]["summary"]
            details = page["payload"]["custom_details"]["firing"]
            assert "does not match its design" in details
            assert "critical value at p < 0.001 with 1 degree of freedom" in details
    finally:
        stop.set()
        feeder.join(timeout=5)
