"""Synthetic series proving treatment-against-control alerts under promtool: the control
at a fixed healthy value and the treatment worse by the probed amount, or, for the
significance test, both at the control's error rate with the treatment's extra failures
arriving as one burst a window (so every full window holds the same z from then on)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar, Literal

from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    burst_values,
    increase,
    phase_of,
    phased,
    phased_points,
    series,
    window_samples,
)
from monogen.compile.matchers import Matcher, matches
from monogen.compile.readings import CLOSED, READINGS, Reading, extrapolated, summed
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.kinds.base import Direction, Guardrail, Healthy, Kind, Options
from monogen.model.rules import RecordingRule
from monogen.spec.metrics import Metrics, field_of
from monogen.spec.quantities import parse_duration

ERROR_RATE, LATENCY = "errorRate", "latency"  # compared subjects beside the quality gauges
TOTAL = 100_000  # requests a step
CONTROL_ERRORS = 1_000  # the control fails 1%
CONTROL_LATENCY = 0.1  # seconds, the control's quantile
SMALL = {"ratio": 1e-4, "seconds": 1e-3, "scaled": 5e-4, "percent": 0.05}


@dataclass(frozen=True, kw_only=True)
class ComparisonOptions(Options):
    """One treatment comparison (kinds/comparison.py); `unit`, `category` and `noun` are
    the compared metric's."""

    metric: str  # errorRate, latency, or a Metrics key of a gauge
    control: str
    treatments: tuple[str, ...]
    mode: Literal["absolute", "relative", "significance"]
    worse: Direction  # the side of the threshold that fires
    higher_worse: bool  # whether a higher value of the metric is the worse one
    quantile: float | None = None  # the latency quantile compared
    # a significance test's
    window: str | None = None
    min: int | None = None  # requests of each variant before it judges
    confidence: float | None = None


class ComparisonProof(Kind):
    """The promtool side of a treatment comparison: probes, fixtures, recorded values."""

    # rule contexts by (guardrail, scope, metrics, variants), each held with its objects
    _contexts: ClassVar[dict[tuple, tuple]] = {}

    def judged(self, rail: Guardrail, ctx: RuleContext, variant: str) -> str:
        raise NotImplementedError

    def window_counts(self, rail: Guardrail, ctx: RuleContext, variant: str) -> tuple[str, str]:
        raise NotImplementedError

    def warmup(self, rail: Guardrail) -> float:
        o = ComparisonOptions.of(rail)
        if o.mode == "significance":  # the first full window holding a burst
            window = parse_duration(o.window)
            return window_samples(window, phase_of(window)) * STEP
        return STEP if o.metric in (ERROR_RATE, LATENCY) else 0

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        mode = ComparisonOptions.of(rail).mode
        if mode == "absolute":
            small = SMALL["percent" if rail.scale == "percent" else ComparisonOptions.of(rail).unit]
            step = max(abs(threshold) * 0.02, small)
            return threshold + step, threshold - step
        if ComparisonOptions.of(rail).worse == "below":
            return threshold * 0.98, threshold * 1.02
        return threshold * 1.02, threshold * 0.98

    def crossed(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext, variant: str, value: float
    ) -> bool:
        return (
            value < threshold if ComparisonOptions.of(rail).worse == "below" else value > threshold
        )

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """The z-test reads recorded counts only (the recording group checks their rules
        with decoys); a margin's worse treatment weighs more than the proof's own."""
        return None if ComparisonOptions.of(rail).mode == "significance" else "inside"

    def _rule_context(self, rail: Guardrail, ctx: FixtureContext) -> RuleContext:
        """Built once per guardrail and experiment, not once per treatment's proof: the
        records span every variant, so rebuilding them for each made proofs quadratic."""
        assert ctx.scope is not None
        key = (id(rail), id(ctx.scope), id(ctx.metrics), ctx.variants)
        held = self._contexts.get(key)
        # the objects are held with their context, so no id is reused while it is cached
        if held is None:
            if len(self._contexts) > 64:
                self._contexts.clear()
            made = self._rule_context_for(rail, ctx.scope, ctx.metrics, ctx.variants)
            held = self._contexts[key] = (rail, ctx.scope, ctx.metrics, made)
        return held[3]

    def _rule_context_for(
        self, rail: Guardrail, scope: Scope, metrics: Metrics, variants: tuple = ()
    ) -> RuleContext:
        """The names the rules read, rebuilt the way the rule compiler builds them."""
        records = Records(scope)
        records.build(metrics, set(self.quantiles(rail)))
        self.records(rail, records, metrics)
        return RuleContext(scope, records, metrics, variants, "", "")

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        o = ComparisonOptions.of(rail)
        control = o.control
        if o.mode == "significance":
            return self._z_fixture(rail, ctx, variant, value)
        c_value = self._control_value(rail)
        if o.mode == "relative":
            t_value = c_value * value
        else:
            t_value = c_value + value if o.higher_worse else c_value - value
        found: list[dict[str, str]] = []
        seen: dict[str, float] = {}
        for name, wanted in ((control, c_value), (variant, t_value)):
            made = self._variant_series(rail, ctx, name, wanted)
            if made is None:
                return None
            found += made[0]
            seen[name] = made[1]
        t, c = seen[variant], seen[control]
        worse = t - c if o.higher_worse else c - t
        judged = t / c if o.mode == "relative" else worse
        rule_ctx = self._rule_context(rail, ctx)
        queries = {
            self.judged(rail, rule_ctx, variant): t,
            self.judged(rail, rule_ctx, control): c,
        }
        out = {variant: {ctx.output_variant_label: variant}}
        return Fixture(found, {variant: judged}, out, queries)

    def _control_value(self, rail: Guardrail) -> float:
        metric = ComparisonOptions.of(rail).metric
        if metric == ERROR_RATE:
            return CONTROL_ERRORS / TOTAL
        if metric == LATENCY:
            return CONTROL_LATENCY
        return 80.0 if rail.scale == "percent" else 0.8

    def _variant_series(
        self, rail: Guardrail, ctx: FixtureContext, name: str, wanted: float
    ) -> tuple[list[dict[str, str]], float] | None:
        """Series under which `name`'s compared value is about `wanted`, and that value."""
        metric = ComparisonOptions.of(rail).metric
        if metric == ERROR_RATE:
            errors = round(wanted * TOTAL)
            if not 0 <= errors <= TOTAL:
                return None
            requests = ctx.metrics.requests
            assert requests is not None
            if requests.error_selector:
                seen = ctx.rate(errors) / (ctx.rate(TOTAL - errors) + ctx.rate(errors))
            else:
                seen = ctx.rate(errors) / ctx.rate(TOTAL)
            return ctx.requests(name, TOTAL, errors), seen
        if metric == LATENCY:
            q = rail.quantile or 0.95
            if wanted <= 0:
                return None
            bound = wanted / q
            c = ctx.rate(600.0)
            return ctx.histogram(name, [(bound, 600.0)]), 0 + (bound - 0) * ((q * c) / c)
        top = 100.0 if rail.scale == "percent" else 1.0
        if not 0 <= wanted <= top:
            return None
        gauge = getattr(ctx.metrics, field_of(metric))
        return ctx.gauge(gauge, name, wanted).series, wanted

    def _z_fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """Both variants fail at the control's rate; the treatment's extra failures come
        as one burst a window, so from the first full window on every window holds the
        same z. The samples lie between evaluations (see `phase_of`): every release's
        reading of the window holds the same ones."""
        o = ComparisonOptions.of(rail)
        window = parse_duration(o.window)
        phase = phase_of(window)
        layout = _Bursts(ctx, phase, window_samples(window, phase))
        control = o.control
        # enough requests a step for both variants to pass the minimum
        scale = max(1, math.ceil(2 * o.min / (TOTAL * layout.period)))

        def seen(burst: int, at: float, reading: Reading) -> tuple[float, float, float] | None:
            t = layout.counts(variant, burst, scale, at, window, reading)
            c = layout.counts(control, 0, scale, at, window, reading)
            if t is None or c is None:
                return None
            (nt, et), (nc, ec) = t, c
            return z_statistic(nt, et, nc, ec), et / nt, ec / nc

        onset = self.warmup(rail)
        low, high = 0, TOTAL * scale * layout.period
        while high - low > 1:
            mid = (low + high) // 2
            found = seen(mid, onset, CLOSED)
            low, high = (mid, high) if found is None or found[0] < value else (low, mid)
        # every reading, every step from the onset to the last check: the same values;
        # the step before, the largest window without a burst: inside the threshold
        last = (ctx.samples - 1) * STEP
        values = {seen(high, t, r) for t in range(int(onset), last, STEP) for r in READINGS}
        before = [seen(high, onset - STEP, r) for r in READINGS]
        if len(values) != 1 or None in values:
            return None
        if any(b is not None and b[0] >= rail.levels[0].threshold for b in before):
            return None  # (no value: the rule has nothing to fire on)
        z, t_ratio, c_ratio = values.pop() or (0.0, 0.0, 0.0)
        found_series = layout.series(control, 0, scale) + layout.series(variant, high, scale)
        rule_ctx = self._rule_context(rail, ctx)
        nt, et = self.window_counts(rail, rule_ctx, variant)
        nc, ec = self.window_counts(rail, rule_ctx, control)
        queries = {f"{et} / {nt}": t_ratio, f"{ec} / {nc}": c_ratio}
        out = {variant: {ctx.output_variant_label: variant}}
        return Fixture(found_series, {variant: z}, out, queries, math.gcd(phase, STEP))

    def expected_record(
        self, rail: Guardrail, rule: RecordingRule, ctx: FixtureContext, healthy: Healthy
    ) -> list[tuple[dict[str, str], float]] | None:
        if rule.meaning[:1] not in (("srm",), ("comparison",)) or ComparisonOptions.of(
            rail
        ).mode != ("significance"):
            return None
        window = parse_duration(ComparisonOptions.of(rail).window)
        source = healthy.errors if rule.meaning == ("comparison", "errors") else healthy.requests
        if rule.meaning not in (("comparison", "errors"), ("srm", "increase")):
            return None
        return [
            ({**rule.labels, **ctx.out_labels(v)}, increase(source[v], window, reading=ctx.reading))
            for v in ctx.names
        ]


class _Bursts:
    """One variant's request counters for the z-test's proof: at the control's error
    rate, plus `burst` failed requests in every `period`-th step, sampled at a phase."""

    def __init__(self, ctx: FixtureContext, phase: int, in_window: int) -> None:
        self.ctx, self.phase, self.in_window = ctx, phase, in_window
        self.period = in_window - 1  # the steps a full window spans: one burst each
        self._made: dict[tuple[str, int, int], list[tuple[str, dict, list[float]]]] = {}
        self._timed: dict[int, list[tuple[float, float]]] = {}

    def _layout(self, name: str, burst: int, scale: int) -> list[tuple[str, dict, list[float]]]:
        """(metric, labels, samples) of each series, in the order Prometheus sums them."""
        key = (name, burst, scale)
        if key not in self._made:  # the checks ask again and again for the same
            self._made[key] = self._build(name, burst, scale)
        return self._made[key]

    def _build(self, name: str, burst: int, scale: int) -> list[tuple[str, dict, list[float]]]:
        ctx = self.ctx
        requests = ctx.metrics.requests
        assert requests is not None
        ok, bad = ctx.request_labels(name)
        total, failed = TOTAL * scale, CONTROL_ERRORS * scale

        def values(per_step: int, extra: int) -> list[float]:
            # counters that ran a window before the test: no zero point to extrapolate to
            start = per_step * self.in_window
            return burst_values(per_step, extra, self.period, ctx.samples, start)

        if bad is not None:
            made = [
                (requests.name, ok, values(total - failed, 0)),
                (requests.name, bad, values(failed, burst)),
            ]
            return sorted(made, key=lambda s: sorted(s[1].items()))
        errors = ctx.metrics.errors
        assert errors is not None
        return [
            (requests.name, ok, values(total, burst)),
            (errors.name, ctx.base_labels(errors, name), values(failed, burst)),
        ]

    def _points(self, values: list[float]) -> list[tuple[float, float]]:
        key = id(values)  # the lists _layout keeps
        if key not in self._timed:
            self._timed[key] = phased_points(values, self.phase)
        return self._timed[key]

    def series(self, name: str, burst: int, scale: int) -> list[dict[str, str]]:
        return [
            series(metric, labels, phased(values, self.phase))
            for metric, labels, values in self._layout(name, burst, scale)
        ]

    def counts(
        self, name: str, burst: int, scale: int, at: float, window: float, reading: Reading
    ) -> tuple[float, float] | None:
        """(requests, failed requests) over the window, as the recording rules sum them."""
        requests = self.ctx.metrics.requests
        assert requests is not None
        found = []
        for metric, labels, values in self._layout(name, burst, scale):
            points = self._points(values)
            inc = extrapolated(points, at, window, rate=False, reading=reading)
            if inc is None:
                return None
            found.append((metric, labels, inc))
        if requests.error_selector:
            errors = requests.error_matchers()
            failed = [inc for _, labels, inc in found if all(matches(e, labels) for e in errors)]
            return summed([inc for *_, inc in found], reading), failed[0]
        return found[0][2], found[1][2]


def z_statistic(nt: float, et: float, nc: float, ec: float) -> float:
    """The one-sided two-proportion z, with the rule's order of float operations."""
    pooled = (et + ec) / (nt + nc)
    return ((et / nt) - (ec / nc)) / math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
