"""A team's own panels: their PromQL scoped to the experiment, in rows of their own, with
the thresholds of the guardrail they name."""

from __future__ import annotations

from monogen.compile.grafana import Panel
from monogen.compile.matchers import Matcher
from monogen.compile.panel_thresholds import alert_note, threshold_steps
from monogen.compile.promql_scope import panel_matchers, scoped
from monogen.kinds.base import Guardrail, written_once
from monogen.spec.dashboards import TeamPanel
from monogen.spec.validate import ExperimentDoc

# Panels whose queries read one value per series (instant), as a table of labels.
_INSTANT = {"stat", "gauge", "barGauge", "table", "pieChart", "xy"}


def team_rows(exp: ExperimentDoc, panels: list[TeamPanel]) -> list[tuple[str, list[Panel]]]:
    """The panels in rows of their titles, in the order each row first appears."""
    rails = written_once(exp.guardrails)
    fixed, optional = panel_matchers(exp.spec.spec)
    rows: dict[str, list[Panel]] = {}
    for spec in panels:
        rows.setdefault(spec.row, []).append(_panel(spec, fixed, optional, rails))
    return list(rows.items())


def _panel(
    spec: TeamPanel,
    fixed: tuple[Matcher, ...],
    optional: tuple[Matcher, ...],
    rails: dict[str, Guardrail],
) -> Panel:
    targets = [
        (scoped(q.expr, fixed, optional) if spec.scope else q.expr, q.legend) for q in spec.queries
    ]
    instant = spec.type in _INSTANT
    panel = Panel(
        spec.panel_type(),
        spec.title,
        targets,
        spec.unit,
        spec.description or "",
        width=spec.width,
        height=spec.height,
        instant=instant,
        legend_format="table" if spec.type in ("table", "xy") else "time_series",
        transformations=[{"id": "merge", "options": {}}] if spec.type == "xy" else [],
    )
    if spec.thresholds is not None:
        panel.thresholds = [{"color": t.color, "value": t.value} for t in spec.thresholds]
    rail = rails.get(spec.thresholds_from or "")
    if rail is not None:
        panel.thresholds = threshold_steps(rail)
        panel.description = (panel.description + " " + alert_note(rail)).strip()
    return panel
