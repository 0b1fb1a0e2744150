"""Panels and dashboards as Grafana JSON, through grafanalib: the only module that imports
it, and only when a dashboard is built (it is slow to import).

grafanalib's defaults are dated (string datasources, schemaVersion 12); everything here is
set explicitly and the result cleaned of nulls, so the JSON is what current Grafana reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 39  # Grafana 10.4 / 11
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


# The dashboards' variant variable as a regex, for `label=~` matchers.
VARIANT_VAR = "${variant:regex}"


@dataclass
class Panel:
    """What a panel shows, before grafanalib turns it into JSON."""

    kind: str  # timeseries | stat | piechart | heatmap | table | gauge | bargauge | xychart
    title: str
    targets: list[tuple[str, str]]  # (expr, legend)
    unit: str
    description: str = ""
    thresholds: list[dict[str, Any]] | None = None
    overrides: list[dict[str, Any]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    width: int = 12
    height: int = 8
    instant: bool = False
    legend_format: str = "time_series"
    transformations: list[dict[str, Any]] = field(default_factory=list)


def datasource_variable() -> dict[str, Any]:
    return {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
        "current": {},
        "hide": 0,
        "refresh": 1,
        "regex": "",
        "options": [],
    }


def variant_variable(label: str, variants: list[str]) -> dict[str, Any]:
    escaped = [v.replace("\\", "\\\\").replace(",", "\\,") for v in variants]
    return {
        "name": "variant",
        "label": f"Variant ({label})",
        "type": "custom",
        "query": ",".join(escaped),
        "multi": True,
        "includeAll": True,
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "hide": 0,
        "options": [],
    }


def render(
    *,
    uid: str,
    title: str,
    description: str,
    tags: list[str],
    refresh: str,
    time_from: str,
    variables: list[dict[str, Any]],
    links: list[dict[str, Any]],
    rows: list[tuple[str, list[Panel]]],
) -> dict[str, Any]:
    import grafanalib.core as g  # heavy: imported only when dashboards are built

    objects: list[Any] = []
    next_id = 1
    y = 0
    for row_title, panels in rows:
        objects.append(
            g.RowPanel(
                title=row_title, id=next_id, collapsed=False, gridPos=g.GridPos(h=1, w=24, x=0, y=y)
            )
        )
        next_id += 1
        y += 1
        x = 0
        row_height = 0
        for panel in panels:
            if x + panel.width > 24:
                x, y, row_height = 0, y + row_height, 0
            objects.append(
                _panel(g, panel, next_id, g.GridPos(h=panel.height, w=panel.width, x=x, y=y))
            )
            next_id += 1
            x += panel.width
            row_height = max(row_height, panel.height)
        y += row_height
    dashboard = g.Dashboard(
        title=title,
        uid=uid,
        description=description,
        tags=tags,
        refresh=refresh,
        time=g.Time(time_from, "now"),
        timezone="browser",
        panels=objects,
        editable=False,
        schemaVersion=SCHEMA_VERSION,
        templating=g.Templating(list=[]),
        links=[],
    )
    data = _clean(dashboard.to_json_data())
    data["templating"] = {"list": variables}
    data["links"] = links
    data.pop("rows", None)
    data.pop("id", None)
    data["graphTooltip"] = 1
    return data


def _panel(g: Any, p: Panel, panel_id: int, pos: Any) -> Any:
    targets = [
        g.Target(
            expr=expr,
            legendFormat=legend,
            refId=chr(65 + i),
            datasource=DATASOURCE,
            instant=p.instant,
            format=p.legend_format,
            interval="",
            intervalFactor=1,
        )
        for i, (expr, legend) in enumerate(p.targets)
    ]
    common = {
        "title": p.title,
        "dataSource": DATASOURCE,
        "targets": targets,
        "id": panel_id,
        "gridPos": pos,
        "description": p.description,
        "links": p.links,
    }
    if p.transformations:
        common["transformations"] = p.transformations
    steps = p.thresholds or [{"color": "green", "value": None}]
    if p.kind in _CURRENT:
        return _current(g, p, common, steps)
    if p.kind == "timeseries":
        return g.TimeSeries(
            **common,
            unit=p.unit,
            thresholds=steps,
            overrides=p.overrides,
            thresholdsStyleMode="line" if p.thresholds else "off",
            legendDisplayMode="table",
            legendCalcs=["lastNotNull", "max"],
        )
    if p.kind == "stat":
        return g.Stat(
            **common,
            format=p.unit,
            thresholds=steps,
            reduceCalc="lastNotNull",
            overrides=p.overrides,
            graphMode="area",
            colorMode="value",
        )
    if p.kind == "piechart":
        return g.PieChartv2(
            **common,
            unit=p.unit,
            pieType="donut",
            legendDisplayMode="table",
            legendPlacement="right",
            legendValues=["percent"],
            reduceOptionsCalcs=["lastNotNull"],
        )
    if p.kind == "heatmap":
        return g.Heatmap(
            **common,
            dataFormat="tsbuckets",
            hideZeroBuckets=True,
            yAxis=g.YAxis(format=p.unit),
            extraJson={
                "fieldConfig": {"defaults": {"unit": p.unit}},
                "options": {"calculate": False, "yAxis": {"unit": p.unit}},
            },
        )
    common.pop("transformations", None)
    return g.Table(
        **common,
        unit=p.unit,
        overrides=p.overrides,
        transformations=p.transformations or [{"id": "merge", "options": {}}],
    )


_REDUCE = {"calcs": ["lastNotNull"], "fields": "", "values": False}
# Panels whose grafanalib classes write a dated layout (or that it lacks): their options as
# current Grafana reads them, on grafanalib's common panel fields.
_CURRENT: dict[str, dict[str, Any]] = {
    "gauge": {"reduceOptions": _REDUCE, "orientation": "auto", "showThresholdMarkers": True},
    "bargauge": {
        "reduceOptions": _REDUCE, "orientation": "horizontal", "displayMode": "gradient",
        "showUnfilled": True,
    },
    # x is the first query's value, y the others', one point per series (merged by labels)
    "xychart": {
        "seriesMapping": "auto", "dims": {"frame": 0, "x": "Value #A"},
        "legend": {"showLegend": True, "displayMode": "list", "placement": "bottom"},
    },
}  # fmt: skip


def _current(g: Any, p: Panel, common: dict[str, Any], steps: list[dict[str, Any]]) -> Any:
    defaults = {"unit": p.unit, "thresholds": {"mode": "absolute", "steps": steps}}
    return g.Panel(**common).panel_json(
        {"type": p.kind, "fieldConfig": {"defaults": defaults}, "options": _CURRENT[p.kind]}
    )


# grafanalib writes these on every panel and target; at their values they are Grafana's
# defaults (or legacy fields it ignores), so they only make the JSON longer.
_DEFAULTS: dict[str, Any] = {
    "editable": True, "error": False, "hideTimeOverride": False, "transparent": False,
    "links": [], "transformations": [], "maxDataPoints": 100, "target": "", "metric": "",
    "step": 10, "hide": False, "intervalFactor": 1, "interval": "", "instant": False,
    "mappings": [], "overrides": [], "__inputs": [], "hideControls": False, "style": "dark",
    "sharedCrosshair": False, "gnetId": None, "version": 0, "repeat": None,
}  # fmt: skip


_PLAIN = (str, int, float, bool, type(None))
_ABSENT = object()


def _clean(value: Any, parent: str = "") -> Any:
    """Plain data from grafanalib's objects, without nulls and defaults (`query` on a target
    repeats its `expr`)."""
    kind = type(value)
    if kind is dict:
        out = {}
        expr = "expr" in value
        for k, v in value.items():
            if v is None and k != "value":
                continue
            default = _DEFAULTS.get(k, _ABSENT)
            if default is not _ABSENT and v == default and parent != "defaults":
                continue
            if k == "query" and expr:
                continue
            out[k] = v if type(v) in _PLAIN else _clean(v, k)
        return out
    if kind is list or kind is tuple:
        return [v if type(v) in _PLAIN else _clean(v, parent) for v in value]
    if kind in _PLAIN:
        return value
    if hasattr(value, "to_json_data"):
        return _clean(value.to_json_data(), parent)
    if isinstance(value, dict):  # subclasses, should grafanalib hand any over
        return _clean(dict(value), parent)
    if isinstance(value, list | tuple):
        return _clean(list(value), parent)
    return value
