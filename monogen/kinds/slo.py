"""Service level objectives per variant: availability (the share of requests that succeed)
or latency (the share answered faster than a bound of the latency histogram) over a period,
guarded by multiwindow, multi-burn-rate alerts as in the Google SRE workbook: each alert
fires while both a long and a short window burn the error budget faster than a factor
(scaled to the period, see slo_windows.py), so it pages quickly on a fast burn and stops
soon after the burn does.

The error ratio of each window is recorded per variant; the budget remaining over the
period is one minus the period's bad requests among all, divided by the budget, summed
from recorded 5-minute rates (as Pyrra weighs it: by requests, so a quiet hour's errors
do not count as a busy hour's). The synthetic series that prove the alerts are in
slo_proof.py; the bound of a latency SLO is a bucket of its histogram (slo_buckets.py)."""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from monogen.compile import naming
from monogen.compile.gotemplate import literal
from monogen.compile.grafana import Panel
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import aggregate, number, one_of, selector
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links
from monogen.kinds.base import AlertLevel, Guardrail, RailContext
from monogen.kinds.levels import ThresholdValue
from monogen.kinds.slo_buckets import latency_bound, le_pattern
from monogen.kinds.slo_proof import BUDGET_WINDOW, SloOptions, SloProof
from monogen.kinds.slo_windows import BURN_WINDOWS, WINDOWS, burn_factors
from monogen.model.rules import AlertingRule, AlertIntent
from monogen.model.text import AlertText, Value
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl
from monogen.spec.metrics import Metrics
from monogen.spec.quantities import format_duration, parse_duration, parse_number

MAX_OBJECTIVE = Decimal("0.99999")
PERIOD_RANGE = (3 * 86_400, 90 * 86_400)  # the longest alert window to a quarter

SloName = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40),
    Field(description="Names the SLO in alerts (label `slo`) and dashboards: a-z, 0-9, _."),
]


class Slo(AlertIdentity):
    """One objective: the share of good requests over a period."""

    name: SloName
    objective: ThresholdValue = Field(description="The share of good requests: 99.5% or 0.995.")
    period: Duration = Field("30d", description="The budget's period (3d to 90d).")
    latency: ThresholdValue | None = Field(
        None,
        description="A latency objective: a request is good when answered within this bound "
        "(a bucket bound of the latency histogram, e.g. 500ms). Without it: availability, "
        "a request is good when it does not fail.",
    )
    variants: list[str] | None = Field(None, description="Only these variants (default: all).")
    runbook_url: HttpUrl | None = None


def objective_of(value: float | str) -> Decimal:
    """The objective as the decimal the spec wrote: `99.5%` → 0.995."""
    if isinstance(value, bool):
        raise ValueError("expected a percentage such as 99.5% or a ratio such as 0.995")
    text = str(value).strip()
    try:
        found = Decimal(text[:-1].strip()) / 100 if text.endswith("%") else Decimal(text)
    except InvalidOperation:
        parse_number(text.rstrip("%"))  # says what was wrong
        raise ValueError(f"{value!r} is not a number") from None
    if not found.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return found


class ServiceLevelObjectives(SloProof):
    key = "slos"
    options_type = SloOptions
    placeholders = ("value", "threshold")
    model = list[Slo]
    alert = "SLOErrorBudgetBurn"
    category = "reliability"
    direction = "above"
    noun = "error budget burn"
    row = "slo"
    rate_based = True

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        rails: list[Guardrail] = []
        seen = set()
        for i, item in enumerate(spec):
            path = (*ctx.path, i)
            if item.name in seen:
                ctx.err((*path, "name"), f"SLO {item.name!r} is declared twice", "")
                continue
            seen.add(item.name)
            rail = self._one(item, ctx, path)
            if rail is None:
                continue
            mine = set(rail.variants or ctx.variant_names)
            same = [
                r for r in rails
                if SloOptions.of(r).bound == SloOptions.of(rail).bound
                and mine & set(r.variants or ctx.variant_names)
            ]  # fmt: skip
            if same:
                ctx.err(
                    path,
                    f"SLO {item.name!r} judges the same requests of the same variants as SLO "
                    f"{SloOptions.of(same[0]).slo!r}: the two would burn and page together",
                    "keep one objective per good-request definition and variant (the burn "
                    "windows already page fast and ticket slow burns)",
                )
                continue
            rails.append(rail)
        return rails

    def _one(self, item: Slo, ctx: RailContext, path: tuple) -> Guardrail | None:
        m = ctx.metrics
        if item.latency is None and (m.requests is None or not (
            m.requests.error_selector or m.errors is not None
        )):  # fmt: skip
            ctx.err(
                path,
                f"availability SLO {item.name!r} needs requests and failed requests: "
                "`metrics.requests` with `errorSelector`, or `metrics.errors`",
                "or give `latency:` for a latency objective",
            )
            return None
        if item.latency is not None and m.latency is None:
            ctx.err((*path, "latency"), "a latency SLO needs `metrics.latency` (a histogram)", "")
            return None
        try:
            objective = objective_of(item.objective)
        except ValueError as exc:
            ctx.err((*path, "objective"), str(exc), "write e.g. 99.5%")
            return None
        if 1 < objective < 100 and not str(item.objective).strip().endswith("%"):
            ctx.err(
                (*path, "objective"),
                f"{item.objective} is not a share between 0 and 1; did you mean {item.objective}%?",
                "write the objective as a percentage (99.5%) or a ratio (0.995)",
            )
            return None
        budget = 1 - objective
        period = parse_duration(item.period)
        if not PERIOD_RANGE[0] <= period <= PERIOD_RANGE[1]:
            ctx.err((*path, "period"), "the period must be from 3d (the longest window) to 90d", "")
            return None
        factors = burn_factors(period)
        fastest = max(factors)
        if not Decimal(0) < objective <= MAX_OBJECTIVE or budget * Decimal(fastest) >= Decimal(
            "0.98"
        ):
            lowest = 1 - Decimal("0.98") / Decimal(str(fastest))
            shown = math.ceil(float(lowest) * 100_000) / 1000  # the smallest allowed, rounded up
            ctx.err(
                (*path, "objective"),
                f"the objective must be from {shown:g}% to "
                f"{float(MAX_OBJECTIVE) * 100:g}%: below, an error ratio {fastest:g} times "
                f"the budget's (the fastest burn over {item.period}) would exceed 100% and "
                "the fastest burn alert could never fire",
                "SLOs are written as the share of good requests, e.g. 99.5%",
            )
            return None
        bound = None
        if item.latency is not None:
            bound = latency_bound(item.latency, m.latency, ctx, (*path, "latency"))
            if bound is None:
                return None
        for i, name in enumerate(item.variants or ()):
            if name not in ctx.variant_names:
                ctx.err((*path, "variants", i), f"{name!r} is not a variant of this experiment", "")
                return None
        levels = tuple(
            AlertLevel(sev, factor, for_)
            for (_, _, _, sev, for_), factor in zip(BURN_WINDOWS, factors, strict=True)
        )
        return Guardrail(
            self,
            levels,
            variants=tuple(item.variants or ()),
            runbook_url=item.runbook_url,
            instance_labels=("slo",),
            text=identity.resolve(self, item, ctx, path),
            at=path,
            options=SloOptions(
                slo=item.name,
                objective=float(objective),
                budget=float(number(float(budget))),  # as the rules write it
                period=format_duration(period),
                bound=bound,
                category="latency" if bound is not None else "reliability",
                noun=f"{item.name} error budget burn",
            ),
        )

    # -- rules ------------------------------------------------------------------------

    def _bases(self, rail: Guardrail, metrics: Metrics) -> tuple[str, str]:
        """What the SLO counts: (its bad requests, all its requests), as record names."""
        bound = SloOptions.of(rail).bound
        if bound is None:
            assert metrics.requests is not None
            base = naming.counter_base(metrics.requests.name)
            return f"{base}_errors", base
        assert metrics.latency is not None
        token = re.sub(r"[^0-9a-z]", "_", number(bound))
        return f"{metrics.latency.name}_slower_than_{token}s", metrics.latency.name

    def ratio_name(self, rail: Guardrail, metrics: Metrics, window: str) -> str:
        """The recorded error ratio (bad requests among all) of one window."""
        operation = f"slo_ratio_{naming.window_suffix(window)}"
        return naming.record("experiment_variant", self._bases(rail, metrics)[0], operation)

    def rate_names(self, rail: Guardrail, metrics: Metrics) -> tuple[str, str]:
        """The recorded rates of bad and of all requests over the budget's window: their
        sums over the period weigh each moment by its traffic."""
        bad, total = self._bases(rail, metrics)
        suffix = naming.window_suffix(BUDGET_WINDOW)
        return (
            naming.record("experiment_variant", bad, f"slo_{suffix}"),
            naming.record("experiment_variant", total, f"slo_total_{suffix}"),
        )

    def budget_name(self, rail: Guardrail) -> str:
        return naming.record(
            "experiment_variant", "slo_error_budget", f"remaining_ratio{SloOptions.of(rail).period}"
        )

    def records(self, rail: Guardrail, records: Records, metrics: Metrics) -> None:
        for window in WINDOWS:
            records.add(
                self.ratio_name(rail, metrics, window),
                self.ratio_expr(rail, records, metrics, window),
                ("slo", "ratio", window),
            )
        # the period's bad requests among all, as Pyrra reads it: a busy hour weighs more
        # than a quiet one (a mean of ratios would weigh them alike)
        bad, total = self.parts(rail, records, metrics, BUDGET_WINDOW)
        names = self.rate_names(rail, metrics)
        records.add(names[0], bad, ("slo", "bad", BUDGET_WINDOW))
        records.add(names[1], total, ("slo", "total", BUDGET_WINDOW))
        period = SloOptions.of(rail).period
        spent = (
            f"sum_over_time({records.scope.recorded(names[0])}[{period}]) / "
            f"(sum_over_time({records.scope.recorded(names[1])}[{period}]) > 0)"
        )
        records.add(
            self.budget_name(rail),
            f"1 - ({spent}) / {number(SloOptions.of(rail).budget)}",
            ("slo", "budget"),
            labels={"slo": SloOptions.of(rail).slo},
        )

    def ratio_expr(self, rail: Guardrail, records: Records, m: Metrics, window: str) -> str:
        """Bad requests among all over `window`, per variant; no ratio without traffic
        (`> 0`), so an idle variant leaves a gap instead of a NaN."""
        bad, total = self.parts(rail, records, m, window)
        return f"({bad}) / ({total} > 0)"

    def parts(self, rail: Guardrail, records: Records, m: Metrics, window: str) -> tuple[str, str]:
        """(the rate of bad requests, the rate of all) over `window`, per variant."""
        s = records.scope

        def total(name: str, matchers: list) -> str:
            inner = f"rate({selector(name, matchers)}[{window}])"
            return aggregate("sum", s.grouping(), inner)

        bound = SloOptions.of(rail).bound
        if bound is None:
            assert m.requests is not None
            requests = total(m.requests.name, s.matchers(m.requests))
            if m.requests.error_selector:
                errors = total(m.requests.name, s.failed(m.requests))
            else:
                assert m.errors is not None
                errors = total(m.errors.name, s.matchers(m.errors))
            # a variant with no failed request yet has none, not no rate at all
            return f"{errors} or {requests} * 0", requests
        assert m.latency is not None
        bucket = f"{m.latency.name}_bucket"
        everything = total(bucket, [*s.matchers(m.latency), ("le", "=", "+Inf")])
        fast = total(bucket, [*s.matchers(m.latency), ("le", "=~", le_pattern(bound))])
        return f"{everything} - {fast}", everything

    def text_values(self, rail: Guardrail, rule: AlertingRule) -> dict[str, AlertText]:
        """The burn rate (times the pace the objective allows) and the factor it fires at."""
        factor, text = number(rule.intent.threshold) if rule.intent else "", AlertText.of
        return {"value": text(Value("humanize"), "x"), "threshold": text(f"{factor}x")}

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        scope = ctx.scope
        o = SloOptions.of(rail)
        budget = number(o.budget)
        objective = f"{number(round(o.objective * 100, 10))}%"
        good = (
            f"are answered within {format_duration(o.bound)}" if o.bound is not None else "succeed"
        )
        who = AlertText.of("variant ", scope.variant_ref)
        found = []
        for (long, short, *_), level in zip(BURN_WINDOWS, rail.levels, strict=True):
            factor = level.threshold
            rates = [
                f"{scope.recorded(self.ratio_name(rail, ctx.metrics, w), rail.variants)} / {budget}"
                for w in (long, short)
            ]
            burn = [f"{rate} > {number(factor)}" for rate in rates]
            # what is judged: the slower of the two burn rates (both must pass the factor)
            slower = f"({rates[0]} <= {rates[1]}) or {rates[1]}"
            spent = format_duration(parse_duration(o.period) / factor)
            found.append(
                AlertingRule(
                    alert=self.alert,
                    expr=" and ".join(burn),
                    for_=level.for_,
                    labels={
                        **labels(scope, rail, level),
                        "slo": o.slo,
                        "burn_window": f"{long}/{short}",
                    },
                    annotations={
                        "summary": AlertText.of(
                            f"SLO {o.slo} of ",
                            who,
                            " burns its error budget "
                            f"{number(factor)}x too fast in experiment {scope.experiment}",
                        ),
                        "description": AlertText.of(
                            f"Objective {o.slo}: {objective} of requests {good} over "
                            f"{o.period}. Over the last {long} (and the last {short}) ",
                            who,
                            " burned its error budget ",
                            Value("humanize"),
                            " times as fast as the objective allows (alert from "
                            f"{number(factor)}x): at {number(factor)}x the {o.period} "
                            f"budget is spent in {spent}.",
                        ),
                        **links(ctx, rail),
                    },
                    intent=AlertIntent(rail, slower, "above", factor, rail.variants),
                )
            )
        return found

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        o = SloOptions.of(rail)
        v = f"{{{{{scope.variant_label}}}}}" if scope.in_metrics else literal(scope.variants[0])
        budget = number(o.budget)
        title = f"{o.slo} ({number(round(o.objective * 100, 10))}% over {o.period})"
        burn = [
            (
                f"{scope.recorded(self.ratio_name(rail, metrics, long), rail.variants)} / {budget}",
                f"{v} {long}",
            )
            for long, *_ in BURN_WINDOWS
        ]
        remaining = selector(
            self.budget_name(rail),
            [
                ("experiment", "=", scope.experiment),
                ("slo", "=", o.slo),
                *(
                    [one_of(scope.variant_label, rail.variants)]
                    if rail.variants and scope.in_metrics
                    else []
                ),
            ],
        )
        return [
            Panel(
                "stat",
                f"Error budget remaining: {title}",
                [(remaining, v)],
                "percentunit",
                "The share of the period's error budget not yet spent: one minus the bad "
                f"requests among all over {o.period} (weighted by traffic), divided by "
                "the budget.",
                thresholds=[
                    {"color": "red", "value": None},
                    {"color": "orange", "value": 0},
                    {"color": "green", "value": 0.25},
                ],
                width=8,
            ),
            Panel(
                "timeseries",
                f"Burn rate: {title}",
                burn,
                "none",
                "The error ratio over each long window as a multiple of the budget; "
                f"{self.alert} fires while the short window burns as fast too ("
                + ", ".join(f"{lw}/{sw}" for lw, sw, *_ in BURN_WINDOWS)
                + f"). {alert_note(rail)}",
                thresholds=threshold_steps(rail),
                width=16,
            ),
        ]
