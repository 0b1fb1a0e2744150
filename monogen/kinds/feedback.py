"""Negative feedback: the share of a variant's user feedback that is negative (matchers on
`metrics.feedback`, e.g. `feedback_type=~"too_high|too_low"`), over a window, judged only
once the variant received a minimum volume of feedback in that window (a share of three
feedback events says nothing)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    Unsatisfiable,
    counter,
    increase,
    rate,
    series,
)
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.matchers import merged, of_selector, satisfying, written
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, number, selector
from monogen.compile.readings import summed
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds.base import Guardrail, Options, RailContext
from monogen.kinds.floors import FRACTION, MAX_FEEDBACK, gated, straddle, within
from monogen.kinds.levels import ThresholdGuardrail
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.base import Duration
from monogen.spec.metrics import Metric, Metrics
from monogen.spec.names import Selector
from monogen.spec.quantities import format_number, parse_duration
from monogen.spec.selectors import ONCE, conflict, conflicts


class FeedbackGuardrail(ThresholdGuardrail):
    negative: Selector = Field(
        description="Matchers picking the negative feedback, e.g. {feedback_type: "
        '"=~too_high|too_low"}.'
    )
    among: Selector = Field(
        default_factory=dict,
        description="Matchers picking the feedback the share is taken of (default: all of "
        'metrics.feedback), e.g. {feedback_type: "!=rating"}.',
    )
    min_feedback: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        100,
        description="Feedback events a variant must have received in `window` for the alert "
        "to judge its share (no alert below it).",
    )
    window: Duration = Field(
        "1h", description="The window the share and the volume are taken over."
    )


@dataclass(frozen=True, kw_only=True)
class FeedbackOptions(Options):
    negative: list[Matcher]  # the negative feedback counted
    among: list[Matcher]  # all feedback the share is taken of
    floor: float  # feedback events in the window before it judges
    window: str


class NegativeFeedback(ThresholdKind):
    key = "negativeFeedback"
    model = FeedbackGuardrail
    options_type = FeedbackOptions
    metric = "feedback"
    alert = "ModelNegativeFeedbackHigh"
    category = "model_performance"
    direction = "above"
    unit = "ratio"
    noun = "negative feedback share"
    row = "quality"
    defaults = (("warning", "30%", "15m"),)
    rate_based = True

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        rail = super().resolve(spec, ctx)
        if rail is None:
            return None
        metric = ctx.metrics.feedback
        assert metric is not None
        enclosing = merged(ctx.selector, metric.matchers())
        negative, among = of_selector(spec.negative), of_selector(spec.among)
        ok = True
        if not negative:
            ctx.err(
                (*ctx.path, "negative"),
                "give the matchers that pick negative feedback",
                'e.g. negative: {feedback_type: "=~too_high|too_low"}',
            )
            ok = False
        for name, own in (("negative", negative), ("among", among)):
            for m, other in conflicts(enclosing, own):
                ctx.err((*ctx.path, name, m[0]), conflict(m, other), ONCE)
                ok = False
            for m in own:
                if m[0] == ctx.variant_label:
                    ctx.err(
                        (*ctx.path, name, m[0]),
                        f"{m[0]!r} is the variant label",
                        "the guardrail judges every variant apart: list them in "
                        "`variants` to pick some",
                    )
                    ok = False
        window = parse_duration(spec.window)
        if window < parse_duration(ctx.rate_window):
            ctx.err(
                (*ctx.path, "window"),
                f"the window ({spec.window}) is shorter than the rate window ({ctx.rate_window})",
                f"write `window: {ctx.rate_window}` or more",
            )
            ok = False
        if not within(ctx, "minFeedback", spec.min_feedback, MAX_FEEDBACK, "events"):
            ok = False
        if not ok:
            return None
        base = merged(enclosing, among)
        if satisfying([*base, *negative]) is None:
            ctx.err(
                (*ctx.path, "negative"),
                "the negative matchers pick no feedback the "
                "share is taken of: the share would be 0% for ever",
                "match negative feedback types among the feedback counted",
            )
            return None
        for m in among:  # negative feedback left out of the total: a share above 100%
            if satisfying(merged(enclosing, negative), [m]) is not None:
                ctx.err(
                    (*ctx.path, "among", m[0]),
                    f"some negative feedback is not counted among the feedback "
                    f"({written(m)!r} leaves out feedback the negative matchers pick): "
                    "the share could exceed 100%",
                    "`among` must count every negative feedback: narrow `negative`, "
                    "or move the matcher to metrics.feedback.selector",
                )
                return None
        if all(satisfying(base, [n]) is None for n in negative):
            ctx.err(
                (*ctx.path, "negative"),
                "the negative matchers pick every feedback the "
                "share is taken of: the share would be 100% for ever",
                'match the negative types only, e.g. {feedback_type: "=~too_high|too_low"}',
            )
            return None
        options = FeedbackOptions(
            negative=negative, among=among, floor=spec.min_feedback, window=spec.window
        )
        return Guardrail(self, rail.levels, rail.variants, rail.runbook_url, options=options)

    # -- rules ------------------------------------------------------------------------

    def expression(
        self, rail: Guardrail, scope: Scope, metric: Metric, variants: list[Matcher], window: str
    ) -> tuple[str, str]:
        """(the negative share, the feedback volume) over `window`."""
        base = scope.base(metric)
        among = merged(base, FeedbackOptions.of(rail).among) + variants
        negative = merged(base, FeedbackOptions.of(rail).negative) + variants
        by = scope.grouping()
        share = (
            aggregate("sum", by, f"rate({selector(metric.name, negative)}[{window}])")
            + " / "
            + aggregate("sum", by, f"rate({selector(metric.name, among)}[{window}])")
        )
        volume = aggregate("sum", by, f"increase({selector(metric.name, among)}[{window}])")
        return share, volume

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        metric = ctx.metrics.feedback
        assert metric is not None
        variants = ctx.scope.variant_matchers(rail.variants)
        return self.expression(rail, ctx.scope, metric, variants, FeedbackOptions.of(rail).window)[
            0
        ]

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[Any]:
        metric = ctx.metrics.feedback
        assert metric is not None
        variants = ctx.scope.variant_matchers(rail.variants)
        _, volume = self.expression(
            rail, ctx.scope, metric, variants, FeedbackOptions.of(rail).window
        )
        on = ", ".join(ctx.scope.grouping())
        floor = f"and on ({on}) {volume} >= {number(FeedbackOptions.of(rail).floor)}"
        events = f"at least {number(FeedbackOptions.of(rail).floor)} feedback events in "
        return gated(super().alerts(rail, ctx), floor, events + FeedbackOptions.of(rail).window)

    def subject(self, rail: Guardrail) -> str:
        return f"share of negative feedback over {FeedbackOptions.of(rail).window}"

    def gates(self, rail: Guardrail) -> bool:
        """Not a rollout gate: the gate would judge the share without the minimum volume
        (two unhappy users of three would stop a canary)."""
        return False

    # -- proof ------------------------------------------------------------------------

    def own_matchers(self, rail: Guardrail) -> list[Matcher]:
        return [*FeedbackOptions.of(rail).negative, *FeedbackOptions.of(rail).among]

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """Feedback `among` leaves out would pull the share down were it counted; a decoy
        of a negative matcher is feedback the rest series already counts."""
        if matcher in FeedbackOptions.of(rail).negative:
            return None
        if matcher in FeedbackOptions.of(rail).among:
            return "fires"
        return super().decoy(rail, matcher)

    def _series(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, negative: float, rest: float
    ) -> list[dict[str, str]]:
        metric = ctx.metrics.feedback
        assert metric is not None
        base = ctx.matchers_of(metric)
        w = ctx.weight
        found = []
        if negative:
            labels = ctx.labels_for(merged(base, FeedbackOptions.of(rail).negative), variant)
            found.append(series(metric.name, labels, counter(negative * w, ctx.samples)))
        if rest:
            for n in FeedbackOptions.of(rail).negative:
                try:
                    labels = ctx.labels_for(
                        merged(base, FeedbackOptions.of(rail).among), variant, [n]
                    )
                    break
                except Unsatisfiable:
                    continue
            else:
                raise Unsatisfiable("no feedback the negative matchers leave out")
            found.append(series(metric.name, labels, counter(rest * w, ctx.samples)))
        return found

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        total = 100_000
        hits = round(value * total)
        if not 0 <= hits <= total:
            return None
        window = parse_duration(FeedbackOptions.of(rail).window)
        found = self._series(rail, ctx, variant, hits, total - hits)
        r = lambda n: rate(n, window, reading=ctx.reading)  # noqa: E731
        seen = r(hits) / summed([r(hits), r(total - hits)], ctx.reading)
        return Fixture(found, {variant: seen}, {variant: ctx.out_labels(variant)})

    def floor_cases(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, for_: float
    ) -> list[tuple[str, Fixture, bool, float, float]]:
        """Every feedback negative (a share of 100%), on a steady volume just under the
        minimum (silent) and just over it (fires from the step the window is full on),
        looked at once `for` has passed since: a mutant of the minimum fails one of them."""
        window = parse_duration(FeedbackOptions.of(rail).window)
        at = window + for_ + STEP
        ctx = dataclasses.replace(ctx, samples=int(at // STEP) + 5)
        floor = FeedbackOptions.of(rail).floor
        volume = lambda per_step: increase(per_step, window, at, ctx.reading)  # noqa: E731
        low, k = straddle(volume, floor)
        out = ctx.out_labels(variant)
        cases = []
        for n, fires in ((low, False), (k, True)):
            if n <= 0:
                continue
            events = format_number(volume(n / FRACTION))
            label = f"every feedback negative, {events} events: " + ("fires" if fires else "silent")
            found = self._series(rail, ctx, variant, n / FRACTION, 0)
            fixture = Fixture(found, {variant: 1.0}, {variant: out})
            cases.append((label, fixture, fires, at, at - window))
        return cases

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        """The share, and the feedback volume as events a `window` at the current rate,
        both over the dashboard's interval (`$__rate_interval`, as every panel)."""
        metric = metrics.feedback
        assert metric is not None
        picked = [(scope.variant_label, "=~", VARIANT_VAR)] if scope.in_metrics else []
        share, _ = self.expression(rail, scope, metric, picked, "$__rate_interval")
        among = merged(scope.base(metric), FeedbackOptions.of(rail).among) + picked
        rate_ = f"rate({selector(metric.name, among)}[$__rate_interval])"
        window = FeedbackOptions.of(rail).window
        volume = f"{aggregate('sum', scope.grouping(), rate_)} * {number(parse_duration(window))}"
        legend = f"{{{{{scope.variant_label}}}}}" if scope.in_metrics else scope.variants[0]
        floor = number(FeedbackOptions.of(rail).floor)
        return [
            Panel(
                "timeseries",
                "Negative feedback share",
                [(share, legend)],
                "percentunit",
                f"Share of negative feedback; the alert judges it over {window}, once a "
                f"variant received {floor} feedback events in it. " + alert_note(rail),
                thresholds=threshold_steps(rail),
                width=12,
            ),
            Panel(
                "timeseries",
                f"Feedback events per {window}",
                [(volume, legend)],
                "short",
                f"Feedback at the current rate, as events per {window}; the share is judged "
                f"from {floor} on.",
                thresholds=[
                    {"color": "orange", "value": None},
                    {"color": "green", "value": FeedbackOptions.of(rail).floor},
                ],
                width=12,
            ),
        ]
