"""Guardrails on custom metrics: any gauge (per variant, optionally per labels such as
`feature`), or the ratio of two counters' rates (e.g. the share of `too_high`/`too_low`
feedback), with a unit, a direction, a category, an alert name and levels as for any
threshold guardrail."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from monogen.compile.fixtures import STEP, Fixture, FixtureContext, constant, counter, series
from monogen.compile.gotemplate import literal
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, equals, one_of, selector
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds.base import Guardrail, RailContext
from monogen.kinds.levels import ThresholdGuardrail, resolve_levels
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.base import SpecModel
from monogen.spec.errors import unknown_names
from monogen.spec.metrics import Metrics
from monogen.spec.names import AlertLabelName, LabelName, LabelValue, MetricName, OneLine

ALERT_NAME = r"^[A-Z][A-Za-z0-9]*$"
PANEL_UNITS = {"ratio": "percentunit", "percent": "percent", "seconds": "s", "number": "short"}
ROWS = {
    "model_performance": "quality", "latency": "latency", "reliability": "errors",
    "traffic": "traffic", "data_quality": "drift", "business_impact": "business",
    "infrastructure": "infrastructure",
}  # fmt: skip
UNITS = {"ratio": "ratio", "percent": "percent", "seconds": "seconds", "number": "number"}
CATEGORIES = (
    "model_performance", "latency", "reliability", "traffic", "data_quality",
    "business_impact", "infrastructure",
)  # fmt: skip


class Series(SpecModel):
    """A metric and its label matchers; a list of values matches any of them."""

    name: MetricName
    selector: dict[LabelName, LabelValue | Annotated[list[LabelValue], Field(min_length=1)]] = (
        Field(default_factory=dict, description="Label matchers; a list matches any value.")
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
    category: Literal[CATEGORIES] = Field(  # type: ignore[valid-type]
        "model_performance", description="The alert's category label."
    )
    description: OneLine | None = Field(None, description="What is judged, in a few words.")

    @field_validator("by")
    @classmethod
    def _unique(cls, by: list[str]) -> list[str]:
        if len(set(by)) != len(by):
            raise ValueError("each label once")
        return by


def _matchers(selector_: dict[str, Any]) -> list[Matcher]:
    out = equals({k: v for k, v in selector_.items() if isinstance(v, str)})
    out += [one_of(k, v) for k, v in sorted(selector_.items()) if not isinstance(v, str)]
    return sorted(out)


def _select(scope: Scope, series_: Series, variants: list[Matcher]) -> list[Matcher]:
    """The experiment's selector, the series' own matchers, the variants."""
    mine = [m for m in _matchers(series_.selector) if m[0] not in scope.selector]
    return scope.base_with({}) + mine + variants


def _first(value: str | list[str]) -> str:
    return value if isinstance(value, str) else value[0]


class CustomMetrics(ThresholdKind):
    key = "customMetrics"
    model = list[CustomGuardrail]
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
                if label == ctx.variant_label or label in ctx.selector:
                    ctx.err(
                        (*path, "by", j),
                        f"{label!r} is the variant label or set by the experiment's selector",
                        "`by` names labels that tell series of one variant apart",
                    )
            if item.ratio is not None and _covers(item.ratio.numerator, item.ratio.denominator):
                ctx.err(
                    (*path, "ratio"),
                    "the numerator counts everything the denominator does: the ratio is "
                    "always 1 or more",
                    "narrow the numerator's selector, e.g. {feedback_type: [too_high, too_low]}",
                )
                continue
            sides = [item.gauge] if item.gauge else [item.ratio.numerator, item.ratio.denominator]
            for side in sides:
                for key, value in side.selector.items():
                    clash = key in ctx.selector and ctx.selector[key] != value
                    if clash or key in (ctx.variant_label, *item.by):
                        ctx.err(
                            path,
                            f"label {key!r} of {side.name} is set by the experiment, its "
                            "variants or `by`",
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
            options = {
                "alert": item.alert, "category": item.category, "direction": direction,
                "unit": UNITS[item.unit], "noun": item.description or _words(item.alert),
                "gauge": item.gauge, "ratio": item.ratio,
            }  # fmt: skip
            rails.append(
                Guardrail(
                    self,
                    levels,
                    tuple(item.variants or ()),
                    item.runbook_url,
                    instance_labels=tuple(item.by),
                    options=options,
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
        gauge: Series | None = rail.options["gauge"]
        grouping = scope.grouping(*rail.instance_labels)
        if gauge is not None:
            agg = "min" if rail.direction == "below" else "max"
            return aggregate(agg, grouping, selector(gauge.name, _select(scope, gauge, variants)))
        ratio = rail.options["ratio"]
        parts = []
        for side in (ratio.numerator, ratio.denominator):
            rate = f"rate({selector(side.name, _select(scope, side, variants))}[{window}])"
            parts.append(aggregate("sum", grouping, rate))
        return f"{parts[0]} / {parts[1]}"

    def subject(self, rail: Guardrail) -> str:
        return literal(rail.noun)  # the spec's words, shown as text in annotations

    def who(self, rail: Guardrail, ctx: RuleContext) -> str:
        who = f"variant {ctx.scope.variant_ref}"
        for label in rail.instance_labels:
            who = f"{label} {{{{ $labels.{label} }}}} of {who}"
        return who

    def warmup(self, rail: Guardrail) -> float:
        return STEP if rail.options["ratio"] is not None else 0

    def row_of(self, rail: Guardrail) -> str:
        return ROWS[rail.category]

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

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        extra = {label: "a" for label in rail.instance_labels}
        out = {variant: {**ctx.out_labels(variant), **extra}}
        base = {**ctx.selector, **({ctx.variant_label: variant} if ctx.variant_label else {})}
        gauge: Series | None = rail.options["gauge"]
        if gauge is not None:
            labels = {**base, **{k: _first(v) for k, v in gauge.selector.items()}, **extra}
            found = [series(gauge.name, labels, constant(value, ctx.samples))]
            return Fixture(found, {variant: value}, out)
        ratio = rail.options["ratio"]
        total = 100_000
        hits = round(value * total)
        same = ratio.numerator.name == ratio.denominator.name
        if hits < 0 or (same and hits > total):
            return None
        num, den = ratio.numerator, ratio.denominator
        num_labels = {**base, **{k: _first(v) for k, v in num.selector.items()}, **extra}
        found = [series(num.name, num_labels, counter(hits, ctx.samples))]
        if num.name == den.name:
            rest = _other_labels(num.selector, den.selector)
            if rest is None:
                return None
            rest_labels = {**base, **rest, **extra}
            found.append(series(den.name, rest_labels, counter(total - hits, ctx.samples)))
            seen = ctx.rate(hits) / (ctx.rate(hits) + ctx.rate(total - hits))
        else:
            den_labels = {**base, **{k: _first(v) for k, v in den.selector.items()}, **extra}
            found.append(series(den.name, den_labels, counter(total, ctx.samples)))
            seen = ctx.rate(hits) / ctx.rate(total)
        return Fixture(found, {variant: seen}, out)


def _covers(num: Series, den: Series) -> bool:
    """Does the numerator select every series the denominator does?"""
    if num.name != den.name:
        return False
    for key, value in num.selector.items():
        wanted = {value} if isinstance(value, str) else set(value)
        given = den.selector.get(key)
        if given is None or not ({given} if isinstance(given, str) else set(given)) <= wanted:
            return False
    return True


def _other_labels(num: dict[str, Any], den: dict[str, Any]) -> dict[str, str] | None:
    """Labels of a series the denominator counts and the numerator does not."""
    out = {k: _first(v) for k, v in den.items()}
    for key, value in num.items():
        taken = {value} if isinstance(value, str) else set(value)
        if key in den:
            allowed = [v for v in ([den[key]] if isinstance(den[key], str) else den[key])]
            free = [v for v in allowed if v not in taken]
            if free:
                out[key] = free[0]
                return out
        else:
            out[key] = "other"
            while out[key] in taken:
                out[key] += "-x"
            return out
    return None


def _words(alert: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", alert).lower()
