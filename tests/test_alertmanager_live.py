"""A real Alertmanager loads the generated config and delivers: critical to the PagerDuty
stand-in and by email, warning to the Slack stand-in, and critical inhibits warning."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from monogen.output.write import write_tree
from monogen.pipeline import compile_specs, load
from tests.conftest import ALERTMANAGER, MINIMAL_EXPERIMENT
from tests.servers import HttpSink, SmtpSink, free_port, post_json, process, wait_for
from tests.stacks import alertmanager_server

ROUTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {{name: mlops, team: mlops}}
spec:
  receivers:
    oncall:
      pagerduty: {{routingKeyFile: {secrets}/pd-key, url: "{pd_url}"}}
      email: {{to: oncall@example.com}}
    chat:
      slack: {{apiUrlFile: {secrets}/slack-url, channel: "#mlops-alerts"}}
  routes:
    - {{match: {{severity: critical}}, receivers: [oncall]}}
    - {{match: {{severity: warning}}, receivers: [chat]}}
  defaults: {{groupWait: 1s, groupInterval: 1s, repeatInterval: 1h}}
  smtp: {{smarthost: "127.0.0.1:{smtp_port}", from: alertmanager@example.com, requireTls: false}}
"""


def alert(severity: str, variant: str) -> dict:
    return {
        "labels": {
            "alertname": "ModelAccuracyDegraded",
            "severity": severity,
            "category": "model_performance",
            "experiment": "demo-ab",
            "team": "mlops",
            "model_name": variant,
        },
        "annotations": {
            "summary": f"Accuracy of variant {variant} is low",
            "description": f"Accuracy of variant {variant} in experiment demo-ab is 40.0%",
            "runbook_url": "https://runbooks.example.com/demo/model-accuracy-degraded",
            "dashboard_url": "https://grafana.example.com/d/monogen-demo-ab/demo-ab",
        },
    }


@pytest.mark.parametrize("version", ALERTMANAGER)
def test_real_alertmanager_routes_inhibits_and_delivers(tmp_path: Path, version: str) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    with HttpSink() as http, SmtpSink() as smtp:
        (secrets / "pd-key").write_text("0123456789abcdef0123456789abcdef\n")
        (secrets / "slack-url").write_text(http.url("/slack") + "\n")
        specs = tmp_path / "specs"
        specs.mkdir()
        (specs / "exp.yaml").write_text(MINIMAL_EXPERIMENT)
        (specs / "routing.yaml").write_text(
            ROUTING.format(secrets=secrets, pd_url=http.url("/pagerduty"), smtp_port=smtp.port)
        )
        out = tmp_path / "generated"
        write_tree(out, compile_specs(load([specs])))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        args = alertmanager_server(
            version, out / "alertmanager/alertmanager.yaml", tmp_path / "data", port
        )
        with process(args, tmp_path / "alertmanager.log", f"{base}/-/ready"):
            # The treatment variant is failing: critical and warning fire together; the
            # baseline only has a warning, which nothing inhibits.
            post_json(
                f"{base}/api/v2/alerts",
                [
                    alert("critical", "enhanced-predictor"),
                    alert("warning", "enhanced-predictor"),
                    alert("warning", "baseline-predictor"),
                    alert("warning", "x<!channel>&y"),  # spec text is escaped for Slack
                ],
            )
            wait_for(
                lambda: http.posts("/pagerduty") and smtp.messages and http.posts("/slack"),
                30,
                "notifications",
            )
            time.sleep(3)  # give a wrongly uninhibited warning the chance to arrive

    (page,) = http.posts("/pagerduty")
    assert page["routing_key"] == "0123456789abcdef0123456789abcdef"
    assert page["payload"]["severity"] == "critical"
    assert "ModelAccuracyDegraded in demo-ab" in page["payload"]["summary"]
    assert "variant: enhanced-predictor" in page["payload"]["custom_details"]["firing"]

    slack = http.posts("/slack")
    texts = [m["attachments"][0]["text"] for m in slack]
    assert all("baseline-predictor" in t for t in texts), texts
    assert not any("variant: enhanced-predictor, severity: warning" in t for t in texts)
    assert slack[0]["channel"] == "#mlops-alerts"
    slack_text = "".join(texts)
    assert "variant x&lt;!channel&gt;&amp;y is low" in slack_text, texts
    assert "variant: x&lt;!channel&gt;&amp;y," in slack_text, texts
    assert "<!channel>" not in slack_text

    (rcpts, message), *_ = smtp.messages
    assert rcpts == ["oncall@example.com"]
    assert "ModelAccuracyDegraded in demo-ab" in message
    assert "https://runbooks.example.com/demo/model-accuracy-degraded" in message
