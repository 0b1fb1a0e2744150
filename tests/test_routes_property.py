"""Property-based: random routing specs (matchers and RE2 patterns Python's `re` reads
otherwise, `continue`, several receivers, mute and active time intervals, the team's own
inhibit rules) compile into a config whose route walk, as `monogen routes` reports it, is
amtool's `config routes test` for every generated alert; and, for a sample on every
Alertmanager of the matrix, a live Alertmanager inhibits exactly the alerts the inhibition
graph says and sends exactly the notifications `monogen routes` says it sends now (each
receiver's route muted or held by its own intervals). Intervals are laid around the moment
the test runs: `now` holds today and tomorrow (a run across midnight still holds), `later`
only in three days. Seed and budget are fixed."""

from __future__ import annotations

import datetime
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from monogen.build import render
from monogen.compile.delivery import conditions
from monogen.compile.inhibition import mutings
from monogen.compile.matchers import render_alertmanager
from monogen.pipeline import compile_targets, load
from monogen.spec.errors import SpecErrors
from tests.conftest import ALERTMANAGER, MINIMAL_EXPERIMENT, run_tool
from tests.servers import HttpSink, free_port, post_json, process, wait_for
from tests.stacks import alertmanager_server

SEED = 20261207
RECEIVERS = ("page", "chat", "mail")
INTERVALS = ("now", "later")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# values of the labels generated alerts carry, and patterns that RE2 and `re` read apart
VALUES = {
    "severity": ("critical", "warning", "crit{,1}", "[[:alpha:]]+", "warn.*", "critical|warning"),
    "category": ("model_performance", "reliability", "latency", "traffic", ".*_.*"),
    "alertname": ("ModelAccuracyDegraded", "ModelHighErrorRate", "Model.*"),
}


@st.composite
def routings(draw: st.DrawFn) -> dict[str, Any]:
    routes = []
    for _ in range(draw(st.integers(1, 4))):
        label = draw(st.sampled_from(sorted(VALUES)))
        value = draw(st.sampled_from(VALUES[label]))
        regex = any(c in value for c in "[]{}|*.")
        route: dict[str, Any] = {
            ("matchRe" if regex else "match"): {label: value},
            "receivers": draw(
                st.lists(st.sampled_from(RECEIVERS), min_size=1, max_size=2, unique=True)
            ),
        }
        if draw(st.booleans()):
            route["continue"] = True
        for key in ("muteTimeIntervals", "activeTimeIntervals"):
            if draw(st.integers(0, 2)) == 0:
                route[key] = draw(st.lists(st.sampled_from(INTERVALS), min_size=1, unique=True))
        routes.append(route)
    routes.append({"receivers": ["mail"]})  # every alert reaches the team
    inhibit: dict[str, Any] = {"criticalInhibitsWarning": draw(st.booleans())}
    if draw(st.booleans()):
        source = draw(st.sampled_from(["model_performance", "reliability", "traffic"]))
        target = draw(st.sampled_from(["latency", "reliability", "traffic"]))
        inhibit["rules"] = [
            {
                "sourceMatch": {"category": source},
                "targetMatch": {"category": target, "severity": "warning"},
                "equal": ["experiment"],
            }
        ]
    return {
        "apiVersion": "monogen/v1",
        "kind": "Alerting",
        "metadata": {"name": "mlops", "team": "mlops"},
        "spec": {
            "receivers": {
                "page": {"pagerduty": {"routingKeyFile": "/etc/am/pd/key"}},
                "chat": {"slack": {"apiUrlFile": "/etc/am/slack/url", "channel": "#x"}},
                "mail": {"webhook": {"url": "https://hooks.example.com/a"}},
            },
            "routes": routes,
            "inhibit": inhibit,
        },
    }


def around_now() -> dict[str, list[dict[str, Any]]]:
    """`now` holds today and tomorrow (UTC), `later` only in three days."""
    today = datetime.datetime.now(datetime.UTC).weekday()
    return {
        "now": [{"weekdays": [DAYS[today], DAYS[(today + 1) % 7]]}],
        "later": [{"weekdays": [DAYS[(today + 3) % 7]]}],
    }


def compiled_from(tmp_path: Path, routing: dict[str, Any], sink: HttpSink | None = None) -> Any:
    specs = tmp_path / f"case-{time.monotonic_ns()}" / "specs"
    specs.mkdir(parents=True)
    (specs / "exp.yaml").write_text(MINIMAL_EXPERIMENT)
    spec = {**routing["spec"], "timeIntervals": around_now()}
    if sink is not None:  # every receiver a webhook to the sink; notifications at once
        spec["receivers"] = {r: {"webhook": {"url": sink.url(f"/{r}")}} for r in RECEIVERS}
        spec["defaults"] = {"groupWait": "1s", "groupInterval": "1s", "repeatInterval": "1h"}
    (specs / "routing.yaml").write_text(yaml.safe_dump({**routing, "spec": spec}))
    try:
        return compile_targets(load([specs]), check_routes=False), specs.parent
    except SpecErrors:
        return None, specs.parent  # refused with a reason (e.g. inhibition both ways)


def write(compiled: Any, where: Path) -> Path:
    for rel, text in render(compiled, lint=False).files.items():
        (where / rel).parent.mkdir(parents=True, exist_ok=True)
        (where / rel).write_text(text)
    return where / "alertmanager/alertmanager.yaml"


@seed(SEED)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(routings())
def test_monogen_routes_is_amtools_walk(tmp_path: Path, routing: dict[str, Any]) -> None:
    compiled, where = compiled_from(tmp_path, routing)
    event("refused" if compiled is None else "walked")
    if compiled is None:
        return
    config = write(compiled, where / "generated")
    when = conditions(compiled.alertmanager, compiled.routes)
    walked: dict[tuple[tuple[str, str], ...], str] = {}
    for row in compiled.routes:
        if row.labels not in walked:
            args = [render_alertmanager((k, "=", v)) for k, v in row.labels]
            done = run_tool("amtool", "config", "routes", "test", f"--config.file={config}", *args)
            assert done.returncode == 0, done.stderr
            walked[row.labels] = done.stdout.strip()
        assert walked[row.labels] == ",".join(row.receivers), (routing["spec"]["routes"], row)
        # each notification keeps its own route's intervals, and only those
        deliveries = when[row]["deliveries"]
        assert tuple(d["receiver"] for d in deliveries) == row.receivers
        for d in deliveries:
            assert set(d["muted"]) | set(d["active"]) <= set(INTERVALS)
        if not any(
            r.get("muteTimeIntervals") or r.get("activeTimeIntervals")
            for r in routing["spec"]["routes"]
        ):
            assert all(d["muted"] == d["active"] == [] for d in deliveries)


def alerts_of(url: str) -> list[dict]:
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=5) as response:
        return json.load(response)


def sent(sink: HttpSink) -> set[tuple[str, tuple[tuple[str, str], ...]]]:
    """(receiver, alert labels) of every notification the sink received."""
    return {
        (f"/{post['receiver']}", tuple(sorted(alert["labels"].items())))
        for path, post in list(sink.received)
        for alert in post["alerts"]
    }


@pytest.mark.parametrize("version", ALERTMANAGER)
@seed(SEED)
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(routings())
def test_a_live_alertmanager_inhibits_and_delivers_what_monogen_says(
    tmp_path: Path, version: str, routing: dict[str, Any]
) -> None:
    with HttpSink() as sink:
        compiled, where = compiled_from(tmp_path, routing, sink)
        event("refused" if compiled is None else "live")
        if compiled is None:
            return
        config = write(compiled, where / "generated")
        inhibited = {
            m.target.labels for m in mutings(compiled.alertmanager.inhibit_rules, compiled.routes)
        }
        # what `monogen routes` says goes out now; `now` holds and `later` does not
        when = conditions(compiled.alertmanager, compiled.routes)
        expected = {
            (f"/{d['receiver']}", row.labels)
            for row in compiled.routes
            if row.labels not in inhibited
            for d in when[row]["deliveries"]
            if "now" not in d["muted"] and (not d["active"] or "now" in d["active"])
        }
        held = {(f"/{d['receiver']}", r.labels) for r in compiled.routes
                for d in when[r]["deliveries"]} - expected  # fmt: skip
        event(f"held back: {'some' if held else 'none'}")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        args = alertmanager_server(version, config, where / "am-data", port)
        with process(args, where / "am.log", f"{url}/-/ready"):
            ends = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
            post_json(
                f"{url}/api/v2/alerts",
                [{"labels": dict(row.labels), "endsAt": ends} for row in compiled.routes],
            )
            labelsets = {r.labels for r in compiled.routes}
            wait_for(lambda: len(alerts_of(url)) == len(labelsets), 10, "alerts")

            def muted() -> set[tuple[tuple[str, str], ...]]:
                return {
                    tuple(sorted(a["labels"].items()))
                    for a in alerts_of(url)
                    if a["status"]["inhibitedBy"]
                }

            deadline = time.monotonic() + 5
            while muted() != inhibited and time.monotonic() < deadline:
                time.sleep(0.2)
            assert muted() == inhibited
            # every group waits 1s, then flushes each second: what is not sent by then
            # is held back (muted, inactive or inhibited)
            deadline = time.monotonic() + 10
            while not expected <= sent(sink) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(2.5)
            assert sent(sink) == expected, routing["spec"]["routes"]
