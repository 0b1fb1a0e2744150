"""Business impact: a gauge per impact type (`typeLabel`); one type must stay positive."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.kinds.base import Guardrail
from monogen.kinds.levels import ThresholdGuardrail
from monogen.kinds.threshold import GaugeKind
from monogen.spec.metrics import DEFAULT_IMPACT_TYPE, Metric


class BusinessImpactGuardrail(ThresholdGuardrail):
    type: str = Field(DEFAULT_IMPACT_TYPE, description="Value of the metric's type label.")


class BusinessImpact(GaugeKind):
    key = "businessImpact"
    model = BusinessImpactGuardrail
    metric = panel = "business_impact"
    alert = "NegativeBusinessImpact"
    category = "business_impact"
    direction = "below"
    unit = "number"
    noun = "business impact"
    defaults = (("warning", 0, "15m"),)

    def extras(self, spec: Any, metric: Metric) -> dict[str, Any]:
        return {"matchers": ((metric.type_label, "=", spec.type),)}

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        metric = ctx.metrics.business_impact
        assert metric is not None
        label, _, kind = rail.matchers[0]
        fixture = ctx.gauge(metric, variant, value, **{label: kind})
        fixture.output_labels[variant] = ctx.out_labels(variant)  # aggregated away
        return fixture
