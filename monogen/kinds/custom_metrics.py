"""Guardrails on custom metrics: any gauge (per variant, optionally per labels such as
`feature`), or the ratio of two counters' rates (e.g. the share of `too_high`/`too_low`
feedback), with a unit, a direction, a category, an alert name and levels as for any
threshold guardrail."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    Unsatisfiable,
    constant,
    counter,
    series,
)
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.matchers import merged, of_selector, satisfying
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, selector
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds import identity
from monogen.kinds.base import Guardrail, Options, RailContext
from monogen.kinds.levels import ThresholdGuardrail, resolve_levels
from monogen.kinds.threshold import ThresholdKind
from monogen.model.text import AlertText, Label
from monogen.spec.alert_text import ALERT_NAME
from monogen.spec.base import SpecModel
from monogen.spec.errors import unknown_names
from monogen.spec.metrics import Metrics
from monogen.spec.names import (
    AlertLabelName,
    LabelName,
    ListedValue,
    MatcherValue,
    MetricName,
    OneLine,
)
from monogen.spec.selectors import ONCE, conflict, conflicts

PANEL_UNITS = {"ratio": "percentunit", "percent": "percent", "seconds": "s", "number": "short"}
ROWS = {
    "model_performance": "quality", "latency": "latency", "reliability": "errors",
    "traffic": "traffic", "data_quality": "drift", "business_impact": "business",
    "infrastructure": "infrastructure",
}  # fmt: skip
UNITS = {"ratio": "ratio", "percent": "percent", "seconds": "seconds", "number": "number"}


class Series(SpecModel):
    """A metric and its label matchers; a list of values matches any of them."""

    name: MetricName
    selector: dict[LabelName, MatcherValue | Annotated[list[ListedValue], Field(min_length=1)]] = (
        Field(
            default_factory=dict,
            description='Label matchers, e.g. {feedback_type: "!=rating"}; a list matches '
            "any of its values exactly.",
        )
    )


class Ratio(SpecModel):
    numerator: Series
    denominator: Series


class CustomGuardrail(ThresholdGuardrail):
    alert: Annotated[str, Field(pattern=ALERT_NAME, max_length=100)] = Field(
        description="The alert's name, CamelCase, unique in the experiment."
    )
    gauge: Series | None = Field(None, description="A gauge judged per variant.")
    ratio: Ratio | None = Field(None, description="Counters: rate(numerator)/rate(denominator).")
    by: list[AlertLabelName] = Field(
        default_factory=list, description="Labels that tell alerts apart beside the variant."
    )
    unit: Literal["ratio", "percent", "seconds", "number"] = Field(
        "number", description="What the value is: thresholds and annotations follow it."
    )
    description: OneLine | None = Field(None, description="What is judged, in a few words.")

    @field_validator("by")
    @classmethod
    def _unique(cls, by: list[str]) -> list[str]:
        if len(set(by)) != len(by):
            raise ValueError("each label once")
        return by


def _select(scope: Scope, series_: Series, variants: list[Matcher]) -> list[Matcher]:
    """The experiment's selector, the series' own matchers, the variants."""
    return scope.base_with(of_selector(series_.selector)) + variants


@dataclass(frozen=True, kw_only=True)
class CustomOptions(Options):
    """A custom guardrail: its own identity (alert, category, direction, unit, noun), and
    the one of `gauge` or `ratio` it judges."""

    gauge: Series | None
    ratio: Ratio | None


class CustomMetrics(ThresholdKind):
    key = "customMetrics"
    model = list[CustomGuardrail]
    options_type = CustomOptions
    alert = "CustomGuardrail"
    category = "model_performance"
    direction = "above"
    unit = "number"
    noun = "custom metric"
    metric = ""

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        rails, names = [], set()
        for i, item in enumerate(spec):
            path = (*ctx.path, i)
            if (item.gauge is None) == (item.ratio is None):
                ctx.err(path, "give either `gauge` or `ratio`", "")
                continue
            if item.alert in names or item.alert in ctx.reserved_alerts:
                ctx.err((*path, "alert"), f"alert name {item.alert!r} is taken", "")
                continue
            names.add(item.alert)
            for j, label in enumerate(item.by):
                if label == ctx.variant_label or label in {m[0] for m in ctx.selector}:
                    ctx.err(
                        (*path, "by", j),
                        f"{label!r} is the variant label or set by the experiment's selector",
                        "`by` names labels that tell series of one variant apart",
                    )
            if item.ratio is not None and _covers(item.ratio, ctx.selector):
                ctx.err(
                    (*path, "ratio"),
                    "the numerator counts everything the denominator does (monogen finds no "
                    "series the denominator counts and the numerator does not): the ratio is "
                    "always 1 or more",
                    "narrow the numerator's selector, e.g. {feedback_type: [too_high, too_low]}",
                )
                continue
            sides = (
                [(item.gauge, ("gauge",))]
                if item.gauge
                else [(item.ratio.numerator, ("ratio", "numerator")),
                      (item.ratio.denominator, ("ratio", "denominator"))]
            )  # fmt: skip
            for side, at in sides:
                own = of_selector(side.selector)
                for m, other in conflicts(ctx.selector, own):
                    ctx.err((*path, *at, "selector", m[0]), conflict(m, other), ONCE)
                for key in side.selector:
                    if key in (ctx.variant_label, *item.by):
                        ctx.err(
                            path,
                            f"label {key!r} of {side.name} is set by the variants or `by`",
                            "select it in one place",
                        )
            for j, message, hint in unknown_names(item.variants, ctx.variant_names, "variant"):
                ctx.err((*path, "variants", j), message, hint)
            direction = "below" if any(
                getattr(item, s) and getattr(item, s).below is not None
                for s in ("warning", "critical", "info")
            ) else "above"  # fmt: skip
            levels = resolve_levels(
                item, key=item.alert, noun=item.description or item.alert,
                direction=direction, unit=UNITS[item.unit], scale="ratio", defaults=(),
                base=path, err=ctx.err,
            )  # fmt: skip
            options = CustomOptions(
                alert=item.alert, category=item.category or self.category,
                direction=direction,
                unit=UNITS[item.unit], noun=item.description or _words(item.alert),
                gauge=item.gauge, ratio=item.ratio,
            )  # fmt: skip
            rails.append(
                Guardrail(
                    self,
                    levels,
                    tuple(item.variants or ()),
                    item.runbook_url,
                    instance_labels=tuple(item.by),
                    options=options,
                    text=identity.resolve(self, item, ctx, path),
                    at=path,
                )
            )
        return rails

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        s = ctx.scope
        return self.expression(rail, s, s.window, s.variant_matchers(rail.variants))

    def expression(
        self, rail: Guardrail, scope: Scope, window: str, variants: list[Matcher]
    ) -> str:
        """The judged series, with rates over `window` and variants picked by `variants`
        (the rule's own, or a dashboard's variable and `$__rate_interval`)."""
        gauge: Series | None = CustomOptions.of(rail).gauge
        grouping = scope.grouping(*rail.instance_labels)
        if gauge is not None:
            agg = "min" if rail.direction == "below" else "max"
            return aggregate(agg, grouping, selector(gauge.name, _select(scope, gauge, variants)))
        ratio = CustomOptions.of(rail).ratio
        parts = []
        for side in (ratio.numerator, ratio.denominator):
            rate = f"rate({selector(side.name, _select(scope, side, variants))}[{window}])"
            parts.append(aggregate("sum", grouping, rate))
        return f"{parts[0]} / {parts[1]}"

    def subject(self, rail: Guardrail) -> str:
        return rail.noun  # the spec's words, escaped where the text is rendered

    def who(self, rail: Guardrail, ctx: RuleContext) -> AlertText:
        who = AlertText.of("variant ", ctx.scope.variant_ref)
        for label in rail.instance_labels:
            who = AlertText.of(f"{label} ", Label(label), " of ", who)
        return who

    def warmup(self, rail: Guardrail) -> float:
        return STEP if CustomOptions.of(rail).ratio is not None else 0

    def row_of(self, rail: Guardrail) -> str:
        return ROWS.get(rail.category, "quality")

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        picked = [(scope.variant_label, "=~", VARIANT_VAR)] if scope.in_metrics else []
        query = self.expression(rail, scope, "$__rate_interval", picked)
        legend = " ".join(f"{{{{{label}}}}}" for label in scope.grouping(*rail.instance_labels))
        return [
            Panel(
                "timeseries",
                rail.noun[0].upper() + rail.noun[1:],
                [(query, legend or "value")],
                PANEL_UNITS[rail.unit],
                f"Judged by {rail.alert}. " + alert_note(rail),
                thresholds=threshold_steps(rail),
                width=12,
            )
        ]

    def own_matchers(self, rail: Guardrail) -> list[Matcher]:
        ratio = CustomOptions.of(rail).ratio
        sides = (
            [CustomOptions.of(rail).gauge]
            if ratio is None
            else [ratio.numerator, ratio.denominator]
        )
        return [m for side in sides for m in of_selector(side.selector)]

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """A decoy of one side only moves the ratio one way: a numerator's up (unless both
        sides count one metric: the rest series already shows its matchers count), a
        denominator's down; one of the experiment's moves both, weighted past the proof's."""
        ratio = CustomOptions.of(rail).ratio
        if ratio is None:
            return super().decoy(rail, matcher)
        num, den = of_selector(ratio.numerator.selector), of_selector(ratio.denominator.selector)
        up = "inside" if rail.direction == "above" else "fires"
        down = "fires" if rail.direction == "above" else "inside"
        if matcher in num and matcher not in den:
            return None if ratio.numerator.name == ratio.denominator.name else up
        if matcher in den and matcher not in num:
            return down
        return super().decoy(rail, matcher)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        extra = {label: "a" for label in rail.instance_labels}
        out = {variant: {**ctx.out_labels(variant), **extra}}

        def labels(matchers: list[Matcher], violate: list[Matcher] | None = None) -> dict:
            return {**ctx.labels_for(matchers, variant, violate), **extra}

        gauge: Series | None = CustomOptions.of(rail).gauge
        if gauge is not None:
            found = [series(gauge.name, labels(_all(ctx, gauge)), constant(value, ctx.samples))]
            return Fixture(found, {variant: value}, out)
        ratio = CustomOptions.of(rail).ratio
        total = 100_000
        hits = round(value * total)
        num, den = ratio.numerator, ratio.denominator
        same = num.name == den.name
        if hits < 0 or (same and hits > total):
            return None
        w = ctx.weight
        if ctx.decoy is not None and ctx.decoy not in _all(ctx, num):  # the denominator's own
            return self._denominator_decoy(ratio, ctx, labels, total * w)
        both = _all(ctx, num) + [m for m in _all(ctx, den) if m not in _all(ctx, num)]
        found = [
            series(
                num.name, labels(both if same else _all(ctx, num)), counter(hits * w, ctx.samples)
            )
        ]
        if same:
            rest = _rest(ctx, ratio, labels)
            if rest is None:
                return None
            found.append(series(den.name, rest, counter((total - hits) * w, ctx.samples)))
            seen = ctx.rate(hits) / (ctx.rate(hits) + ctx.rate(total - hits))
        else:
            found.append(series(den.name, labels(_all(ctx, den)), counter(total * w, ctx.samples)))
            seen = ctx.rate(hits) / ctx.rate(total)
        return Fixture(found, {variant: seen}, out)

    def _denominator_decoy(
        self, ratio: Ratio, ctx: FixtureContext, labels: Any, count: float
    ) -> Fixture | None:
        """A series only the denominator's matcher leaves out (never one the numerator
        counts), heavy enough to pull the ratio past the threshold were it counted."""
        den = ratio.denominator
        made = _rest(ctx, ratio, labels) if ratio.numerator.name == den.name else None
        made = made or labels(_all(ctx, den))
        return Fixture([series(den.name, made, counter(count, ctx.samples))])


def _all(ctx: FixtureContext, side: Series) -> list[Matcher]:
    """The experiment's matchers and a side's own, as its query selects it."""
    return merged(ctx.selector, of_selector(side.selector))


def _rest(ctx: FixtureContext, ratio: Ratio, labels: Any) -> dict[str, str] | None:
    """Labels of a series of one metric that the denominator counts and the numerator does
    not (numerator and denominator count the same metric)."""
    for n in of_selector(ratio.numerator.selector):
        try:
            return labels(_all(ctx, ratio.denominator), [n])
        except Unsatisfiable:
            continue
    return None


def _covers(ratio: Ratio, scope: tuple[Matcher, ...]) -> bool:
    """Does the numerator count every series the denominator does (one metric, and no
    series found that the denominator selects and the numerator does not)?"""
    num, den = ratio.numerator, ratio.denominator
    if num.name != den.name:
        return False
    enclosing = merged(scope, of_selector(den.selector))
    return all(satisfying(enclosing, [n]) is None for n in of_selector(num.selector))


def _words(alert: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", alert).lower()
