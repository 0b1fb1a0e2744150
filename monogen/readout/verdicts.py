"""Each treatment-against-control guardrail read over a whole window: the effect against
the control with an interval and p-value, whether the declared minimum sample was
reached, and, for a margin, how many requests a test needs to see it (power)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monogen.compile.promql import aggregate, selector
from monogen.compile.scope import Scope
from monogen.kinds.base import Guardrail
from monogen.kinds.comparison_proof import ERROR_RATE, LATENCY, ComparisonOptions
from monogen.readout import effects
from monogen.readout.prometheus_api import PrometheusApi
from monogen.spec.metrics import field_of
from monogen.spec.validate import ExperimentDoc


@dataclass(frozen=True)
class Verdict:
    metric: str
    noun: str
    unit: str
    control: str
    treatment: str
    effect: effects.Effect | None
    confidence: float
    higher_worse: bool
    test: str  # what the guardrail judges, in words
    margin_exceeded: bool | None  # the estimate past the margin, as the alert judges it
    requests: tuple[float, float]  # control, treatment, over the window
    needed: float | None  # requests per variant the declared test needs
    basis: str  # where `needed` comes from: "declared" or "power"

    @property
    def reached(self) -> bool | None:
        if self.needed is None:
            return None
        return min(self.requests) >= self.needed

    @property
    def more(self) -> float:
        return 0.0 if self.needed is None else max(0.0, self.needed - min(self.requests))

    @property
    def outcome(self) -> str:
        e = self.effect
        if e is None:
            return "no data"
        if not e.significant:
            return "no significant difference"
        worse = (e.difference > 0) == self.higher_worse
        return "treatment worse" if worse else "treatment better"


def _per(samples: list, scope: Scope, *extra: str) -> dict:
    out: dict = {}
    for s in samples:
        labels = dict(s.labels)
        key = tuple([scope.variant_of(labels)] + [labels.get(e, "") for e in extra])
        out[key] = s.value
    return out


def compare(
    rail: Guardrail, exp: ExperimentDoc, scope: Scope, api: PrometheusApi,
    start: float, end: float, step: float, confidence: float,
) -> list[Verdict]:  # fmt: skip
    o = ComparisonOptions.of(rail)
    metrics = exp.spec.spec.metrics
    window = f"{round(end - start)}s"
    threshold = rail.levels[0].threshold
    control = o.control
    if o.mode == "significance":
        confidence = o.confidence
        test = f"one-sided z-test at {o.confidence:g} over {o.window}"
    elif o.mode == "absolute":
        test = f"margin of {threshold:g} ({o.unit})"
    else:
        test = f"margin of {abs(threshold - 1):.0%} of the control's value"
    found = []

    def counts(name: str, matchers: list, *by: str) -> dict:
        inner = f"increase({selector(name, matchers)}[{window}])"
        return _per(api.query(aggregate("sum", scope.grouping(*by), inner), end), scope, *by)

    if o.metric == ERROR_RATE:
        req = metrics.requests
        assert req is not None
        totals = counts(req.name, scope.matchers(req))
        if req.error_selector:
            bad = counts(req.name, scope.failed(req))
        else:
            assert metrics.errors is not None
            bad = counts(metrics.errors.name, scope.matchers(metrics.errors))
        for treatment in o.treatments:
            n_c, n_t = totals.get((control,), 0.0), totals.get((treatment,), 0.0)
            x_c, x_t = bad.get((control,), 0.0), bad.get((treatment,), 0.0)
            effect = effects.two_proportions(x_c, n_c, x_t, n_t, confidence)
            needed, basis = _needed_rate(o, threshold, effect, confidence)
            found.append(_verdict(o, control, treatment, effect, confidence, test,
                                  threshold, (n_c, n_t), needed, basis))  # fmt: skip
    elif o.metric == LATENCY:
        lat = metrics.latency
        assert lat is not None
        got = counts(f"{lat.name}_bucket", scope.matchers(lat), "le")
        buckets: dict[str, list[tuple[float, float]]] = {}
        for (variant, le), count in got.items():
            bound = _bound(le)
            if bound is not None:  # histogram_quantile leaves out what is no number
                buckets.setdefault(variant, []).append((bound, count))
        for treatment in o.treatments:
            c, t = buckets.get(control, []), buckets.get(treatment, [])
            effect = effects.quantiles(c, t, o.quantile, confidence)
            n = (max((x for _, x in c), default=0.0), max((x for _, x in t), default=0.0))
            needed = _needed_scaled(o, threshold, effect, min(n), confidence)
            found.append(_verdict(o, control, treatment, effect, confidence, test,
                                  threshold, n, needed, "power"))  # fmt: skip
    else:
        gauge = getattr(metrics, field_of(o.metric))
        expr = scope.gauge(gauge, "avg", (control, *o.treatments))
        samples: dict[str, list[float]] = {}
        for s in api.query_range(expr, start, end, step):
            variant = scope.variant_of(dict(s.labels))
            samples[variant] = [v for _, v in s.points if math.isfinite(v)]
        for treatment in o.treatments:
            c, t = samples.get(control, []), samples.get(treatment, [])
            effect = effects.means(c, t, confidence)
            found.append(_verdict(o, control, treatment, effect, confidence, test,
                                  threshold, (len(c), len(t)), None, "samples"))  # fmt: skip
    return found


def _bound(le: str) -> float | None:
    try:
        bound = float(le)
    except ValueError:
        return None
    return None if math.isnan(bound) else bound


def _verdict(
    o: ComparisonOptions, control, treatment, effect, confidence, test, threshold, n, needed, basis
):
    exceeded = None
    if effect is not None and o.mode == "absolute":
        exceeded = (effect.difference if o.higher_worse else -effect.difference) > threshold
    elif effect is not None and o.mode == "relative" and effect.ratio is not None:
        exceeded = effect.ratio > threshold if o.higher_worse else effect.ratio < threshold
    return Verdict(o.metric, o.noun, o.unit, control, treatment, effect, confidence,
                   o.higher_worse, test, exceeded, n, needed, basis)  # fmt: skip


def _margin(o: ComparisonOptions, threshold: float, control_value: float) -> float | None:
    if o.mode == "absolute":
        return threshold
    if o.mode == "relative":
        return abs(threshold - 1) * control_value
    return None


def _needed_rate(
    o: ComparisonOptions, threshold: float, effect, confidence: float
) -> tuple[float | None, str]:
    if o.mode == "significance":
        return float(o.min), "declared"
    if effect is None:
        return None, "power"
    margin = _margin(o, threshold, effect.control)
    if not margin or not margin > 0:
        return None, "power"
    needed = effects.proportions_sample(effect.control, margin, 1 - confidence)
    return (math.ceil(needed) if math.isfinite(needed) else None), "power"


def _needed_scaled(
    o: ComparisonOptions, threshold: float, effect, n: float, confidence: float
) -> float | None:
    if effect is None or not n > 0 or not effect.standard_error > 0:
        return None
    margin = _margin(o, threshold, effect.control)
    if not margin or not margin > 0:
        return None
    needed = effects.scaled_sample(n, effect.standard_error, margin, 1 - confidence)
    return math.ceil(needed) if math.isfinite(needed) else None
