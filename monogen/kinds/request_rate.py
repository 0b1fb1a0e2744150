"""Request-rate anomaly: a variant's request rate against its own rate the same window a
week (or a day) earlier. It fires when the rate drops below a share of what it was then
(and, with `surge:` levels, when it rises above a share past 100%: a second guardrail and
alert), and only where the variant had a real traffic then (a floor in requests a
second): a drop from 0.01 requests a second is noise, a drop from 200 an outage.

Its proof cannot wait a week: promtool would evaluate every rule each minute of it. The
proof's copy of the rules reads the same expression with a shorter offset (just long
enough for the windows and `for`), which the generated test file states in a comment."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from monogen.compile.fixtures import STEP, Fixture, FixtureContext, rate, series
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, number, selector
from monogen.compile.readings import extrapolated
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds import identity
from monogen.kinds.base import AlertLevel, Guardrail, Options, RailContext
from monogen.kinds.floors import FRACTION, MAX_RATE, gated, straddle, within
from monogen.kinds.levels import Level, ThresholdGuardrail, resolve_levels
from monogen.kinds.threshold import ThresholdKind
from monogen.model.rules import AlertingRule
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration
from monogen.spec.metrics import Metrics
from monogen.spec.quantities import format_duration, format_number, parse_duration

THEN = 6000  # requests a step before the change in the threshold cases (100 a second)
SURGE = "ExperimentRequestRateSurge"  # the alert of `surge:` levels
MIN_SURGE = 1.1  # the lowest surge level, as a share of the earlier rate


class SurgeLevels(AlertIdentity):
    """Levels above the earlier rate: a share past 100% of it, e.g. 300% (three times)."""

    warning: Level | None = None
    critical: Level | None = None
    info: Level | None = None


class RequestRateGuardrail(ThresholdGuardrail):
    offset: Duration = Field(
        "1w", description="How long ago the rate compared with was taken: 1w, 1d, or any."
    )
    min_rate: Annotated[float, Field(gt=0, allow_inf_nan=False)] = Field(
        1.0,
        description="Requests a second the variant received then, below which nothing is "
        "judged (a traffic floor).",
    )
    surge: SurgeLevels | None = Field(
        None,
        description="Levels of a surge: the rate now above a share of the rate `offset` "
        "earlier, 110% or more (e.g. {warning: {above: 300%, for: 15m}}): a second alert, "
        "ExperimentRequestRateSurge, with the same offset, floor and variants. The levels "
        "beside it (`warning: {below: ...}`) judge drops.",
    )


@dataclass(frozen=True, kw_only=True)
class RequestRateOptions(Options):
    offset: str  # as written: how long ago the rate compared with was taken
    floor: float  # requests a second then, below which nothing is judged
    proof: float  # seconds: the offset the proof's copy of the rules reads instead
    window: float  # seconds: the rate window


class RequestRateAnomaly(ThresholdKind):
    key = "requestRateAnomaly"
    model = RequestRateGuardrail
    options_type = RequestRateOptions
    other_alerts = (SURGE,)
    metric = "requests"
    alert = "ExperimentRequestRateDrop"
    category = "traffic"
    direction = "below"
    unit = "ratio"
    noun = "request rate against the same window earlier"
    defaults = (("warning", "50%", "15m"),)
    rate_based = True

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        def err(at: tuple, message: str, hint: str) -> None:  # a surge has its own levels
            surge = len(at) == len(ctx.path) + 2 and at[-1] == "above"
            ctx.err(at, message, "write surges under `surge:`, e.g. `surge: {warning: "
                    "{above: 300%, for: 15m}}`" if surge else hint)  # fmt: skip

        rail = super().resolve(spec, dataclasses.replace(ctx, err=err))
        if rail is None or not rail.levels:
            return None
        surge = self._surge_levels(spec.surge, ctx) if spec.surge is not None else ()
        if surge is None:
            return None
        offset = parse_duration(spec.offset)
        window = parse_duration(ctx.rate_window)
        longest = max(parse_duration(level.for_) for level in (*rail.levels, *surge))
        if offset < window:
            ctx.err(
                (*ctx.path, "offset"),
                f"an offset of {spec.offset} is shorter than the rate window "
                f"({ctx.rate_window}): the two rates would overlap",
                "compare with the same window a day (1d) or a week (1w) earlier",
            )
            return None
        if not within(ctx, "minRate", spec.min_rate, MAX_RATE, "requests a second"):
            return None
        # after a drop, the share stays low until the earlier window reaches the drop too:
        # about `offset`, which must hold a full window, the longest `for` and a step
        least = window + longest + STEP
        if offset < least:
            ctx.err(
                (*ctx.path, "offset"),
                f"an offset of {spec.offset} is too short for the rate window "
                f"({ctx.rate_window}) and the longest `for` ({format_duration(longest)}): "
                "after a drop, the share is low only until the earlier window reaches the "
                "drop too, too briefly for the alert to fire",
                f"write `offset: {format_duration(least)}` or more (the rate window, the "
                "longest `for` and a minute), or compare with a day (1d) or a week (1w) "
                "earlier",
            )
            return None
        # the proof's offset: the earlier window, then the drop, then `for`, a step apart
        proof = min(offset, least)
        options = RequestRateOptions(
            offset=spec.offset, floor=spec.min_rate, proof=proof, window=window
        )
        rails = [dataclasses.replace(rail, options=options)]
        if surge:
            path = (*ctx.path, "surge")
            rails.append(
                dataclasses.replace(
                    rail, levels=surge, text=identity.resolve(self, spec.surge, ctx, path),
                    at=path, options=dataclasses.replace(options, alert=SURGE, direction="above"),
                )
            )  # fmt: skip
        return rails

    def _surge_levels(self, spec: SurgeLevels, ctx: RailContext) -> tuple[AlertLevel, ...] | None:
        """The levels under `surge:`, each a share past 100% of the earlier rate."""
        path, failed = (*ctx.path, "surge"), False
        if not (spec.warning or spec.critical or spec.info):  # no default: say what it takes
            ctx.err(path, "`surge:` takes one level or more", "e.g. `surge: {warning: "
                    "{above: 300%, for: 15m}}`, three times the earlier rate for 15m")  # fmt: skip
            return None

        def err(at: tuple, message: str, hint: str) -> None:
            nonlocal failed
            failed = True
            ctx.err(at, message, hint)

        levels = resolve_levels(
            spec, key=f"{self.key}.surge", noun="request rate surge", direction="above",
            unit="share", scale="ratio", defaults=(), base=path, err=err,
        )  # fmt: skip
        for level in levels:
            if level.threshold < MIN_SURGE:
                shown = number(round(level.threshold * 100, 10))
                err(
                    (*path, level.severity, "above"),
                    f"a surge level of {shown}% is too close to the earlier rate: "
                    + ("it would fire on steady traffic" if level.threshold <= 1 else
                       "the share would cross it while the current window still holds the "
                       "earlier traffic, too soon to prove its `for`"),
                    "write 110% or more, e.g. 200% for twice the earlier rate",
                )  # fmt: skip
        return None if failed or not levels else levels

    # -- rules ------------------------------------------------------------------------

    def rates(
        self, rail: Guardrail, scope: Scope, metrics: Metrics, variants: list[Matcher], w: str
    ) -> tuple[str, str]:
        """(the request rate now, the rate `offset` earlier) per variant."""
        requests = metrics.requests
        assert requests is not None
        chosen = selector(requests.name, scope.base(requests) + variants)
        by = scope.grouping()
        now = aggregate("sum", by, f"rate({chosen}[{w}])")
        then = aggregate(
            "sum", by, f"rate({chosen}[{w}] offset {RequestRateOptions.of(rail).offset})"
        )
        return now, then

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        variants = ctx.scope.variant_matchers(rail.variants)
        now, then = self.rates(rail, ctx.scope, ctx.metrics, variants, ctx.scope.window)
        return f"{now} / {then}"

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        variants = ctx.scope.variant_matchers(rail.variants)
        _, then = self.rates(rail, ctx.scope, ctx.metrics, variants, ctx.scope.window)
        floor = number(RequestRateOptions.of(rail).floor)
        gate = f"and on ({', '.join(ctx.scope.grouping())}) {then} >= {floor}"
        return gated(super().alerts(rail, ctx), gate, f"from {floor} requests/s or more then")

    def subject(self, rail: Guardrail) -> str:
        return f"request rate against {RequestRateOptions.of(rail).offset} earlier"

    def proof_rewrites(self, rail: Guardrail) -> dict[str, str]:
        offset = RequestRateOptions.of(rail).offset
        if RequestRateOptions.of(rail).proof >= parse_duration(offset):
            return {}
        return {f"offset {offset}": f"offset {format_duration(RequestRateOptions.of(rail).proof)}"}

    def gates(self, rail: Guardrail) -> bool:
        """Not a rollout gate: a canary has no traffic a week (or a day) before it began."""
        return False

    # -- proof ------------------------------------------------------------------------

    def warmup(self, rail: Guardrail) -> float:
        """Both rates are complete a window after the change. A surge's alert starts a
        step earlier on Prometheus 3 (its left-open window holds only the new traffic a
        step before a closed one does), and still crosses a step later on 2.x."""
        surge = STEP if rail.direction == "above" else 0
        return self._change(rail) + RequestRateOptions.of(rail).window - surge

    def _change(self, rail: Guardrail) -> float:
        """When the proof's counter changes: one proof offset in for a drop. Before the
        earlier window is full, it reads the earlier rate low and the share high: no
        drop, but a surge's alert would start early; so a surge comes a window later."""
        o = RequestRateOptions.of(rail)
        return o.proof + (o.window if rail.direction == "above" else 0)

    def _counter(
        self, ctx: FixtureContext, rail: Guardrail, variant: str, then: float, now: float
    ) -> tuple[dict[str, str], float]:
        """A variant's requests: `then` a step until the change (a drop or a surge), `now`
        a step after it (`_change`). A window after the change the current window holds
        only `now`; up to the last check (`for` and a step later) the earlier one holds
        only `then`. And the share the alert computes once both windows are whole."""
        w = ctx.weight
        drop = int(self._change(rail) // STEP)  # steps before the change
        after = ctx.samples - drop
        values = f"0+{format_number(then * w)}x{drop} "
        values += f"{format_number(drop * then * w + now * w)}+{format_number(now * w)}x{after}"
        labels, _ = ctx.request_labels(variant)
        at = self._change(rail) + RequestRateOptions.of(rail).window  # both windows whole
        points = [(k * STEP, k * then if k <= drop else drop * then + (k - drop) * now)
                  for k in range(int(at // STEP) + 1)]  # fmt: skip
        current = extrapolated(points, at, ctx.window, reading=ctx.reading)
        earlier = rate(then, ctx.window, at - RequestRateOptions.of(rail).proof, ctx.reading)
        requests = ctx.metrics.requests
        assert requests is not None and current is not None
        return series(requests.name, labels, values), current / earlier

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        """A surge's share has no top (a ratio's 100%): 2% of the threshold either side."""
        if rail.direction == "below":
            return super().probes(rail, threshold, ctx)
        margin = max(threshold * 0.02, 0.005)
        return threshold + margin, threshold - margin

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        then = THEN * max(1, math.ceil(2 * RequestRateOptions.of(rail).floor * STEP / THEN))
        now = round(value * then)
        if now < 0:
            return None
        found, seen = self._counter(ctx, rail, variant, then, now)
        return Fixture([found], {variant: seen}, {variant: ctx.out_labels(variant)})

    def floor_cases(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, for_: float
    ) -> list[tuple[str, Fixture, bool, float, float]]:
        """No request at all now (for a surge: a share past twice its highest level), after
        a rate just under the floor then (silent) and just over it (fires): a mutant of the
        floor fails one of them."""
        surge = rail.direction == "above"
        factor = math.ceil(2 * max(level.threshold for level in rail.levels)) if surge else 0
        start = self.warmup(rail)
        at = start + for_ + STEP
        back = at - RequestRateOptions.of(rail).proof  # when the earlier window ends
        earlier = lambda per_step: rate(per_step, ctx.window, back, ctx.reading)  # noqa: E731
        low, k = straddle(earlier, RequestRateOptions.of(rail).floor)
        cases = []
        for n, fires in ((low, False), (k, True)):
            if n <= 0:
                continue
            found, seen = self._counter(ctx, rail, variant, n / FRACTION, n * factor / FRACTION)
            now = f"{factor} times the rate" if surge else "no request"
            label = f"{now} after {format_number(earlier(n / FRACTION))}/s then: " + (
                "fires" if fires else "silent"
            )
            fixture = Fixture([found], {variant: seen}, {variant: ctx.out_labels(variant)})
            cases.append((label, fixture, fires, at, at - start))
        return cases

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        picked = [(scope.variant_label, "=~", VARIANT_VAR)] if scope.in_metrics else []
        now, then = self.rates(rail, scope, metrics, picked, "$__rate_interval")
        legend = f"{{{{{scope.variant_label}}}}}" if scope.in_metrics else scope.variants[0]
        o = RequestRateOptions.of(rail)
        offset = o.offset
        surges = " (surges)" if rail.direction == "above" else ""
        return [
            Panel(
                "timeseries",
                f"Request rate against {offset} earlier{surges}",
                [(f"{now} / {then}", legend)],
                "percentunit",
                f"Each variant's request rate as a share of its rate {offset} earlier; the "
                f"alert judges it from {number(o.floor)} requests/s then. " + alert_note(rail),
                thresholds=threshold_steps(rail),
                width=12,
            )
        ]
