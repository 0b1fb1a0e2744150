"""Server down: a model server's scrape target reports `up == 0`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from monogen.compile.fixtures import Fixture, FixtureContext, constant, series
from monogen.compile.matchers import Matcher, merged, of_selector
from monogen.compile.promql import selector
from monogen.compile.scope import RuleContext
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links
from monogen.kinds.base import AlertLevel, Guardrail, Options, PresenceKind, RailContext, Severity
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText, Label
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl
from monogen.spec.names import MetricName, Selector
from monogen.spec.selectors import ONCE, conflict, conflicts


class ServerDownGuardrail(AlertIdentity):
    metric: MetricName = "up"
    selector: Selector = Field(
        default_factory=dict,
        description='Matchers picking the model servers\' `up` series, e.g. {job: "=~seldon-.*"}.',
    )
    severity: Severity = "critical"
    for_: Duration = Field("1m", alias="for")
    runbook_url: HttpUrl | None = None


@dataclass(frozen=True, kw_only=True)
class ServerDownOptions(Options):
    metric: str  # the `up` series' name
    selector: Mapping[str, str]  # as written: label → matcher


class ServerDown(PresenceKind):
    key = "serverDown"
    model = ServerDownGuardrail
    options_type = ServerDownOptions
    alert = "ModelServerDown"
    category = "reliability"
    direction = "below"
    noun = "availability"
    per_variant = False

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        for m, other in conflicts(ctx.selector, of_selector(spec.selector)):
            ctx.err((*ctx.path, "selector", m[0]), conflict(m, other), ONCE)
        level = AlertLevel(spec.severity, 0, spec.for_)
        return Guardrail(
            self,
            (level,),
            runbook_url=spec.runbook_url,
            text=identity.resolve(self, spec, ctx, ctx.path),
            at=ctx.path,
            options=ServerDownOptions(metric=spec.metric, selector=dict(spec.selector)),
        )

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        level = rail.levels[0]
        scope = ctx.scope
        matchers = scope.base_with(of_selector(ServerDownOptions.of(rail).selector))
        metric = ServerDownOptions.of(rail).metric
        judged = selector(metric, matchers)
        return [
            AlertingRule(
                alert=self.alert,
                expr=f"{judged} == 0",
                for_=level.for_,
                labels=labels(scope, rail, level),
                annotations={
                    "summary": AlertText.of(
                        "Model server ",
                        Label("instance"),
                        f" of experiment {scope.experiment} is down",
                    ),
                    "description": AlertText.of(
                        "Prometheus cannot scrape ",
                        Label("instance"),
                        " (job ",
                        Label("job"),
                        f") of experiment {scope.experiment} for more than {level.for_}.",
                    ),
                    **links(ctx, rail),
                },
                intent=AlertIntent(rail, judged, "below", 1, (), per_variant=False),
            )
        ]

    def own_matchers(self, rail: Guardrail) -> list[Matcher]:
        return of_selector(ServerDownOptions.of(rail).selector)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        own = of_selector(ServerDownOptions.of(rail).selector)
        matchers = merged(ctx.selector, own)
        labels = ctx.labels_for(matchers, None)
        for label, scraped in (("job", "model-server"), ("instance", "model-server-0:8080")):
            if all(m[0] != label for m in matchers):  # a selector's value is its own
                labels[label] = scraped
        found = [series(ServerDownOptions.of(rail).metric, labels, constant(value, ctx.samples))]
        return Fixture(found, {variant: value}, {variant: labels})
