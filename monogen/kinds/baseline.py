"""Degradation against a fixed baseline: a quality gauge's drop below a value the team
knows (the stored model's accuracy, 0.92), relative to it (5% and 10% by default) or in
the gauge's own points, per variant."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field
from pydantic.alias_generators import to_camel

from monogen.compile.fixtures import Fixture, FixtureContext
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql import Matcher, aggregate, number, selector
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds import quality
from monogen.kinds.base import Guardrail, Options, RailContext
from monogen.kinds.levels import Level, ThresholdValue, resolve_levels, to_threshold
from monogen.kinds.threshold import ThresholdKind
from monogen.spec.base import Duration, HttpUrl, SpecModel
from monogen.spec.errors import unknown_names
from monogen.spec.loader import PathKey
from monogen.spec.metrics import QUALITY_METRICS, Metrics, field_of
from monogen.spec.quantities import format_number

METRICS = tuple(to_camel(name) for name in QUALITY_METRICS)
DEFAULTS = (("warning", "5%", "10m"), ("critical", "10%", "5m"))


class Drop(SpecModel):
    """How far below the baseline one severity fires, and for how long."""

    drop: ThresholdValue = Field(
        description="The drop that fires: a share of the baseline (5%), or with "
        "`relative: false` points of the gauge's scale."
    )
    for_: Duration | None = Field(None, alias="for")


class BaselineGuardrail(SpecModel):
    metric: Literal[METRICS] = Field(  # type: ignore[valid-type]
        description="The quality gauge judged (declared under `metrics`)."
    )
    baseline: ThresholdValue = Field(
        description="The fixed value it is judged against, in the gauge's scale (0.92, or "
        "92 on a percent gauge; 92% either way)."
    )
    relative: bool = Field(
        True, description="Drops as a share of the baseline (true), or in the gauge's points."
    )
    warning: Drop | None = None
    critical: Drop | None = None
    info: Drop | None = None
    variants: list[str] | None = Field(None, description="Only these variants (default: all).")
    runbook_url: HttpUrl | None = None


class _Levels:
    """A baseline guardrail's drops as the threshold levels `resolve_levels` reads."""

    def __init__(self, item: BaselineGuardrail) -> None:
        for sev in ("warning", "critical", "info"):
            drop = getattr(item, sev)
            level = None if drop is None else Level(above=drop.drop, **{"for": drop.for_})
            setattr(self, sev, level)


@dataclass(frozen=True, kw_only=True)
class BaselineOptions(Options):
    """A baseline guardrail: its own alert name, unit and noun, and what it judges."""

    field: str  # the Metrics field of the quality gauge
    baseline: float  # in the gauge's scale
    relative: bool  # the drop as a share of the baseline, else in points


class BaselineDegradation(ThresholdKind):
    key = "baselines"
    options_type = BaselineOptions
    model = list[BaselineGuardrail]
    alert = "ModelBelowBaseline"
    category = "model_performance"
    direction = "above"
    unit = "ratio"
    noun = "drop from the baseline"
    metric = ""
    row = "quality"

    def resolve(self, spec: Any, ctx: RailContext) -> list[Guardrail] | None:
        rails, seen = [], set()
        for i, item in enumerate(spec):
            path = (*ctx.path, i)
            name = field_of(item.metric)
            metric = getattr(ctx.metrics, name)
            if metric is None:
                ctx.err((*path, "metric"), f"`metrics.{item.metric}` is not declared",
                        f"declare the {item.metric} gauge, or judge a declared one")  # fmt: skip
                continue
            if item.metric in seen:
                ctx.err((*path, "metric"), f"{item.metric} has a baseline already",
                        "one baseline per metric, with its levels")  # fmt: skip
                continue
            seen.add(item.metric)
            try:
                baseline = to_threshold("scaled", item.baseline, metric.scale)
            except ValueError as exc:
                ctx.err((*path, "baseline"), str(exc), _scale_hint(item.baseline, metric.scale))
                continue
            if baseline <= 0:
                ctx.err((*path, "baseline"), "a baseline of 0 leaves no drop to judge", "")
                continue
            if abs(float(number(baseline)) - baseline) > 1e-9 * baseline:  # 12 decimals
                ctx.err((*path, "baseline"), _rounded(baseline),
                        "rules keep 12 decimal places: judge the gauge in a larger unit, "
                        "or round the baseline to a billionth of itself")  # fmt: skip
                continue
            for j, message, hint in unknown_names(item.variants, ctx.variant_names, "variant"):
                ctx.err((*path, "variants", j), message, hint)
            unit = "ratio" if item.relative else "scaled"
            noun = quality.NOUNS.get(item.metric, item.metric)
            words = f"{noun} drop from its baseline of {number(baseline)}"

            def err(at: PathKey, message: str, hint: str) -> None:
                ctx.err(tuple("drop" if k == "above" else k for k in at), message, hint)

            levels = resolve_levels(
                _Levels(item), key=self.key, noun="drop", direction="above", unit=unit,  # type: ignore[arg-type]
                scale=metric.scale, defaults=DEFAULTS if item.relative else (), base=path,
                err=err,
            )  # fmt: skip
            for level in levels:
                if level.threshold <= 0 or (not item.relative and level.threshold >= baseline):
                    err((*path, level.severity, "drop"),
                        f"a drop of {number(level.threshold)} from a baseline of "
                        f"{number(baseline)} could never be judged", "")  # fmt: skip
            alert = f"Model{item.metric[0].upper()}{item.metric[1:]}BelowBaseline"
            options = BaselineOptions(alert=alert, unit=unit, noun=words, field=name,
                                      baseline=baseline, relative=item.relative)  # fmt: skip
            rails.append(
                Guardrail(
                    self,
                    levels,
                    tuple(item.variants or ()),
                    item.runbook_url,
                    metric.scale,
                    options=options,
                )
            )
        return rails

    # -- rules ------------------------------------------------------------------------

    def expression(self, rail: Guardrail, scope: Scope, metrics: Metrics,
                   variants: list[Matcher]) -> str:  # fmt: skip
        """The drop: the baseline less the gauge's worst value per variant (over the
        baseline, relative)."""
        metric = getattr(metrics, BaselineOptions.of(rail).field)
        gauge = aggregate(
            "min", scope.grouping(), selector(metric.name, scope.base(metric) + variants)
        )
        b = number(BaselineOptions.of(rail).baseline)
        return f"({b} - {gauge}) / {b}" if BaselineOptions.of(rail).relative else f"{b} - {gauge}"

    def series(self, rail: Guardrail, ctx: RuleContext) -> str:
        variants = ctx.scope.variant_matchers(rail.variants)
        return self.expression(rail, ctx.scope, ctx.metrics, variants)

    # -- proof ------------------------------------------------------------------------

    def fixture(
        self, rail: Guardrail, ctx: FixtureContext, variant: str, value: float
    ) -> Fixture | None:
        """The gauge at the baseline less `value` of it: the drop Prometheus computes
        from it is worked out with the same float operations."""
        b = BaselineOptions.of(rail).baseline
        top = 100.0 if rail.scale == "percent" else 1.0
        gauge = b - value * b if BaselineOptions.of(rail).relative else b - value
        gauge = float(format_number(gauge))  # the value the input series holds
        if not 0 <= gauge <= top:
            return None
        found = ctx.gauge(getattr(ctx.metrics, BaselineOptions.of(rail).field), variant, gauge)
        seen = (b - gauge) / b if BaselineOptions.of(rail).relative else b - gauge
        found.values = {variant: seen}
        return found

    def decoy(self, rail: Guardrail, matcher: Matcher) -> str | None:
        return "inside"  # a lower gauge the selector leaves out: the worst value were it kept

    # -- dashboards -------------------------------------------------------------------

    def panels(self, rail: Guardrail, scope: Scope, metrics: Metrics) -> list[Panel]:
        picked = [(scope.variant_label, "=~", VARIANT_VAR)] if scope.in_metrics else []
        legend = f"{{{{{scope.variant_label}}}}}" if scope.in_metrics else scope.variants[0]
        noun = BaselineOptions.of(rail).noun
        return [
            Panel(
                "timeseries",
                noun[0].upper() + noun[1:],
                [(self.expression(rail, scope, metrics, picked), legend)],
                "percentunit" if BaselineOptions.of(rail).relative else "short",
                f"Judged by {rail.alert}. " + alert_note(rail),
                thresholds=threshold_steps(rail),
                width=12,
            )
        ]


def _rounded(baseline: float) -> str:
    written = number(baseline)
    lost = ": the drop would divide by 0" if float(written) == 0 else ""
    return f"a baseline of {baseline!r} reads as {written} in the rules{lost}"


def _scale_hint(written: float | str, scale: str) -> str:
    """What a baseline written in the other scale means in this one."""
    if scale == "ratio" and isinstance(written, int | float) and 1 < written <= 100:
        return f"the gauge reads 0-1: write {number(written / 100)} (or {number(written)}%)"
    return ""
