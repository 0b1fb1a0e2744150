"""Data drift: the population stability index of each feature (`featureLabel`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.promql import one_of
from monogen.compile.scope import RuleContext
from monogen.kinds.base import Guardrail, Options
from monogen.kinds.levels import ThresholdGuardrail
from monogen.kinds.threshold import GaugeKind
from monogen.model.text import AlertText, Label
from monogen.spec.metrics import Metric


class DriftGuardrail(ThresholdGuardrail):
    features: list[str] | None = Field(None, description="Only these features (default: all).")


@dataclass(frozen=True, kw_only=True)
class DriftOptions(Options):
    features: tuple[str, ...]  # the features judged (empty: all)


class Drift(GaugeKind):
    key = metric = panel = "drift"
    model = DriftGuardrail
    options_type = DriftOptions
    alert = "FeatureDataDrift"
    category = "data_quality"
    direction = "above"
    unit = "number"
    noun = "population stability index"
    defaults = (("warning", 0.1, "5m"), ("critical", 0.2, "1m"))

    def extras(self, spec: Any, metric: Metric) -> dict[str, Any]:
        feature = metric.feature_label
        return {
            "matchers": (one_of(feature, spec.features),) if spec.features else (),
            "instance_labels": (feature,),
            "options": DriftOptions(features=tuple(spec.features or ())),
        }

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        metric = ctx.metrics.drift
        assert metric is not None
        return ctx.scope.gauge(
            metric, "max", rail.variants, metric.feature_label, extra=rail.matchers
        )

    def who(self, rail: Guardrail, ctx: RuleContext) -> AlertText:
        feature = Label(rail.instance_labels[0])
        return AlertText.of("feature ", feature, " of variant ", ctx.scope.variant_ref)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        metric = ctx.metrics.drift
        assert metric is not None
        feature = (DriftOptions.of(rail).features or ("feature_a",))[0]
        return ctx.gauge(metric, variant, value, **{metric.feature_label: feature})
