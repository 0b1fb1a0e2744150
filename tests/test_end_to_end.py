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

from monogen.output.write import write_tree
from monogen.pipeline import compile_specs, load
from tests.conftest import tool
from tests.servers import HttpSink, free_port, process, wait_for

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
ROUTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {{name: e2e, team: e2e}}
spec:
  receivers:
    e2e-pager: {{pagerduty: {{routingKeyFile: {secrets}/pd-key, url: "{pd_url}"}}}}
    e2e-chat: {{slack: {{apiUrlFile: {secrets}/slack-url, channel: "#e2e"}}}}
  routes:
    - {{match: {{severity: critical}}, receivers: [e2e-pager]}}
    - {{match: {{severity: warning}}, receivers: [e2e-chat]}}
  defaults: {{groupWait: 1s, groupInterval: 1s, repeatInterval: 1h}}
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
def stack(tmp_path: Path, experiment: str, registry) -> Iterator[HttpSink]:
    """An exporter serving `registry`, a real Prometheus evaluating the rules generated
    from `experiment` every second and a real Alertmanager with the generated config, all
    on loopback; yields the receivers' stand-in."""
    from prometheus_client import start_http_server

    prometheus = tool("prometheus")
    alertmanager = tool("prometheus-alertmanager")
    exporter_port = free_port()
    server, _thread = start_http_server(exporter_port, addr="127.0.0.1", registry=registry)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    try:
        with HttpSink() as sink:
            (secrets / "pd-key").write_text("e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0\n")
            (secrets / "slack-url").write_text(sink.url("/slack") + "\n")
            specs = tmp_path / "specs"
            specs.mkdir()
            (specs / "exp.yaml").write_text(experiment)
            (specs / "routing.yaml").write_text(
                ROUTING.format(secrets=secrets, pd_url=sink.url("/pagerduty"))
            )
            out = tmp_path / "generated"
            write_tree(out, compile_specs(load([specs])))
            rule_files = sorted((out / "prometheus/rules").glob("*.yaml"))
            am_port, prom_port = free_port(), free_port()
            prom_config = tmp_path / "prometheus.yml"
            prom_config.write_text(
                "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                f"rule_files: {[str(p) for p in rule_files]}\n"
                "alerting:\n  alertmanagers:\n"
                f"    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n"
                "scrape_configs:\n  - job_name: exporter\n"
                f"    static_configs: [{{targets: ['127.0.0.1:{exporter_port}']}}]\n"
            )
            am_args = [
                alertmanager,
                f"--config.file={out}/alertmanager/alertmanager.yaml",
                f"--storage.path={tmp_path / 'am-data'}",
                f"--web.listen-address=127.0.0.1:{am_port}",
                "--cluster.listen-address=",
            ]
            prom_args = [
                prometheus,
                f"--config.file={prom_config}",
                f"--storage.tsdb.path={tmp_path / 'prom-data'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
            ]
            with (
                process(am_args, tmp_path / "am.log", f"http://127.0.0.1:{am_port}/-/ready"),
                process(prom_args, tmp_path / "prom.log", f"http://127.0.0.1:{prom_port}/-/ready"),
            ):
                yield sink
    finally:
        server.shutdown()
        server.server_close()


def test_exporter_prometheus_alertmanager(tmp_path: Path) -> None:
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
    with stack(tmp_path, EXPERIMENT, registry) as sink:
        # Healthy: scraped and evaluated for a while, nobody is notified.
        time.sleep(6)
        assert sink.received == []

        # The treatment collapses below the critical line (and the warning one).
        accuracy.labels("seldon", "enhanced-predictor").set(40)
        wait_for(lambda: sink.posts("/pagerduty"), 45, "the page")
        time.sleep(3)  # room for a wrongly uninhibited warning to arrive
        (page,) = sink.posts("/pagerduty")
        assert page["event_action"] == "trigger"
        assert "ModelAccuracyDegraded in e2e-ab" in page["payload"]["summary"]
        details = page["payload"]["custom_details"]["firing"]
        assert "Accuracy of variant enhanced-predictor is below 50% in experiment e2e-ab" in details
        assert "is 40.0%" in details
        assert sink.posts("/slack") == [], "the warning should be inhibited"

        # Recovery resolves the page.
        accuracy.labels("seldon", "enhanced-predictor").set(90)
        wait_for(lambda: len(sink.posts("/pagerduty")) >= 2, 45, "the resolution")
        resolved = sink.posts("/pagerduty")[1]
        assert resolved["event_action"] == "resolve"
        assert sink.posts("/slack") == []


def test_sample_ratio_mismatch_pages(tmp_path: Path) -> None:
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
        with stack(tmp_path, SRM_EXPERIMENT, registry) as sink:
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
