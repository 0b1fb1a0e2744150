"""Low traffic: a variant's request rate stays under a minimum, so its other guardrails
judge too few requests to mean anything (or the variant is being starved)."""

from __future__ import annotations

from monogen.compile.fixtures import STEP, Fixture, FixtureContext
from monogen.compile.scope import RuleContext
from monogen.kinds.base import Guardrail
from monogen.kinds.threshold import ThresholdKind


class LowTraffic(ThresholdKind):
    key = "lowTraffic"
    metric = "requests"
    panel = None
    alert = "ExperimentLowTraffic"
    category = "traffic"
    direction = "below"
    unit = "number"
    noun = "request rate"
    defaults = (("warning", 0.1, "10m"),)
    rate_based = True

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        return ctx.scope.recorded(ctx.records.request_rate or "", rail.variants)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        if value < 0:
            return None
        per_step = value * STEP  # requests a step; `value` a second
        return Fixture(
            ctx.requests(variant, per_step, 0),
            {variant: value},
            {variant: ctx.out_labels(variant)},
        )
