"""Synthetic series proving treatment-against-control alerts under promtool: the control
at a fixed healthy value and the treatment worse by the probed amount, or, for the
significance test, both at the control's error rate with the treatment's extra failures
arriving as one burst a window (so every full window holds the same z from then on)."""

from __future__ import annotations

import math

from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    bursts,
    counter,
    increase,
    series,
    window_steps,
)
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.kinds.base import Guardrail, Healthy, Kind
from monogen.model.rules import RecordingRule
from monogen.spec.metrics import Metrics, field_of
from monogen.spec.quantities import parse_duration

ERROR_RATE, LATENCY = "errorRate", "latency"  # compared subjects beside the quality gauges
TOTAL = 100_000  # requests a step
CONTROL_ERRORS = 1_000  # the control fails 1%
CONTROL_LATENCY = 0.1  # seconds, the control's quantile
SMALL = {"ratio": 1e-4, "seconds": 1e-3, "scaled": 5e-4, "percent": 0.05}


class ComparisonProof(Kind):
    """The promtool side of a treatment comparison: probes, fixtures, recorded values."""

    def judged(self, rail: Guardrail, ctx: RuleContext, variant: str) -> str:
        raise NotImplementedError

    def window_counts(self, rail: Guardrail, ctx: RuleContext, variant: str) -> tuple[str, str]:
        raise NotImplementedError

    def warmup(self, rail: Guardrail) -> float:
        if rail.options["mode"] == "significance":
            return window_steps(parse_duration(rail.options["window"])) * STEP
        return STEP if rail.options["metric"] in (ERROR_RATE, LATENCY) else 0

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        mode = rail.options["mode"]
        if mode == "absolute":
            small = SMALL["percent" if rail.scale == "percent" else rail.options["unit"]]
            step = max(abs(threshold) * 0.02, small)
            return threshold + step, threshold - step
        if rail.options["worse"] == "below":
            return threshold * 0.98, threshold * 1.02
        return threshold * 1.02, threshold * 0.98

    def crossed(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext, variant: str, value: float
    ) -> bool:
        return value < threshold if rail.options["worse"] == "below" else value > threshold

    def _rule_context(self, rail: Guardrail, ctx: FixtureContext) -> RuleContext:
        assert ctx.scope is not None
        return self._rule_context_for(rail, ctx.scope, ctx.metrics, ctx.variants)

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
        o = rail.options
        control = o["control"]
        if o["mode"] == "significance":
            return self._z_fixture(rail, ctx, variant, value)
        c_value = self._control_value(rail)
        if o["mode"] == "relative":
            t_value = c_value * value
        else:
            t_value = c_value + value if o["higher_worse"] else c_value - value
        found: list[dict[str, str]] = []
        seen: dict[str, float] = {}
        for name, wanted in ((control, c_value), (variant, t_value)):
            made = self._variant_series(rail, ctx, name, wanted)
            if made is None:
                return None
            found += made[0]
            seen[name] = made[1]
        t, c = seen[variant], seen[control]
        worse = t - c if o["higher_worse"] else c - t
        judged = t / c if o["mode"] == "relative" else worse
        rule_ctx = self._rule_context(rail, ctx)
        queries = {
            self.judged(rail, rule_ctx, variant): t,
            self.judged(rail, rule_ctx, control): c,
        }
        out = {variant: {ctx.output_variant_label: variant}}
        return Fixture(found, {variant: judged}, out, queries)

    def _control_value(self, rail: Guardrail) -> float:
        metric = rail.options["metric"]
        if metric == ERROR_RATE:
            return CONTROL_ERRORS / TOTAL
        if metric == LATENCY:
            return CONTROL_LATENCY
        return 80.0 if rail.scale == "percent" else 0.8

    def _variant_series(
        self, rail: Guardrail, ctx: FixtureContext, name: str, wanted: float
    ) -> tuple[list[dict[str, str]], float] | None:
        """Series under which `name`'s compared value is about `wanted`, and that value."""
        metric = rail.options["metric"]
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
        o = rail.options
        window = parse_duration(o["window"])
        steps = window_steps(window)
        control = o["control"]

        # enough requests a step for both variants to pass the minimum
        scale = max(1, math.ceil(2 * o["min"] / (TOTAL * steps)))
        total, failed = TOTAL * scale, CONTROL_ERRORS * scale

        def z_of(burst: int) -> tuple[float, dict[str, float]]:
            counts = {
                "nt": (total * steps + burst) * 1.0, "et": (failed * steps + burst) * 1.0,
                "nc": total * steps * 1.0, "ec": failed * steps * 1.0,
            }  # fmt: skip
            factor = window / (STEP * steps)
            c = {k: v * factor for k, v in counts.items()}
            return z_statistic(c["nt"], c["et"], c["nc"], c["ec"]), c

        low, high = 0, total * steps
        while high - low > 1:
            mid = (low + high) // 2
            low, high = (mid, high) if z_of(mid)[0] < value else (low, mid)
        z, c = z_of(high)
        requests = ctx.metrics.requests
        assert requests is not None
        found = self._burst_requests(ctx, control, 0, steps, scale) + self._burst_requests(
            ctx, variant, high, steps, scale
        )
        rule_ctx = self._rule_context(rail, ctx)
        nt, et = self.window_counts(rail, rule_ctx, variant)
        nc, ec = self.window_counts(rail, rule_ctx, control)
        queries = {f"{et} / {nt}": c["et"] / c["nt"], f"{ec} / {nc}": c["ec"] / c["nc"]}
        out = {variant: {ctx.output_variant_label: variant}}
        return Fixture(found, {variant: z}, out, queries)

    def _burst_requests(
        self, ctx: FixtureContext, name: str, burst: int, period: int, scale: int = 1
    ) -> list[dict[str, str]]:
        """Requests in the control's error rate, plus `burst` failed ones every `period`."""
        requests = ctx.metrics.requests
        assert requests is not None
        labels = ctx.base_labels(requests, name)
        total, failed_per_step = TOTAL * scale, CONTROL_ERRORS * scale
        failed_values = bursts(failed_per_step, burst, period, ctx.samples)
        if requests.error_selector:
            ok = {**labels, **{k: f"not-{v}" for k, v in requests.error_selector.items()}}
            failed = {**labels, **requests.error_selector}
            return [
                series(requests.name, ok, counter(total - failed_per_step, ctx.samples)),
                series(requests.name, failed, failed_values),
            ]
        errors = ctx.metrics.errors
        assert errors is not None
        return [
            series(requests.name, labels, bursts(total, burst, period, ctx.samples)),
            series(errors.name, ctx.base_labels(errors, name), failed_values),
        ]

    def expected_record(
        self, rail: Guardrail, rule: RecordingRule, ctx: FixtureContext, healthy: Healthy
    ) -> list[tuple[dict[str, str], float]] | None:
        if rule.meaning[:1] not in (("srm",), ("comparison",)) or rail.options["mode"] != (
            "significance"
        ):
            return None
        window = parse_duration(rail.options["window"])
        source = healthy.errors if rule.meaning == ("comparison", "errors") else healthy.requests
        if rule.meaning not in (("comparison", "errors"), ("srm", "increase")):
            return None
        return [
            ({**rule.labels, **ctx.out_labels(v)}, increase(source[v], window)) for v in ctx.names
        ]


def z_statistic(nt: float, et: float, nc: float, ec: float) -> float:
    """The one-sided two-proportion z, with the rule's order of float operations."""
    pooled = (et + ec) / (nt + nc)
    return ((et / nt) - (ec / nc)) / math.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
