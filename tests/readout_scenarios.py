"""Experiments whose effects are known, as days of minute samples for the readout's tests:
a treatment that is worse, one that is equal, a broken traffic split, and an outage that
burns an SLO. Each is its own experiment (selector `service`), so one server holds all."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from tests.history import Series, le_value

STEP = 60
HISTORY = int(3.5 * 86_400)  # before the report's range: every window reaches back
RANGE = 2 * 86_400  # what the report reads
BOUNDS = (0.05, 0.1, 0.25, 0.5, 1.0)
OUTAGE = 3_600  # one hour of failures, a day before the end
SLO_OBJECTIVE = 0.995


@dataclass(frozen=True)
class Variant:
    name: str
    per_minute: int  # requests
    errors_per_minute: int
    latency: tuple[int, ...] = ()  # observations a minute in each bucket (and past the last)


@dataclass(frozen=True)
class Scenario:
    name: str  # the experiment and its `service` label
    variants: tuple[Variant, Variant]
    outage_errors: int = 0  # the treatment's failures a minute during the outage


SCENARIOS = {
    "worse": Scenario("worse", (
        Variant("control", 600, 6, (200, 150, 150, 70, 24, 6)),
        Variant("treatment", 600, 9, (120, 150, 170, 100, 50, 10)),
    )),
    "equal": Scenario("equal", (Variant("control", 600, 6), Variant("treatment", 600, 6))),
    "srm": Scenario("srm", (Variant("control", 660, 6), Variant("treatment", 540, 5))),
    "outage": Scenario(
        "outage", (Variant("control", 600, 1), Variant("treatment", 600, 1)), outage_errors=360
    ),
}  # fmt: skip


def end_of_history() -> float:
    """A whole minute a little in the past: the last sample."""
    return float((int(time.time()) // STEP) * STEP - 5 * STEP)


def outage_window(end: float) -> tuple[float, float]:
    return end - 86_400, end - 86_400 + OUTAGE


def spec(s: Scenario) -> str:
    latency = "\n    latency: {name: ranker_latency_seconds}" if s.variants[0].latency else ""
    compare_latency = (
        "\n      - {metric: latency, quantile: 0.95, margin: {relative: 20%}}"
        if s.variants[0].latency
        else ""
    )
    return f"""\
apiVersion: monogen/v1
kind: Experiment
metadata: {{name: {s.name}, team: search}}
spec:
  selector: {{service: {s.name}}}
  variantLabel: variant
  variants:
    - {{name: control, role: control, traffic: 50}}
    - {{name: treatment, role: treatment, traffic: 50}}
  metrics:
    requests: {{name: ranker_requests_total, errorSelector: {{outcome: error}}}}{latency}
  guardrails:
    errorRate:
      warning: {{above: 2%, for: 5m}}
      critical: {{above: 5%, for: 5m}}
    sampleRatioMismatch: {{window: 1h}}
    comparisons:
      - {{metric: errorRate, significance: {{confidence: 0.99, window: 1h, minRequests: 1000}}}}{compare_latency}
    slos:
      - {{name: availability, objective: 99.5%, period: 3d}}
  runbookUrl: https://runbooks.example.com/ranker
  grafanaUrl: https://grafana.example.com
"""


def series(s: Scenario, end: float) -> list[Series]:
    times = [end - HISTORY + i * STEP for i in range(HISTORY // STEP + 1)]
    down = outage_window(end)
    found: list[Series] = []
    for v in s.variants:
        labels = {"service": s.name, "variant": v.name}
        ok: list[tuple[float, float]] = []
        bad: list[tuple[float, float]] = []
        good_total = bad_total = 0
        for t in times:
            failing = v.errors_per_minute
            if s.outage_errors and v.name == "treatment" and down[0] < t <= down[1]:
                failing = s.outage_errors
            bad_total += failing
            good_total += v.per_minute - failing
            ok.append((t, good_total))
            bad.append((t, bad_total))
        found.append(Series("ranker_requests_total", {**labels, "outcome": "ok"}, "counter", ok))
        found.append(
            Series("ranker_requests_total", {**labels, "outcome": "error"}, "counter", bad)
        )
        if v.latency:
            found += _histogram(labels, v.latency, times)
    return found


def _histogram(
    labels: dict[str, str], per_bucket: tuple[int, ...], times: list[float]
) -> list[Series]:
    """Cumulative buckets growing by `per_bucket` each minute (the last past every bound),
    `_count`, and `_sum` as if each observation sat at its bucket's upper bound."""
    cumulative = [sum(per_bucket[: i + 1]) for i in range(len(per_bucket))]
    bounds = [*BOUNDS, math.inf]
    found = [
        Series("ranker_latency_seconds_bucket", {**labels, "le": le_value(b)}, "histogram",
               [(t, c * (i + 1)) for i, t in enumerate(times)])
        for b, c in zip(bounds, cumulative, strict=True)
    ]  # fmt: skip
    total = cumulative[-1]
    weight = sum(n * b for n, b in zip(per_bucket, [*BOUNDS, BOUNDS[-1] * 2], strict=True))
    found.append(Series("ranker_latency_seconds_count", labels, "histogram",
                        [(t, total * (i + 1)) for i, t in enumerate(times)]))  # fmt: skip
    found.append(Series("ranker_latency_seconds_sum", labels, "histogram",
                        [(t, weight * (i + 1)) for i, t in enumerate(times)]))  # fmt: skip
    return found


def all_series(end: float) -> list[Series]:
    return [x for s in SCENARIOS.values() for x in series(s, end)]
