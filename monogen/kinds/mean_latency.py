"""Mean latency: the request-duration histogram's `_sum` over its `_count` per variant,
over the rate window — the "average response time" teams chart beside the quantiles."""

from __future__ import annotations

from monogen.compile.fixtures import Fixture, FixtureContext, counter, series
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, selector
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds.base import Guardrail
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.metrics import Metric, Metrics

PER_STEP = 600  # observations a step in the proof's series


def mean(metric: Metric, matchers: list[Matcher], grouping: list[str], window: str) -> str:
    """`sum(rate(_sum)) / sum(rate(_count))` by `grouping`: NaN (no alert) without traffic."""
    parts = [
        aggregate("sum", grouping, f"rate({selector(metric.name + s, matchers)}[{window}])")
        for s in ("_sum", "_count")
    ]
    return " / ".join(parts)


class MeanLatency(ThresholdKind):
    key = "meanLatency"
    metric = "latency"
    alert = "ModelHighMeanLatency"
    category = "latency"
    direction = "above"
    unit = "seconds"
    noun = "mean latency"
    defaults = (("warning", "200ms", "5m"),)
    rate_based = True
    row = "latency"

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        metric = ctx.metrics.latency
        assert metric is not None
        matchers = ctx.scope.matchers(metric, rail.variants)
        return mean(metric, matchers, ctx.scope.grouping(), ctx.scope.window)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """`_count` grows PER_STEP a step and `_sum` PER_STEP × `value`; a decoy (weight w)
        is w times as heavy and w times as slow, so a rule without its matcher reads a
        larger mean."""
        metric = ctx.metrics.latency
        assert metric is not None
        labels = ctx.base_labels(metric, variant)
        n = PER_STEP * ctx.weight
        found = [
            series(f"{metric.name}_sum", labels, counter(n * value * ctx.weight, ctx.samples)),
            series(f"{metric.name}_count", labels, counter(n, ctx.samples)),
        ]
        seen = ctx.rate(n * value * ctx.weight) / ctx.rate(n)
        return Fixture(found, {variant: seen}, {variant: ctx.out_labels(variant)})

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        metric = metrics.latency
        assert metric is not None
        picked = [(scope.variant_label, "=~", VARIANT_VAR)] if scope.in_metrics else []
        expr = mean(metric, scope.base(metric) + picked, scope.grouping(), "$__rate_interval")
        legend = f"{{{{{scope.variant_label}}}}}" if scope.in_metrics else scope.variants[0]
        return [
            Panel(
                "timeseries",
                "Mean latency",
                [(expr, legend)],
                "s",
                "The histogram's sum over its count per variant. " + alert_note(rail),
                thresholds=threshold_steps(rail),
                width=12,
            )
        ]
