"""Synthetic series that prove the SLO burn-rate alerts, and the values their recording
rules hold on healthy traffic, computed in Python with Prometheus' float operations.

Counters start at zero when the test starts and fail at a constant share, so every window,
filled or not, sees the same error ratio from the first minute on: an alert can be proven
in minutes although its long window is days."""

from __future__ import annotations

import math
from dataclasses import dataclass

from monogen.compile.fixtures import STEP, Fixture, FixtureContext, rate
from monogen.compile.readings import sum_over_time
from monogen.kinds.base import Guardrail, Healthy, Kind, Options
from monogen.model.rules import RecordingRule
from monogen.spec.quantities import parse_duration

PROBE = 0.02  # how far past (and inside) the burn factor the proofs go
MIN_FAILED = 5_000  # failed requests a step at the smallest probe: fine-grained ratios
BUDGET_WINDOW = "5m"  # the rates whose sums over the period give the budget spent


@dataclass(frozen=True, kw_only=True)
class SloOptions(Options):
    """One SLO (kinds/slo.py); its `category` and `noun` set per objective."""

    slo: str  # its name
    objective: float  # the share of good requests
    budget: float  # 1 - objective, as the rules write it
    period: str
    bound: float | None  # seconds a good request is answered within; None: not failed


class SloProof(Kind):
    """The proof side of kinds/slo.py: see ServiceLevelObjectives there."""

    def ratio_name(self, rail: Guardrail, metrics: object, window: str) -> str:
        raise NotImplementedError

    def budget_name(self, rail: Guardrail) -> str:
        raise NotImplementedError

    def probes(
        self, rail: Guardrail, threshold: float, ctx: FixtureContext
    ) -> tuple[float | None, float | None]:
        return threshold * (1 + PROBE), threshold * (1 - PROBE)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """`variant` fails `value` times the budget's share of its requests."""
        budget = SloOptions.of(rail).budget
        if not 0 < value * budget < 1:
            return None
        smallest = budget * (1 - PROBE)
        total = 10 ** max(5, math.ceil(math.log10(MIN_FAILED / smallest)))
        bad = round(value * budget * total)
        window = parse_duration("1h")  # the value shown is the long window's
        bound = SloOptions.of(rail).bound
        if bound is None:
            found = ctx.requests(variant, total, bad)
            ratio = _error_ratio(ctx, total, bad, window, None)
        else:
            found = ctx.histogram(variant, [(bound, total - bad), (bound * 2, total)])
            everything = rate(total, window, reading=ctx.reading)
            ratio = (everything - rate(total - bad, window, reading=ctx.reading)) / everything
        return Fixture(found, {variant: ratio / budget}, {variant: ctx.out_labels(variant)})

    def rate_names(self, rail: Guardrail, metrics: object) -> tuple[str, str]:
        raise NotImplementedError

    def expected_record(
        self, rail: Guardrail, rule: RecordingRule, ctx: FixtureContext, healthy: Healthy
    ) -> list[tuple[dict[str, str], float]] | None:
        if rule.meaning[:1] != ("slo",):
            return None
        variants = ctx.names  # records hold every variant; only the alerts pick some
        kind = rule.meaning[1]
        if kind in ("ratio", "bad", "total"):
            window = rule.meaning[2]
            own = (
                self.ratio_name(rail, ctx.metrics, window)
                if kind == "ratio"
                else self.rate_names(rail, ctx.metrics)[kind == "total"]
            )
            if rule.record != own:
                return None
            found = []
            for v in variants:
                parts = self._healthy_parts(rail, ctx, healthy, v, window, healthy.at)
                if parts is None:
                    return None
                bad, total = parts
                value = {"ratio": bad / total, "bad": bad, "total": total}[kind]
                found.append(({**rule.labels, **ctx.out_labels(v)}, value))
            return found
        if rule.labels.get("slo") != SloOptions.of(rail).slo or rule.record != self.budget_name(
            rail
        ):
            return None
        found = []
        for v in variants:
            # the period's bad requests among all: sums of the recorded rates, one a step
            parts = [
                self._healthy_parts(rail, ctx, healthy, v, BUDGET_WINDOW, t)
                for t in range(STEP, int(healthy.at) + 1, STEP)
            ]
            if any(p is None for p in parts):
                return None
            bad = sum_over_time([p[0] for p in parts if p is not None], ctx.reading)
            total = sum_over_time([p[1] for p in parts if p is not None], ctx.reading)
            found.append(
                ({**rule.labels, **ctx.out_labels(v)}, 1 - bad / total / SloOptions.of(rail).budget)
            )
        return found

    def _healthy_parts(
        self, rail: Guardrail, ctx: FixtureContext, healthy: Healthy, variant: str,
        window: str, at: float,
    ) -> tuple[float, float] | None:  # fmt: skip
        """(rate of bad requests, rate of all) of the healthy series over `window`."""
        w = parse_duration(window)
        bound = SloOptions.of(rail).bound
        if bound is None:
            return _error_parts(ctx, healthy.requests[variant], healthy.errors[variant], w, at)
        counts = dict(healthy.buckets)
        if bound not in counts or not healthy.buckets:
            return None  # the healthy histogram has no such bucket
        everything = rate(healthy.buckets[-1][1], w, at, ctx.reading)
        return everything - rate(counts[bound], w, at, ctx.reading), everything


def _error_parts(
    ctx: FixtureContext, total: float, bad: float, window: float, at: float | None
) -> tuple[float, float]:
    """(failed, all) request rates, as the rules compute them from `ctx.requests`."""
    requests = ctx.metrics.requests
    assert requests is not None
    r = ctx.reading
    errors = rate(bad, window, at, r) if bad else 0.0
    if requests.error_selector:
        return errors, rate(total - bad, window, at, r) + errors
    return errors, rate(total, window, at, r)


def _error_ratio(
    ctx: FixtureContext, total: float, bad: float, window: float, at: float | None
) -> float:
    """Failed among all requests, as the ratio rule computes it from `ctx.requests`."""
    errors, everything = _error_parts(ctx, total, bad, window, at)
    return errors / everything
