"""Sample-ratio mismatch: is the traffic split itself broken? A chi-square goodness-of-fit
test of each variant's request count over a window against the declared split. A
mismatch invalidates every other result of the experiment, so it is tested at a strict
level (p < 0.001 by default) and only once the window holds enough requests.

The critical value for k - 1 degrees of freedom is computed at build time and written into
the rule, so any Prometheus-compatible ruler evaluates the test."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field

from monogen.compile import naming
from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    burst_values,
    increase,
    phase_of,
    phased,
    phased_points,
    series,
    window_samples,
)
from monogen.compile.gotemplate import humanize
from monogen.compile.grafana import Panel
from monogen.compile.promql import Matcher, aggregate, number, selector
from monogen.compile.readings import CLOSED, READINGS, Reading, extrapolated, summed
from monogen.compile.scope import Records, RuleContext, Scope
from monogen.kinds import identity
from monogen.kinds.annotate import labels, links
from monogen.kinds.base import (
    AlertLevel,
    Guardrail,
    Healthy,
    Kind,
    Options,
    RailContext,
    Severity,
)
from monogen.kinds.stats import chi2_critical
from monogen.model.rules import AlertingRule, AlertIntent, RecordingRule
from monogen.model.text import AlertText, Value
from monogen.spec.alert_text import AlertIdentity
from monogen.spec.base import Duration, HttpUrl
from monogen.spec.metrics import Metrics
from monogen.spec.quantities import parse_duration

PER_STEP = 100_000  # requests a step in the synthetic proof: fine-grained deviations
MAX_WINDOW = 86_400  # a day: longer windows answer late, and cost proofs a day of samples


@dataclass(frozen=True, kw_only=True)
class SampleRatioOptions(Options):
    window: str  # of the counts tested
    p: float  # the test's p-value
    min: int  # requests in the window before it judges
    shares: tuple[tuple[str, float], ...]  # (variant, declared share), as the rule writes it


class SampleRatioMismatchGuardrail(AlertIdentity):
    window: Duration = Field("1h", description="Requests counted over this window.")
    p_value: Annotated[float, Field(gt=0, lt=0.5)] = Field(
        0.001, description="Fire when the split is this unlikely under the declared one."
    )
    min_requests: Annotated[int, Field(ge=1, le=10**12)] = Field(
        1000, description="Test only once the window holds this many requests in total."
    )
    severity: Severity = "warning"
    for_: Duration = Field("5m", alias="for")
    runbook_url: HttpUrl | None = None


class SampleRatioMismatch(Kind):
    key = "sampleRatioMismatch"
    options_type = SampleRatioOptions
    model = SampleRatioMismatchGuardrail
    alert = "ExperimentSampleRatioMismatch"
    category = "traffic"
    direction = "above"
    noun = "sample-ratio mismatch"
    per_variant = False

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        if ctx.metrics.requests is None:
            ctx.err(ctx.path, "guardrail 'sampleRatioMismatch' needs `metrics.requests`", "")
            return None
        if len(ctx.variants) < 2 or not ctx.split_declared:
            ctx.err(
                ctx.path,
                "guardrail 'sampleRatioMismatch' needs two or more variants, each with its "
                "declared `traffic`",
                "",
            )
            return None
        if not 120 <= parse_duration(spec.window) <= MAX_WINDOW:
            ctx.err((*ctx.path, "window"), "the window must be from 2m to 1d", "")
            return None
        critical = chi2_critical(spec.p_value, len(ctx.variants) - 1)
        level = AlertLevel(spec.severity, critical, spec.for_)
        options = SampleRatioOptions(
            window=spec.window,
            p=spec.p_value,
            min=spec.min_requests,
            # as the rule writes them: the proof computes with the same floats
            shares=tuple((v.name, float(number((v.traffic or 0) / 100))) for v in ctx.variants),
        )
        text = identity.resolve(self, spec, ctx, ctx.path)
        return Guardrail(
            self, (level,), runbook_url=spec.runbook_url, options=options, text=text, at=ctx.path
        )

    # -- rules ------------------------------------------------------------------------

    def _names(self, rail: Guardrail, metrics: Metrics) -> tuple[str, str, str]:
        assert metrics.requests is not None
        base = naming.counter_base(metrics.requests.name)
        op = f"increase{SampleRatioOptions.of(rail).window}"
        return (
            naming.record("experiment_variant", base, op),
            naming.record("experiment", base, op),
            naming.record("experiment", base, f"srm_chisq_{op}"),
        )

    def records(self, rail: Guardrail, records: Records, metrics: Metrics) -> None:
        assert metrics.requests is not None
        s = records.scope
        window = SampleRatioOptions.of(rail).window
        per_variant, total, chisq = self._names(rail, metrics)
        raw = s.matchers(metrics.requests)
        inner = f"increase({selector(metrics.requests.name, raw)}[{window}])"
        records.add(per_variant, aggregate("sum", s.grouping(), inner), ("srm", "increase"))
        records.add(total, f"sum({s.recorded(per_variant)})", ("srm", "total"))
        n = f"sum({s.recorded(total)})"
        terms = []
        for variant, share in SampleRatioOptions.of(rail).shares:
            observed = f"(sum({s.recorded(per_variant, (variant,))}) or vector(0))"
            expected = f"{number(share)} * {n}"
            terms.append(f"({observed} - {expected}) ^ 2 / ({expected})")
        records.add(chisq, " + ".join(terms), ("srm", "chisq"))

    def alerts(self, rail: Guardrail, ctx: RuleContext) -> list[AlertingRule]:
        level, o = rail.levels[0], SampleRatioOptions.of(rail)
        scope = ctx.scope
        _, total, chisq = self._names(rail, ctx.metrics)
        statistic = scope.recorded(chisq)
        expr = (
            f"{statistic} > {number(level.threshold)} and on(experiment) "
            f"{scope.recorded(total)} >= {o.min}"
        )
        # what is judged: the statistic once the window holds enough requests, else 0
        judged = f"({statistic} and on(experiment) {scope.recorded(total)} >= {o.min}) or vector(0)"
        dof = len(ctx.variants) - 1
        split = ", ".join(f"{v.name} {number(v.traffic or 0)}%" for v in ctx.variants)
        summary = AlertText.of(
            f"Traffic split of experiment {scope.experiment} does not match its design"
        )
        description = AlertText.of(
            f"Over the last {o.window} the request counts of the variants "
            f"differ from the declared split ({split}): chi-square ",
            Value("humanize"),
            f" is above {number(level.threshold)}, the critical value at p < "
            f"{number(o.p)} with {dof} degree{'s' if dof > 1 else ''} of "
            "freedom. The experiment's results cannot be trusted until assignment is fixed.",
        )
        return [
            AlertingRule(
                alert=self.alert,
                expr=expr,
                for_=level.for_,
                labels=labels(scope, rail, level),
                annotations={"summary": summary, "description": description, **links(ctx, rail)},
                intent=AlertIntent(rail, judged, "above", level.threshold, (), False),
            )
        ]

    # -- proof ------------------------------------------------------------------------

    def warmup(self, rail: Guardrail) -> float:
        """The first burst (see `fixture`) is in the window from its first full step on."""
        window = parse_duration(SampleRatioOptions.of(rail).window)
        return window_samples(window, phase_of(window)) * STEP

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        return threshold * 1.02, threshold * 0.98

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """None: the alert reads recorded counts only, whose rules the recording group
        checks with decoys beside the healthy traffic."""
        return None

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """Request counters in the declared split, the first variant getting `extra`
        requests at once every window: every full window then holds exactly one burst,
        so the statistic is `value` (to within a request) from the first full window on,
        and about zero before. The samples lie between evaluations (see `phase_of`), so
        every release's reading of the window holds the same ones."""
        window = parse_duration(SampleRatioOptions.of(rail).window)
        phase = phase_of(window)
        in_window = window_samples(window, phase)
        period = in_window - 1  # the steps a full window spans: one burst each
        shares = SampleRatioOptions.of(rail).shares
        per_step = max(
            PER_STEP, math.ceil(2 * SampleRatioOptions.of(rail).min / period)
        )  # past the minimum
        base = {name: round(share * per_step) for name, share in shares}
        first = shares[0][0]

        @functools.cache  # the checks ask again and again for the same
        def values(name: str, extra: int) -> list[float]:
            burst = extra if name == first else 0
            # counters that ran a window before the test: no zero point to extrapolate to
            return burst_values(base[name], burst, period, ctx.samples, base[name] * in_window)

        @functools.cache
        def points(name: str, extra: int) -> list[tuple[float, float]]:
            return phased_points(values(name, extra), phase)

        def statistic(extra: int, at: float, reading: Reading) -> float | None:
            counts = {}
            for name in base:
                found = points(name, extra)
                counts[name] = extrapolated(found, at, window, rate=False, reading=reading)
            return chi_square_of(counts, shares, reading)

        onset = self.warmup(rail)
        low, high = 0, per_step * period
        while high - low > 1:  # the smallest burst reaching `value`
            mid = (low + high) // 2
            low, high = (mid, high) if (statistic(mid, onset, CLOSED) or 0) < value else (low, mid)
        extra = high
        # every reading, every step from the onset to the last check: the same statistic;
        # the step before, the largest window without a burst: inside the threshold
        last = (ctx.samples - 1) * STEP
        seen = {statistic(extra, t, r) for t in range(int(onset), last, STEP) for r in READINGS}
        before = [statistic(extra, onset - STEP, r) or 0 for r in READINGS]
        # releases add the terms of many variants in their own order (3.x compensates):
        # the sums may differ in the last bits, but never in what the alert shows
        if None in seen or len({humanize(v) for v in seen if v is not None}) != 1:
            return None
        if max(before) >= rail.levels[0].threshold:
            return None
        requests = ctx.metrics.requests
        assert requests is not None
        found = [
            series(
                requests.name, ctx.base_labels(requests, name), phased(values(name, extra), phase)
            )
            for name in base
        ]
        return Fixture(
            found, {variant: min(v for v in seen if v is not None)}, {variant: {}},
            interval=math.gcd(phase, STEP),
        )  # fmt: skip

    def expected_record(
        self, rail: Guardrail, rule: RecordingRule, ctx: FixtureContext, healthy: Healthy
    ) -> list[tuple[dict[str, str], float]] | None:
        if rule.meaning[:1] != ("srm",) or rule.record not in self._names(rail, ctx.metrics):
            return None
        window = parse_duration(SampleRatioOptions.of(rail).window)
        requests = ctx.metrics.requests
        assert requests is not None

        def counted(v: str) -> float:
            """The variant's requests over the window at the check, as the rule sums its
            series: with an error selector, the failed and the other requests apart."""
            total = healthy.requests[v]
            if not requests.error_selector:
                return increase(total, window, healthy.at, ctx.reading)
            parts = (total - healthy.errors[v], healthy.errors[v])
            return summed([increase(p, window, healthy.at, ctx.reading) for p in parts],
                          ctx.reading)  # fmt: skip

        counts = {v: counted(v) for v in ctx.names}
        if rule.meaning[1] == "increase":
            return [({**rule.labels, **ctx.out_labels(v)}, counts[v]) for v in ctx.names]
        if rule.meaning[1] == "total":
            return [(rule.labels, summed([counts[n] for n in sorted(counts)], ctx.reading))]
        statistic = chi_square_of(counts, SampleRatioOptions.of(rail).shares, ctx.reading)
        return [(rule.labels, statistic)] if statistic is not None else None

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        _, total, chisq = self._names(rail, metrics)
        critical, o = rail.levels[0].threshold, SampleRatioOptions.of(rail)
        window = o.window
        return [
            Panel(
                "timeseries",
                f"Sample-ratio mismatch (chi-square over {window})",
                [(scope.recorded(chisq), "chi-square")],
                "none",
                f"Chi-square of the variants' request counts over {window} against the "
                f"declared split; the alert {self.alert} fires above {number(critical)} "
                f"(p < {number(o.p)}) once {o.min} requests are in "
                "the window.",
                thresholds=[
                    {"color": "green", "value": None},
                    {"color": "red", "value": critical},
                ],
                width=12,
            ),
            Panel(
                "stat",
                f"Requests in the last {window}",
                [(scope.recorded(total), "requests")],
                "short",
                f"The test runs from {o.min} requests on.",
                width=12,
            ),
        ]


def chi_square_of(
    counts: dict[str, float | None], shares: tuple, reading: Reading = CLOSED
) -> float | None:
    """The statistic the rules compute from each variant's increase over the window."""
    if any(c is None for c in counts.values()):
        return None
    n = summed([counts[name] or 0.0 for name in sorted(counts)], reading)
    statistic = 0.0
    for i, (name, share) in enumerate(shares):
        term = ((counts[name] or 0.0) - share * n) ** 2 / (share * n)
        statistic = term if i == 0 else statistic + term
    return statistic
