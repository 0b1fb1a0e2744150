"""Low traffic: a variant's request rate stays under a minimum, so its other guardrails
judge too few requests to mean anything (or the variant is being starved)."""

from __future__ import annotations

from typing import Any

from monogen.compile.fixtures import STEP, Fixture, FixtureContext
from monogen.compile.matchers import Matcher
from monogen.compile.scope import RuleContext
from monogen.kinds.base import Guardrail, RailContext
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.quantities import parse_duration


class LowTraffic(ThresholdKind):
    key = "lowTraffic"
    metric = "requests"
    panel = "request_rate"
    alert = "ExperimentLowTraffic"
    category = "traffic"
    direction = "below"
    unit = "number"
    noun = "request rate"
    defaults = (("warning", 0.1, "10m"),)
    rate_based = True

    def resolve(self, spec: Any, ctx: RailContext) -> Guardrail | None:
        rail = super().resolve(spec, ctx)
        if rail is None:
            return None
        window = parse_duration(ctx.rate_window)
        for level in rail.levels:
            path = (*ctx.path, level.severity)
            if level.threshold <= 0:
                ctx.err((*path, "below"), "no request rate is below 0: this could never fire", "")
            elif parse_duration(level.for_) < window:
                ctx.err(
                    (*path, "for"),
                    f"`for` must be at least the rate window ({ctx.rate_window}): a rate over "
                    "a window that is still filling (after a restart) reads low",
                    f"write `for: {ctx.rate_window}` or more",
                )
        return rail

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        """Requests the selector leaves out would lift a low rate back above the minimum."""
        return "fires"

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        return ctx.scope.recorded(ctx.records.request_rate or "", rail.variants)

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        if value < 0:
            return None
        per_step = value * STEP  # requests a step; `value` a second
        return Fixture(
            ctx.requests(variant, per_step, 0),
            {variant: value},
            {variant: ctx.out_labels(variant)},
        )
