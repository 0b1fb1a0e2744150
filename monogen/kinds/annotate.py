"""Labels and annotations every generated alert carries, in one place for all kinds."""

from __future__ import annotations

from monogen.compile import naming
from monogen.compile.promql import number
from monogen.compile.scope import RuleContext, Scope
from monogen.kinds.base import AlertLevel, Guardrail
from monogen.model.text import AlertText, Value
from monogen.spec.quantities import format_duration


def labels(scope: Scope, rail: Guardrail, level: AlertLevel) -> dict[str, str]:
    """Rule labels as values: the rule file's renderer escapes them for Go templates."""
    out = {
        "severity": level.severity,
        "category": rail.category,
        "experiment": scope.experiment,
        "team": scope.team,
        "namespace": scope.namespace,
    }
    if not scope.in_metrics:
        out[scope.variant_label] = scope.variants[0]
    return out


def links(ctx: RuleContext, rail: Guardrail) -> dict[str, AlertText]:
    """The runbook and dashboard annotations (spec text, so written as literal text)."""
    base = ctx.runbook_base.rstrip("/")
    runbook = rail.runbook_url or f"{base}/{naming.runbook_anchor(rail.alert)}"
    dashboard = naming.dashboard_url(ctx.grafana_url, ctx.scope.experiment)
    return {"runbook_url": AlertText.of(runbook), "dashboard_url": AlertText.of(dashboard)}


def value_pipe(unit: str, scale: str) -> str:
    """The template function that shows a value of this unit."""
    if unit == "seconds":
        return "humanizeDuration"
    if unit == "ratio" or (unit == "scaled" and scale == "ratio"):
        return "humanizePercentage"
    if unit in ("percent", "scaled"):
        return 'printf "%.1f"'
    return "humanize"


def humanized_value(unit: str, scale: str) -> AlertText:
    """The alert's value as a reader sees it: in its unit, a percentage signed as one."""
    pipe = value_pipe(unit, scale)
    return AlertText.of(Value(pipe), "%" if pipe.startswith("printf") else "")


def threshold_text(unit: str, threshold: float, scale: str) -> str:
    if unit == "seconds":
        return format_duration(threshold)
    if unit == "ratio" or (unit == "scaled" and scale == "ratio"):
        return f"{number(round(threshold * 100, 10))}%"
    if unit in ("percent", "scaled"):
        return f"{number(threshold)}%"
    return number(threshold)


def threshold_annotations(
    ctx: RuleContext, rail: Guardrail, level: AlertLevel, *, noun: str, who: AlertText, unit: str
) -> dict[str, AlertText]:
    """Summary and description of a threshold alert, then its links."""
    direction = rail.direction
    value = humanized_value(unit, rail.scale)
    limit = threshold_text(unit, level.threshold, rail.scale)
    noun = noun[0].upper() + noun[1:]
    experiment = ctx.scope.experiment
    return {
        "summary": AlertText.of(
            f"{noun} of ", who, f" is {direction} {limit} in experiment {experiment}"
        ),
        "description": AlertText.of(
            f"{noun} of ",
            who,
            f" in experiment {experiment} is ",
            value,
            f", {direction} the {level.severity} threshold of {limit} for more than {level.for_}.",
        ),
        **links(ctx, rail),
    }
