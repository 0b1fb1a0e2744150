"""Treatment against control: each treatment variant compared with the control on the error
rate, a latency quantile or a quality gauge, by a margin (absolute, or relative to the
control's value) or, for the error rate, by a one-sided two-proportion z-test over a window
that fires only when both variants have enough requests.

One alert name, `TreatmentWorseThanControl`, with a `metric` label naming what is compared
and the treatment's variant label; the description gives both values and the margin. The
synthetic series that prove these alerts are in comparison_proof.py."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field
from pydantic.alias_generators import to_camel

from monogen.compile import naming
from monogen.compile.grafana import Panel
from monogen.compile.promql import aggregate, number, quote, selector
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links, threshold_text, value_pipe
from monogen.kinds.base import AlertLevel, Direction, Guardrail, RailContext, Severity
from monogen.kinds.comparison_proof import ERROR_RATE, LATENCY, ComparisonOptions, ComparisonProof
from monogen.kinds.levels import ThresholdValue, to_threshold
from monogen.kinds.stats import normal_critical
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText, Query, Value
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl, Quantile, SpecModel
from monogen.spec.metrics import QUALITY_METRICS, Metrics, field_of
from monogen.spec.quantities import parse_duration, parse_percent

# What can be compared: (unit, higher is worse, category, noun) by the name specs use.
QUALITY = tuple(to_camel(name) for name in QUALITY_METRICS)
SUBJECTS: dict[str, tuple[str, bool, str, str]] = {
    ERROR_RATE: ("ratio", True, "reliability", "error rate"),
    LATENCY: ("seconds", True, "latency", "latency"),
    **{q: ("scaled", False, "model_performance", field_of(q).replace("_", " ")) for q in QUALITY},
}


class Margin(SpecModel):
    """How much worse the treatment may be: one of the two."""

    absolute: ThresholdValue | None = Field(None, description="In the metric's unit: 2, 1%, 50ms.")
    relative: ThresholdValue | None = Field(
        None, description="A share of the control's value: 20% (or 0.2)."
    )


class Significance(SpecModel):
    confidence: Annotated[float, Field(gt=0.5, lt=1)] = Field(
        0.99, description="One-sided confidence of the z-test, e.g. 0.99."
    )
    window: Duration = "1h"
    min_requests: Annotated[int, Field(ge=1, le=10**12)] = Field(
        200, description="Test only when each variant has this many requests in the window."
    )


class Comparison(AlertIdentity):
    """Each treatment against the control on one metric."""

    metric: Literal[*tuple(SUBJECTS)] = Field(  # type: ignore[valid-type]
        description="What is compared: the error rate, a latency quantile or a quality gauge."
    )
    margin: Margin | None = None
    significance: Significance | None = Field(None, description="The error rate only.")
    quantile: Quantile = 0.95
    severity: Severity = "warning"
    for_: Duration = Field("10m", alias="for")
    runbook_url: HttpUrl | None = None


class TreatmentComparison(ComparisonProof):
    key = "comparisons"
    placeholders = ("value", "threshold")
    model = list[Comparison]
    alert = "TreatmentWorseThanControl"
    category = "model_performance"
    direction = "above"
    noun = "comparison"
    options_type = ComparisonOptions
    row = "summary"

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        controls = [v.name for v in ctx.variants if v.role == "control"]
        if not controls or len(ctx.variants) < 2:
            ctx.err(ctx.path, "comparisons need a variant with `role: control` and another", "")
            return None
        treatments = tuple(v.name for v in ctx.variants if v.role != "control")
        rails, seen = [], set()
        for i, item in enumerate(spec):
            rail = self._one(item, ctx, (*ctx.path, i), controls[0], treatments)
            if rail is not None and item.metric in seen:
                ctx.err((*ctx.path, i, "metric"), f"{item.metric!r} is compared twice", "")
            elif rail is not None:
                seen.add(item.metric)
                rails.append(rail)
        return rails

    def _one(
        self, item: Comparison, ctx: RailContext, path: tuple, control: str, treatments: tuple
    ) -> Guardrail | None:
        unit, higher_worse, category, noun = SUBJECTS[item.metric]
        metrics = ctx.metrics
        field = "requests" if item.metric == ERROR_RATE else field_of(item.metric)
        metric = getattr(metrics, field)
        if metric is None or (
            item.metric == ERROR_RATE and not (metric.error_selector or metrics.errors)
        ):
            need = "requests and failed requests" if item.metric == ERROR_RATE else field
            ctx.err((*path, "metric"), f"comparing {item.metric} needs `metrics` for {need}", "")
            return None
        if (item.margin is None) == (item.significance is None):
            ctx.err(path, "give either `margin` or `significance`", "")
            return None
        scale = getattr(metric, "scale", "ratio")
        quantile = item.quantile if item.metric == LATENCY else None
        if quantile is not None:
            noun = "p" + number(quantile * 100) + " latency"
        worse: Direction = "above"
        test: dict[str, Any] = {}  # a significance test's window, minimum and confidence
        if item.significance is not None:
            if item.metric != ERROR_RATE:
                ctx.err((*path, "significance"), "significance tests the error rate only", "")
                return None
            sig = item.significance
            if not 120 <= parse_duration(sig.window) <= 86_400:
                ctx.err((*path, "significance", "window"), "the window must be from 2m to 1d", "")
                return None
            mode = "significance"
            test = {"window": sig.window, "min": sig.min_requests, "confidence": sig.confidence}
            threshold = normal_critical(sig.confidence)
        else:
            margin = item.margin
            assert margin is not None
            if (margin.absolute is None) == (margin.relative is None):
                ctx.err((*path, "margin"), "give either `absolute` or `relative`", "")
                return None
            try:
                if margin.absolute is not None:
                    threshold = to_threshold(unit, margin.absolute, scale)
                    mode = "absolute"
                else:
                    share = parse_percent(margin.relative)
                    if not 0 < share < (10 if higher_worse else 1):
                        raise ValueError(f"{margin.relative} is not a usable share")
                    threshold = 1 + share if higher_worse else 1 - share
                    mode, worse = "relative", "above" if higher_worse else "below"
            except ValueError as exc:
                ctx.err((*path, "margin"), str(exc), "")
                return None
            if threshold <= 0:
                ctx.err((*path, "margin"), "the margin must be more than 0", "")
                return None
            # a difference of two values of a bounded metric stays below its range
            top = {"ratio": 1.0, "scaled": 100.0 if scale == "percent" else 1.0}.get(unit)
            if margin.absolute is not None and top is not None and threshold >= top:
                ctx.err(
                    (*path, "margin", "absolute"),
                    f"a margin of {number(threshold)} can never be exceeded: the metric reads "
                    f"0 to {number(top)}, so no difference between variants reaches it",
                    "write the margin in the metric's unit, e.g. 2 (points) or 5%",
                )
                return None
        options = ComparisonOptions(
            unit=unit, category=category, noun=noun, metric=item.metric, control=control,
            treatments=treatments, mode=mode, worse=worse, higher_worse=higher_worse,
            quantile=quantile, **test,
        )  # fmt: skip
        level = AlertLevel(item.severity, float(number(threshold)), item.for_)  # as written
        return Guardrail(
            self, (level,), treatments, item.runbook_url, scale, quantile=quantile,
            options=options, text=identity.resolve(self, item, ctx, path), at=path,
        )  # fmt: skip

    def text_values(self, rail: Guardrail, rule: AlertingRule) -> dict[str, AlertText]:
        """The treatment (a label of the rule, not of its series), the statistic (z, the
        ratio to the control or the difference) and its limit."""
        o, limit, text = ComparisonOptions.of(rail), rail.levels[0].threshold, AlertText.of
        absolute = o.mode == "absolute"
        pipe = value_pipe(o.unit, rail.scale) if absolute else 'printf "%.2f"'
        shown = threshold_text(o.unit, limit, rail.scale) if absolute else number(limit)
        treatment = rule.intent.variants[0] if rule.intent else ""
        return {"variant": text(treatment), "value": text(Value(pipe)), "threshold": text(shown)}

    def quantiles(self, rail: Guardrail) -> tuple[float, ...]:
        return (rail.quantile,) if rail.quantile is not None else ()

    # -- rules ------------------------------------------------------------------------

    def records(self, rail: Guardrail, records: Records, metrics: Metrics) -> None:
        if ComparisonOptions.of(rail).mode != "significance":
            return
        s = records.scope
        req = metrics.requests
        assert req is not None
        window = ComparisonOptions.of(rail).window
        base = naming.counter_base(req.name)
        op = f"increase{window}"
        total = f"increase({selector(req.name, s.matchers(req))}[{window}])"
        if req.error_selector:
            bad = selector(req.name, s.failed(req))
        else:
            assert metrics.errors is not None
            bad = selector(metrics.errors.name, s.matchers(metrics.errors))
        records.add(
            naming.record("experiment_variant", base, op),
            aggregate("sum", s.grouping(), total),
            ("srm", "increase"),
        )
        records.add(
            naming.record("experiment_variant", f"{base}_errors", op),
            aggregate("sum", s.grouping(), f"increase({bad}[{window}])"),
            ("comparison", "errors"),
        )

    def judged(self, rail: Guardrail, ctx: RuleContext, variant: str) -> str:
        """The compared value of one variant, as a label-less one-element vector."""
        o = ComparisonOptions.of(rail)
        s = ctx.scope
        if o.metric == ERROR_RATE:
            return f"sum({s.recorded(ctx.records.error_ratio or '', (variant,))})"
        if o.metric == LATENCY:
            return f"sum({s.recorded(ctx.records.quantiles[o.quantile], (variant,))})"
        metric = getattr(ctx.metrics, field_of(o.metric))
        return f"min({selector(metric.name, s.matchers(metric, (variant,)))})"

    def window_counts(self, rail: Guardrail, ctx: RuleContext, variant: str) -> tuple[str, str]:
        """(requests, failed requests) of one variant over the significance window."""
        req = ctx.metrics.requests
        assert req is not None
        base = naming.counter_base(req.name)
        op = f"increase{ComparisonOptions.of(rail).window}"
        s = ctx.scope
        n = f"sum({s.recorded(naming.record('experiment_variant', base, op), (variant,))})"
        e = s.recorded(naming.record("experiment_variant", f"{base}_errors", op), (variant,))
        return n, f"(sum({e}) or vector(0))"

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        o = ComparisonOptions.of(rail)
        level = rail.levels[0]
        rules = []
        for treatment in o.treatments:
            if o.mode == "significance":
                expr, shown = self._z_test(rail, ctx, treatment)
            else:
                expr, shown = self._margin(rail, ctx, treatment)
            out = {**labels(ctx.scope, rail, level), "category": o.category}
            # the treatment is a label of the rule: rules of several treatments differ
            out.update({"metric": o.metric, ctx.scope.variant_label: treatment})
            rules.append(
                AlertingRule(
                    alert=self.alert,
                    expr=expr,
                    for_=level.for_,
                    labels=out,
                    annotations={**self._texts(rail, ctx, treatment, shown), **links(ctx, rail)},
                    intent=AlertIntent(
                        rail,
                        self._gated(rail, ctx, treatment),
                        o.worse,
                        level.threshold,
                        (treatment,),
                    ),
                )
            )
        return rules

    def _gated(self, rail: Guardrail, ctx: RuleContext, t: str) -> str:
        """What the alert judges for treatment `t`, with its variant label: the difference,
        ratio or z, or the neutral value (0, or a ratio of 1) while the alert's conditions
        (enough requests; a control above 0) leave the comparison without a verdict."""
        o = ComparisonOptions.of(rail)
        value = self.judged_difference(rail, ctx, t)
        if o.mode == "significance":
            nt, _ = self.window_counts(rail, ctx, t)
            nc, _ = self.window_counts(rail, ctx, o.control)
            value = f"({value} and {nt} >= {o.min} and {nc} >= {o.min}) or vector(0)"
        elif o.mode == "relative":
            value = f"({value} and {self.judged(rail, ctx, o.control)} > 0) or vector(1)"
        v = ctx.scope.variant_label
        return f'label_replace({value}, "{v}", {quote(t.replace("$", "$$"))}, "", "")'

    def judged_difference(self, rail: Guardrail, ctx: RuleContext, t: str) -> str:
        """What the alert compares with its threshold: a difference, a ratio or z."""
        o = ComparisonOptions.of(rail)
        if o.mode == "significance":
            nt, et = self.window_counts(rail, ctx, t)
            nc, ec = self.window_counts(rail, ctx, o.control)
            pooled = f"({et} + {ec}) / ({nt} + {nc})"
            return (
                f"(({et} / {nt}) - ({ec} / {nc})) / "
                f"sqrt({pooled} * (1 - {pooled}) * (1 / {nt} + 1 / {nc}))"
            )
        treated, control = self.judged(rail, ctx, t), self.judged(rail, ctx, o.control)
        if o.mode == "relative":
            return f"{treated} / {control}"
        return f"{treated} - {control}" if o.higher_worse else f"{control} - {treated}"

    def _margin(self, rail: Guardrail, ctx: RuleContext, t: str) -> tuple[str, tuple[str, str]]:
        o = ComparisonOptions.of(rail)
        treated, control = self.judged(rail, ctx, t), self.judged(rail, ctx, o.control)
        cmp = "<" if o.worse == "below" else ">"
        limit = number(rail.levels[0].threshold)
        expr = f"{self.judged_difference(rail, ctx, t)} {cmp} {limit}"
        if o.mode == "relative":
            # against a control at 0, any treatment value is "infinitely" worse: no page
            expr += f" and {control} > 0"
        return expr, (treated, control)

    def _z_test(self, rail: Guardrail, ctx: RuleContext, t: str) -> tuple[str, tuple[str, str]]:
        o = ComparisonOptions.of(rail)
        nt, et = self.window_counts(rail, ctx, t)
        nc, ec = self.window_counts(rail, ctx, o.control)
        z = self.judged_difference(rail, ctx, t)
        limit = number(rail.levels[0].threshold)
        minimum = o.min
        expr = f"{z} > {limit} and {nt} >= {minimum} and {nc} >= {minimum}"
        return expr, (f"{et} / {nt}", f"{ec} / {nc}")

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        """Treatment against control over time, with the line the alert fires at."""
        o = ComparisonOptions.of(rail)
        ctx = self._rule_context_for(rail, scope, metrics)
        v = scope.variant_label
        targets = [
            (
                f'label_replace({self.judged_difference(rail, ctx, t)}, "{v}", '
                f'{quote(t.replace("$", "$$"))}, "", "")',
                f"{{{{{v}}}}}",
            )
            for t in o.treatments
        ]
        limit = rail.levels[0].threshold
        shown = {
            "significance": ("z (treatment's error rate above the control's)", "none"),
            "relative": ("treatment ÷ control", "none"),
            "absolute": ("treatment worse than control by", _unit(o.unit, rail.scale)),
        }[o.mode]
        bad_above = o.worse == "above"
        steps = [
            {"color": "green" if bad_above else "red", "value": None},
            {"color": "red" if bad_above else "green", "value": limit},
        ]
        return [
            Panel(
                "timeseries",
                f"{o.noun[0].upper()}{o.noun[1:]}: {shown[0]}",
                targets,
                shown[1],
                f"Each treatment against control {o.control}; {self.alert} fires "
                f"{o.worse} {number(limit)} for {rail.levels[0].for_}.",
                thresholds=steps,
                width=12,
            )
        ]

    def _texts(
        self, rail: Guardrail, ctx: RuleContext, t: str, shown: tuple[str, str]
    ) -> dict[str, AlertText]:
        o = ComparisonOptions.of(rail)
        pipe = value_pipe(o.unit, rail.scale)
        treated, control = (Query(q, pipe) for q in shown)
        who = f"treatment {t}"
        against = f"control {o.control}"
        experiment = ctx.scope.experiment
        noun = o.noun
        text = AlertText.of
        summary = text(
            f"The {noun} of {who} is worse than its {against} in experiment {experiment}"
        )
        level = rail.levels[0]
        compared = (" is ", treated, " against ", control, f" for {against}: ")
        if o.mode == "significance":
            description = text(
                f"Over the last {o.window} the error rate of {who}", *compared, "z = ",
                Value('printf "%.2f"'), f", above {number(level.threshold)} (one-sided "
                f"two-proportion test at {number(o.confidence * 100)}% confidence; both "
                f"variants have at least {o.min} requests).",
            )  # fmt: skip
        elif o.mode == "relative":
            share = abs(level.threshold - 1)
            description = text(
                f"The {noun} of {who}", *compared, Value('printf "%.2f"'),
                " times the control's, "
                f"{'more' if o.higher_worse else 'less'} than the limit of "
                f"{number(level.threshold)} ({number(round(share * 100, 10))}% worse), for "
                f"more than {level.for_}.",
            )  # fmt: skip
        else:
            margin = threshold_text(o.unit, level.threshold, rail.scale)
            description = text(
                f"The {noun} of {who}", *compared, "worse by ", Value(pipe),
                f", more than {margin}, for more than {level.for_}.",
            )  # fmt: skip
        return {"summary": summary, "description": description}


def _unit(unit: str, scale: str) -> str:
    """The Grafana unit of a difference in the metric's unit."""
    if unit == "seconds":
        return "s"
    if unit == "ratio" or scale == "ratio":
        return "percentunit"
    return "none"
