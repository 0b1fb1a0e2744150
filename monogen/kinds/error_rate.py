"""Error rate: the share of failed requests per variant, from the recorded ratio."""

from __future__ import annotations

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.scope import RuleContext
from monogen.kinds.base import Guardrail, RailContext
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.metrics import Metric


class ErrorRate(ThresholdKind):
    key = "errorRate"
    metric = "requests"
    panel = "error_ratio"
    alert = "ModelHighErrorRate"
    category = "reliability"
    direction = "above"
    unit = "ratio"
    noun = "error rate"
    defaults = (("critical", "5%", "1m"),)
    rate_based = True

    def usable(self, metric: Metric, ctx: RailContext) -> bool:
        if getattr(metric, "error_selector", None) or ctx.metrics.errors is not None:
            return True
        ctx.err(
            ctx.path,
            "guardrail 'errorRate' needs failed requests: `metrics.requests.errorSelector` "
            "or `metrics.errors`",
            "",
        )
        return False

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        return ctx.scope.recorded(ctx.records.error_ratio or "", rail.variants)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        total = 100000.0
        errors = round(value * total)
        requests = ctx.metrics.requests
        assert requests is not None
        seen = (
            ctx.rate(errors) / (ctx.rate(total - errors) + ctx.rate(errors))
            if requests.error_selector
            else ctx.rate(errors) / ctx.rate(total)
        )
        return Fixture(
            ctx.requests(variant, total, errors),
            {variant: seen},
            {variant: ctx.out_labels(variant)},
        )
