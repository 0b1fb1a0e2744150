"""Missing data: a metric the experiment declares has no series for a variant. Without
this, an absent series silently disables every guardrail that reads it: a crashed
exporter looks exactly like a healthy model. One alert per metric, `ExperimentMetricMissing`
with a `metric` label; it inhibits the variant's other alerts on that metric."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic.alias_generators import to_camel

from monogen.compile.fixtures import Fixture, FixtureContext, constant, series
from monogen.compile.promql import Matcher, selector
from monogen.compile.scope import RuleContext
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links
from monogen.kinds.base import AlertLevel, Guardrail, Options, PresenceKind, RailContext, Severity
from monogen.model.alertmanager import InhibitRule
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl
from monogen.spec.metrics import Metrics, field_of

HISTOGRAMS = {"latency"}  # exposed as <name>_bucket, _sum and _count


class MissingDataGuardrail(AlertIdentity):
    metrics: list[str] | None = Field(
        None, description="Only these of the declared metrics (default: all of them)."
    )
    severity: Severity = "warning"
    for_: Duration = Field("10m", alias="for")
    runbook_url: HttpUrl | None = None


def declared(metrics: Metrics) -> list[tuple[str, str]]:
    """(metric key as specs write it, series name to look for) of every declared metric."""
    found = []
    for field, metric in metrics:
        # an error counter often has no series until the first error: that is health
        if metric is not None and field != "errors":
            suffix = "_bucket" if field in HISTOGRAMS else ""
            found.append((to_camel(field), metric.name + suffix))
    return found


@dataclass(frozen=True, kw_only=True)
class MissingDataOptions(Options):
    metric: str  # the Metrics key of the series watched
    series: str  # its name


class MissingData(PresenceKind):
    key = "missingData"
    model = MissingDataGuardrail
    options_type = MissingDataOptions
    alert = "ExperimentMetricMissing"
    category = "data_quality"
    direction = "below"
    noun = "missing data"

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        known = declared(ctx.metrics)
        names = [key for key, _ in known]
        if spec.metrics == []:
            ctx.err(
                (*ctx.path, "metrics"),
                "an empty list watches no metric",
                "leave `metrics` out to watch every declared metric, or remove `missingData`",
            )
        for i, key in enumerate(spec.metrics or ()):
            if key not in names:
                ctx.err((*ctx.path, "metrics", i), f"{key!r} is not a declared metric", "")
        wanted = [(k, s) for k, s in known if spec.metrics is None or k in spec.metrics]
        text = identity.resolve(self, spec, ctx, ctx.path)
        level = AlertLevel(spec.severity, 1, spec.for_)
        return [
            Guardrail(
                self,
                (level,),
                runbook_url=spec.runbook_url,
                text=text,
                at=ctx.path,
                instance_labels=("metric",),
                options=MissingDataOptions(metric=key, series=name),
            )
            for key, name in wanted
        ]

    def inhibitions(self, rail: Guardrail, variant_label: str) -> list[InhibitRule]:
        """While a variant's metric is missing, its other alerts on that metric (those that
        carry the `metric` label) are noise."""
        name = ("alertname", "=", self.alert)
        other = ("alertname", "!=", self.alert)
        return [InhibitRule((name,), (other,), ("experiment", "metric", variant_label))]

    def gates(self, rail: Guardrail) -> bool:
        """No gate of its own: a gate whose metric is missing returns no value, which Argo
        Rollouts counts as an error and Flagger as a failed check."""
        return False

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        scope = ctx.scope
        key = MissingDataOptions.of(rail).metric
        metric = getattr(ctx.metrics, field_of(key))
        level = rail.levels[0]
        parts = [
            f"absent({selector(MissingDataOptions.of(rail).series, scope.matchers(metric, (v,)))})"
            for v in scope.variants
        ]
        expr = " or ".join(parts)
        who = AlertText.of("variant ", scope.variant_ref)
        return [
            AlertingRule(
                alert=self.alert,
                expr=expr,
                for_=level.for_,
                labels={**labels(scope, rail, level), "metric": key},
                annotations={
                    "summary": AlertText.of(
                        f"Metric {key} of ", who, f" is missing in experiment {scope.experiment}"
                    ),
                    "description": AlertText.of(
                        f"No series of {MissingDataOptions.of(rail).series} for ",
                        who,
                        f" in experiment {scope.experiment} for more than {level.for_}: every "
                        "guardrail that reads it is blind. Check the model server and its "
                        "scrape target.",
                    ),
                    **links(ctx, rail),
                },
                intent=AlertIntent(rail, expr, "below", 1, ()),
            )
        ]

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """A series the selector leaves out would be there after all for absent()."""
        return "fires"

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """Every declared metric present for every variant, except this one for `variant`
        when `value` is 0."""
        found = []
        for key, name in declared(ctx.metrics):
            metric = getattr(ctx.metrics, field_of(key))
            for v in ctx.names:
                if value == 0 and v == variant and key == MissingDataOptions.of(rail).metric:
                    continue
                found.append(series(name, ctx.base_labels(metric, v), constant(1, ctx.samples)))
        metric = getattr(ctx.metrics, field_of(MissingDataOptions.of(rail).metric))
        return Fixture(found, {variant: value}, {variant: ctx.absent_labels(metric, variant)})
