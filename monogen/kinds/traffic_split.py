"""Traffic split: each variant's share of requests stays within `tolerance` points of the
declared split (a band per variant, not a statistical test)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.promql import number
from monogen.compile.scope import RuleContext
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links
from monogen.kinds.base import AlertLevel, Guardrail, Kind, RailContext, Severity
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText, Label, Value
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl


class TrafficSplitGuardrail(AlertIdentity):
    tolerance: Annotated[float, Field(gt=0, lt=100)] = Field(
        5, description="Allowed deviation from the declared split, in percentage points."
    )
    severity: Severity = "warning"
    for_: Duration = Field("10m", alias="for")
    runbook_url: HttpUrl | None = None


def _band(target: float, tolerance: float) -> tuple[float, float]:
    return max(target - tolerance, 0), min(target + tolerance, 100)


class TrafficSplit(Kind):
    key = "trafficSplit"
    model = TrafficSplitGuardrail
    panel = "traffic_share"
    alert = "ExperimentTrafficImbalance"
    category = "traffic"
    direction = "above"
    noun = "traffic share"
    rate_based = True
    placeholders = ("value", "threshold")

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        if ctx.metrics.requests is None and ctx.metrics.traffic_share is None:
            ctx.err(
                ctx.path,
                "guardrail 'trafficSplit' needs `metrics.requests` or `metrics.trafficShare`",
                "",
            )
            return None
        if not any(v.traffic is not None for v in ctx.variants):
            ctx.err(
                ctx.path,
                "guardrail 'trafficSplit' needs the declared `traffic` of every variant",
                "",
            )
            return None
        level = AlertLevel(spec.severity, spec.tolerance, spec.for_)
        text = identity.resolve(self, spec, ctx, ctx.path)
        return Guardrail(self, (level,), runbook_url=spec.runbook_url, text=text, at=ctx.path)

    def text_values(self, rail: Guardrail, rule: AlertingRule) -> dict[str, AlertText]:
        """The variant's share of traffic, and the points it may stray from its target."""
        tolerance = number(rail.levels[0].threshold)
        return {
            "value": AlertText.of(Value('printf "%.1f"'), "%"),
            "threshold": AlertText.of(f"{tolerance} points"),
        }

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        level = rail.levels[0]
        tolerance = level.threshold
        scope = ctx.scope
        recorded = ctx.records.traffic_share or ""
        parts, deviations, targets = [], [], []
        for variant in ctx.variants:
            target = variant.traffic or 0
            series = scope.recorded(recorded, (variant.name,))
            low, high = _band(target, tolerance)
            parts.append(f"({series} < {number(low)} or {series} > {number(high)})")
            deviations.append(f"abs({series} - {number(target)})")
            targets.append(f"{variant.name} {number(target)}%")
        v = scope.variant_label
        summary = AlertText.of(
            "Traffic share of variant ", Label(v),
            f" is off its target in experiment {scope.experiment}",
        )  # fmt: skip
        description = AlertText.of(
            "Variant ", Label(v), " receives ", Value('printf "%.1f"'),
            f"% of the traffic of experiment {scope.experiment}, more than "
            f"{number(tolerance)} points from the declared split ({', '.join(targets)}) "
            f"for more than {level.for_}.",
        )  # fmt: skip
        return [
            AlertingRule(
                alert=self.alert,
                expr=" or ".join(parts),
                for_=level.for_,
                labels=labels(scope, rail, level),
                annotations={"summary": summary, "description": description, **links(ctx, rail)},
                intent=AlertIntent(rail, " or ".join(deviations), "above", tolerance, ()),
            )
        ]

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        """Half a point outside and inside the first variant's band."""
        target = ctx.variants[0].traffic or 0
        over = target + threshold + 0.5
        bad = over if over <= 100 else target - threshold - 0.5
        if not 0 <= bad <= 100 or len(ctx.variants) < 2:
            return None, None
        inside = target + threshold - 0.5 if over <= 100 else target - threshold + 0.5
        return bad, inside

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        return ctx.traffic(variant, value)

    def crossed(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext, variant: str, value: float
    ) -> bool:
        target = next(v.traffic or 0 for v in ctx.variants if v.name == variant)
        low, high = _band(target, threshold)
        return value < low or value > high
