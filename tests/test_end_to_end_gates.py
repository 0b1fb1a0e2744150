"""Rollout gates end to end on loopback: an exporter → a real Prometheus evaluating the
generated rules → every generated gate query, resolved as Argo Rollouts (arguments in the
JSON of the metric) and Flagger (a Go template) resolve them, asked of that Prometheus.

Each query returns exactly one value for the treatment under analysis. While the variants
are healthy every gate passes (Argo's failure condition false, the value inside Flagger's
threshold range); when the treatment collapses (accuracy, errors, its share of traffic)
every gate fails. The treatment's name holds `{{`, `$1`, quotes and two spaces in a row.
"""

from __future__ import annotations

import json
import math
import re
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml

from monogen.compile.gates import variant_value
from tests.conftest import ENDS, tool
from tests.servers import HttpSink, free_port, wait_for
from tests.stacks import prometheus, write_generated
from tests.test_end_to_end import EXPERIMENT as AB_EXPERIMENT

TREATMENT = 'enh{{x}} $1 "q"  two'
GUARDRAILS = """
accuracy: {warning: {below: 75, for: 2m}, critical: {below: 50, for: 1m}}
errorRate: {critical: {above: 5%, for: 1m}}
trafficSplit: {tolerance: 5}
sampleRatioMismatch: {window: 2m, minRequests: 200}
missingData: {}
comparisons:
  - {metric: errorRate, significance: {window: 2m, minRequests: 100}}
  - {metric: accuracy, margin: {absolute: 2}, for: 1m}
slos:
  - {name: availability, objective: 99.5%}
"""


def experiment() -> str:
    """The accuracy experiment of tests/test_end_to_end.py, with requests, a hostile
    treatment name and a guardrail of every kind that gates."""
    spec = yaml.safe_load(AB_EXPERIMENT)
    spec["metadata"]["name"] = "e2e-gates"
    spec["spec"]["variants"][1]["name"] = TREATMENT
    spec["spec"]["metrics"]["requests"] = {
        "name": "ab_test_requests_total",
        "errorSelector": {"status": "error"},
    }
    spec["spec"]["guardrails"] = yaml.safe_load(GUARDRAILS)
    return yaml.safe_dump(spec)


PROJECT = "rollouts: [argo, flagger]\n"
# per tick (20 a second): (requests, failed requests) of each variant, and its accuracy
HEALTHY = {"baseline-predictor": (5, 0, 90.0), TREATMENT: (5, 0, 90.0)}
COLLAPSED = {"baseline-predictor": (9, 0, 90.0), TREATMENT: (2, 1, 40.0)}


def argo_queries(out: Path, address: str) -> dict[str, tuple[str, Callable[[float], bool]]]:
    """gate → (query as Argo Rollouts resolves it, whether a value fails the measurement)."""
    template = yaml.safe_load((out / "kubernetes/argo-rollouts/e2e-gates.yaml").read_text())
    args = {a["name"]: a.get("value") for a in template["spec"]["args"]}
    args["prometheus-address"] = address
    assert args["variant"] == variant_value(TREATMENT)  # the default: the treatment
    found = {}
    for metric in template["spec"]["metrics"]:
        # as Argo does: the metric as JSON, each {{args.x}} replaced by the quoted value
        text = json.dumps(metric)

        def resolve(match: re.Match[str]) -> str:
            return json.dumps(args[match.group(1).strip().removeprefix("args.")])[1:-1]

        resolved = json.loads(re.sub(r"\{\{(.*?)\}\}", resolve, text))
        assert resolved["provider"]["prometheus"]["address"] == address
        op, limit = re.fullmatch(r"result\[0\] ([<>]) (\S+)", metric["failureCondition"]).groups()
        failing = (
            (lambda v, t=float(limit): v < t) if op == "<" else (lambda v, t=float(limit): v > t)
        )
        found[metric["name"]] = (resolved["provider"]["prometheus"]["query"], failing)
    return found


def flagger_queries(out: Path) -> dict[str, tuple[str, Callable[[float], bool]]]:
    """gate → (query as Flagger renders it, whether a value is outside the accepted range)."""
    snippet = yaml.safe_load(
        (out / "kubernetes/flagger/e2e-gates.canary-analysis.yaml").read_text()
    )
    found = {}
    for metric in snippet["analysis"]["metrics"]:
        path = out / "kubernetes/flagger/e2e-gates" / f"{metric['name']}.yaml"
        template = yaml.safe_load(path.read_text())
        assert template["metadata"]["name"] == metric["templateRef"]["name"]
        variables = metric.get("templateVariables", {})
        query = template["spec"]["query"].replace(
            "{{ variables.variant }}", variables.get("variant", "")
        )
        assert "{{" not in template["spec"]["query"].replace("{{ variables.variant }}", "")
        query = re.sub(r"\s+", " ", query)  # as Flagger trims a query
        low = metric["thresholdRange"].get("min", -math.inf)
        high = metric["thresholdRange"].get("max", math.inf)
        found[metric["name"]] = (query, lambda v, lo=low, hi=high: v < lo or v > hi)
    return found


def one_value(url: str, query: str) -> float:
    params = urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(f"{url}/api/v1/query?{params}", timeout=5) as response:
        body = json.load(response)
    result = body["data"]["result"]
    assert len(result) == 1, (query, result)
    return float(result[0]["value"][1])


def verdicts(url: str, gates: dict[str, tuple[str, Callable[[float], bool]]]) -> dict[str, bool]:
    """gate → whether it fails now."""
    return {name: failing(one_value(url, query)) for name, (query, failing) in gates.items()}


@contextmanager
def traffic(registry: Any) -> Iterator[dict[str, tuple[int, int, float]]]:
    """Counters and gauges fed 20 times a second from the yielded mapping (variant →
    requests and failures a tick, accuracy) until the block ends."""
    from prometheus_client import Counter, Gauge

    requests = Counter("ab_test_requests", "Requests", ["namespace", "model_name", "status"],
                       registry=registry)  # fmt: skip
    accuracy = Gauge("ab_test_model_accuracy", "Accuracy", ["namespace", "model_name"],
                     registry=registry)  # fmt: skip
    now = dict(HEALTHY)
    stop = threading.Event()

    def feed() -> None:
        tick = 0
        while not stop.wait(0.05):
            tick += 1
            for variant, (n, failed, acc) in list(now.items()):
                requests.labels("seldon", variant, "ok").inc(n - failed)
                # healthy: one failure in 800 requests, for an error ratio that is not 0/0
                failed = failed or (1 if tick % 160 == 0 else 0)
                requests.labels("seldon", variant, "error").inc(failed)
                accuracy.labels("seldon", variant).set(acc)

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        yield now
    finally:
        stop.set()
        feeder.join(timeout=5)


@pytest.mark.parametrize("versions", ENDS)
def test_every_gate_returns_one_value_and_flips_with_the_scenario(
    tmp_path: Path, versions: dict[str, str]
) -> None:
    from prometheus_client import CollectorRegistry, start_http_server

    tool("prometheus", versions["prometheus"])
    registry = CollectorRegistry()
    port = free_port()
    server, _thread = start_http_server(port, addr="127.0.0.1", registry=registry)
    try:
        with HttpSink() as sink, traffic(registry) as now:
            out = write_generated(tmp_path, experiment(), sink, PROJECT)
            rules = sorted((out / "prometheus/rules").glob("*.yaml"))
            with prometheus(tmp_path, rules, port, version=versions["prometheus"]) as url:
                argo, flagger = argo_queries(out, url), flagger_queries(out)
                assert set(argo) == set(flagger) and len(argo) == 11
                assert not any("missing" in name for name in argo)  # not a gate
                gates = {f"argo {k}": v for k, v in argo.items()}
                gates.update({f"flagger {k}": v for k, v in flagger.items()})

                def all_pass() -> bool:
                    try:
                        return not any(verdicts(url, gates).values())
                    except (AssertionError, KeyError):  # a series not recorded yet
                        return False

                wait_for(all_pass, 20, "every gate to pass on healthy traffic")
                time.sleep(2)
                assert not any(verdicts(url, gates).values())

                now.update(COLLAPSED)
                last: dict[str, bool] = {}

                def all_fail() -> bool:
                    last.update(verdicts(url, gates))
                    return all(last.values())

                try:
                    wait_for(all_fail, 30, "every gate to fail on the collapse")
                except TimeoutError:
                    raise AssertionError(sorted(k for k, v in last.items() if not v)) from None
    finally:
        server.shutdown()
        server.server_close()
