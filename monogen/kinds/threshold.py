"""The shape most guardrail kinds share: one judged value per variant, compared with a
threshold per severity. Subclasses say which metric, unit and defaults, and may change
the judged series or the synthetic series that prove it."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic.alias_generators import to_camel

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.promql import number
from monogen.compile.scope import RuleContext
from monogen.kinds import identity
from monogen.kinds.annotate import humanized_value, labels, threshold_annotations, threshold_text
from monogen.kinds.base import Guardrail, Kind, RailContext
from monogen.kinds.levels import Default, ThresholdGuardrail, Unit, resolve_levels
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText
from monogen.spec.errors import unknown_names
from monogen.spec.metrics import Metric


class ThresholdKind(Kind):
    model: ClassVar[type[ThresholdGuardrail]] = ThresholdGuardrail
    metric: ClassVar[str]  # field of Metrics holding the judged metric
    unit: ClassVar[Unit]
    placeholders = ("value", "threshold")
    defaults: ClassVar[tuple[Default, ...]] = ()

    # -- validation -------------------------------------------------------------------

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        metric = getattr(ctx.metrics, self.metric)
        if metric is None:
            ctx.err(
                ctx.path,
                f"guardrail {self.key!r} needs `metrics.{to_camel(self.metric)}`",
                f"declare the metric that exposes the {self.noun}, or remove the guardrail",
            )
            return None
        if not self.usable(metric, ctx):
            return None
        for i, message, hint in unknown_names(spec.variants, ctx.variant_names, "variant"):
            ctx.err((*ctx.path, "variants", i), message, hint)
        scale = getattr(metric, "scale", "ratio")
        levels = resolve_levels(
            spec,
            key=self.key,
            noun=self.noun,
            direction=self.direction,
            unit=self.unit,
            scale=scale,
            defaults=self.defaults,
            base=ctx.path,
            err=ctx.err,
        )
        return Guardrail(
            self, levels, tuple(spec.variants or ()), spec.runbook_url, scale,
            text=identity.resolve(self, spec, ctx, ctx.path), at=ctx.path,
            **self.extras(spec, metric),
        )  # fmt: skip

    def usable(self, metric: Metric, ctx: RailContext) -> bool:
        """Checks beyond the metric's presence; report an error and return False if not."""
        return True

    def extras(self, spec: Any, metric: Metric) -> dict[str, Any]:
        """More fields of the Guardrail (matchers, instance labels, quantile)."""
        return {}

    # -- rules ------------------------------------------------------------------------

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        """The judged series: by default the gauge, its worst value per variant."""
        metric = getattr(ctx.metrics, self.metric)
        agg = "min" if rail.direction == "below" else "max"
        return ctx.scope.gauge(metric, agg, rail.variants, extra=rail.matchers)

    def text_values(self, rail: Guardrail, rule: AlertingRule) -> dict[str, AlertText]:
        threshold = rule.intent.threshold if rule.intent else 0.0
        return {
            "value": humanized_value(rail.unit, rail.scale),
            "threshold": AlertText.of(threshold_text(rail.unit, threshold, rail.scale)),
        }

    def who(self, rail: Guardrail, ctx: RuleContext) -> AlertText:
        return AlertText.of("variant ", ctx.scope.variant_ref)

    def subject(self, rail: Guardrail) -> str:
        return rail.noun

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        series = self.series(rail, ctx)
        cmp = "<" if rail.direction == "below" else ">"
        return [
            AlertingRule(
                alert=rail.alert,
                expr=f"{series} {cmp} {number(level.threshold)}",
                for_=level.for_,
                labels=labels(ctx.scope, rail, level),
                annotations=threshold_annotations(
                    ctx,
                    rail,
                    level,
                    noun=self.subject(rail),
                    who=self.who(rail, ctx),
                    unit=rail.unit,
                ),
                intent=AlertIntent(rail, series, rail.direction, level.threshold, rail.variants),
            )
            for level in rail.levels
        ]

    # -- proof ------------------------------------------------------------------------

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        return ctx.gauge(getattr(ctx.metrics, self.metric), variant, value)

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        """Values 2% of the threshold (at least a small step) past it and inside it, kept
        within the metric's range: a threshold moved further than that fails a test."""
        unit = rail.unit
        low, high = -1e12, 1e12
        percent = unit == "percent" or (unit == "scaled" and rail.scale == "percent")
        if percent:
            low, high = 0.0, 100.0
        elif unit in ("ratio", "scaled"):
            low, high = 0.0, 1.0
        elif unit == "seconds":
            low = 1e-6
        small = {"percent": 0.5, "ratio": 0.005, "seconds": 0.005}.get(unit, 0.01)
        if unit == "scaled":
            small = 0.5 if percent else 0.005
        margin = max(abs(threshold) * 0.02, small)
        below = rail.direction == "below"
        sign = -1 if below else 1
        bad = min(max(threshold + sign * margin, low), high)
        inside = min(max(threshold - sign * margin, low), high)
        crossed = bad < threshold if below else bad > threshold
        kept = not (inside < threshold if below else inside > threshold)
        return (bad if crossed else None), (inside if kept else None)


class GaugeKind(ThresholdKind):
    """A threshold on a gauge the services expose (quality, resources, business)."""
