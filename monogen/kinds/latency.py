"""Latency: a quantile of the request-duration histogram per variant."""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.scope import RuleContext
from monogen.kinds.base import Guardrail
from monogen.kinds.levels import ThresholdGuardrail
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.base import Quantile
from monogen.spec.metrics import Metric


class LatencyGuardrail(ThresholdGuardrail):
    quantile: Quantile = 0.95


class Latency(ThresholdKind):
    key = metric = panel = "latency"
    model = LatencyGuardrail
    alert = "ModelHighLatency"
    category = "latency"
    direction = "above"
    unit = "seconds"
    noun = "latency"
    defaults = (("warning", "200ms", "3m"),)
    rate_based = True

    def extras(self, spec: Any, metric: Metric) -> dict[str, Any]:
        return {"quantile": spec.quantile}

    def quantiles(self, rail: Guardrail) -> tuple[float, ...]:
        return (rail.quantile,) if rail.quantile is not None else ()

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        return ctx.scope.recorded(ctx.records.quantiles[rail.quantile or 0.95], rail.variants)

    def subject(self, rail: Guardrail) -> str:
        return f"{naming.quantile_name(rail.quantile or 0.95)} latency"

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        # One bucket whose upper bound puts the quantile exactly at `value`.
        q = rail.quantile or 0.95
        bound = value / q
        per_step = 600.0
        c = ctx.rate(per_step)
        seen = 0 + (bound - 0) * ((q * c) / c)
        return Fixture(
            ctx.histogram(variant, [(bound, per_step)]),
            {variant: seen},
            {variant: ctx.out_labels(variant)},
        )

    def panel_note(self, rail: Guardrail) -> str:
        return f" The alert judges {naming.quantile_name(rail.quantile or 0.95)}."
