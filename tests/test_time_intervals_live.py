"""When a time interval holds is what Alertmanager decides: a live Alertmanager (0.28 and
later report `mutedBy` per alert) mutes the route whose interval monogen's reading says
holds now, and not the one whose interval does not. Intervals are laid around the moment
the test runs (whole days, so a run across midnight still holds: today and tomorrow)."""

from __future__ import annotations

import datetime
import json
import time
import urllib.request
from pathlib import Path

import pytest

from monogen.build import render
from monogen.pipeline import compile_targets, load
from monogen.spec.time_intervals import Interval, holds
from tests.conftest import ALERTMANAGER, MINIMAL_EXPERIMENT
from tests.servers import free_port, post_json, process, wait_for
from tests.stacks import alertmanager_server

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ROUTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {{name: mlops, team: mlops}}
spec:
  receivers:
    page: {{webhook: {{url: "http://127.0.0.1:9/page"}}}}
    chat: {{webhook: {{url: "http://127.0.0.1:9/chat"}}}}
  routes:
    - {{match: {{severity: critical}}, receivers: [page], muteTimeIntervals: [now]}}
    - {{match: {{severity: warning}}, receivers: [chat], muteTimeIntervals: [later]}}
  defaults: {{groupWait: 1s, groupInterval: 1s, repeatInterval: 1h}}
  timeIntervals:
    now: [{{weekdays: [{today}, {tomorrow}]}}]
    later: [{{weekdays: [{later}]}}]
"""


def muted_by(url: str) -> dict[str, list[str]]:
    """severity → the intervals muting its group (Alertmanager reports them per group,
    once the group's pipeline has run)."""
    with urllib.request.urlopen(f"{url}/api/v2/alerts/groups", timeout=5) as response:
        groups = json.load(response)
    return {a["labels"]["severity"]: a["status"]["mutedBy"] for g in groups for a in g["alerts"]}


@pytest.mark.parametrize("version", [v for v in ALERTMANAGER if v >= "0.28"])
def test_alertmanager_mutes_when_the_reading_says_an_interval_holds(
    write_spec, tmp_path: Path, version: str
) -> None:
    today = datetime.datetime.now(datetime.UTC).weekday()
    names = {
        "today": DAYS[today],
        "tomorrow": DAYS[(today + 1) % 7],
        "later": DAYS[(today + 3) % 7],
    }
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ROUTING.format(**names), "routing.yaml")
    compiled = compile_targets(load([specs]))
    alerting = compiled.specs.alertings[0].spec.spec
    moment = datetime.datetime.now(datetime.UTC)
    reading = {
        name: holds([Interval.of_spec(i) for i in alerting.time_intervals[name]], moment)
        for name in ("now", "later")
    }
    assert reading == {"now": True, "later": False}
    out = tmp_path / "generated"
    for rel, text in render(compiled, lint=False).files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = alertmanager_server(
        version, out / "alertmanager/alertmanager.yaml", tmp_path / "d", port
    )
    labels = {"alertname": "ModelAccuracyDegraded", "team": "mlops", "experiment": "demo-ab",
              "category": "model_performance", "namespace": "monitoring"}  # fmt: skip
    with process(args, tmp_path / "am.log", f"{url}/-/ready"):
        ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        post_json(
            f"{url}/api/v2/alerts",
            [
                {"labels": {**labels, "severity": s}, "endsAt": ends}
                for s in ("critical", "warning")
            ],
        )

        wait_for(lambda: muted_by(url).get("critical"), 15, "the critical's route to be muted")
        time.sleep(2)  # the warning's group has flushed too
        assert muted_by(url) == {"critical": ["mlops/now"], "warning": []}
