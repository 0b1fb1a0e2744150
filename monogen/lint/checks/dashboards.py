"""Grafana dashboards: the rules of Grafana's dashboard-linter, and what makes a panel
readable when an alert fires."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

WARNING, ERROR = Severity.WARNING, Severity.ERROR
Path = tuple[Any, ...]


# Panels that show no numbers, so need no unit (and some no query or datasource).
NO_DATA = ("text", "news", "dashlist", "alertlist", "annolist", "welcome", "gettingstarted")
NOT_NUMERIC = (*NO_DATA, "logs", "nodeGraph", "geomap", "traces", "flamegraph", "canvas")


def panels(f: LintFile) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every panel, rows' nested panels included (and the `rows` of dashboards older than
    schema 16), except the rows themselves."""
    data = f.data if isinstance(f.data, dict) else {}
    for key in ("panels", "rows"):
        for i, panel in enumerate(data.get(key) or []):
            if not isinstance(panel, dict):
                continue
            if panel.get("type") != "row" and key == "panels":
                yield (key, i), panel
            for j, inner in enumerate(panel.get("panels") or []):
                if isinstance(inner, dict):
                    yield (key, i, "panels", j), inner


def has_unit(panel: dict[str, Any]) -> bool:
    """A unit anywhere Grafana keeps one: field defaults or overrides, a legacy graph's
    y axes, a singlestat's `format`, a legacy table's column styles."""
    config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    if (config.get("defaults") or {}).get("unit") or panel.get("format"):
        return True
    for override in config.get("overrides") or []:
        for prop in (override or {}).get("properties") or []:
            if isinstance(prop, dict) and prop.get("id") == "unit" and prop.get("value"):
                return True
    places = [*(panel.get("yaxes") or []), *(panel.get("styles") or []), panel.get("yAxis")]
    return any(isinstance(p, dict) and (p.get("format") or p.get("unit")) for p in places)


def _title(panel: dict[str, Any]) -> str:
    return repr(panel.get("title") or f"id {panel.get('id')}")


@check(
    "dashboard/uid",
    "dashboard",
    ERROR,
    "Every dashboard has a uid (missing: a warning, Grafana makes one), unique among the "
    "dashboards linted together.",
)
def uid(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) else {}
    value = data.get("uid")
    if not value:
        yield Hit(
            "dashboard has no uid: Grafana makes one at import, and links to it break on the "
            "next import",
            severity=WARNING,
        )
        return
    seen = f.shared.setdefault("dashboard_uids", {})
    if value in seen and seen[value] != f.path:
        yield Hit(f"uid {value!r} is also the uid of {seen[value]}", ("uid",))
    seen.setdefault(value, f.path)


@check(
    "dashboard/title",
    "dashboard",
    ERROR,
    "Every dashboard has a title: Grafana refuses to save one without.",
)
def title(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) else {}
    value = data.get("title")
    if not isinstance(value, str) or not value.strip():
        where: Path = ("title",) if "title" in data else ()
        yield Hit("dashboard has no title: Grafana refuses to save it", where)


@check("dashboard/panel-id", "dashboard", ERROR, "Panel ids are unique within a dashboard.")
def panel_id(f: LintFile) -> Iterator[Hit]:
    seen: set[Any] = set()
    data = f.data if isinstance(f.data, dict) else {}
    everything = [
        (("panels", i), p) for i, p in enumerate(data.get("panels") or []) if isinstance(p, dict)
    ] + [x for x in panels(f) if len(x[0]) > 2]
    for path, panel in everything:
        pid = panel.get("id")
        if pid is None:
            continue
        if pid in seen:
            yield Hit(f"panel id {pid} is used twice", (*path, "id"))
        seen.add(pid)


@check("dashboard/panel-title", "dashboard", WARNING, "Every panel has a title.")
def panel_title(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") not in ("text", "news") and not panel.get("title"):
            yield Hit("panel has no title", path)


@check(
    "dashboard/panel-datasource",
    "dashboard",
    WARNING,
    "Every panel has a datasource "
    "reference object {type, uid} (the legacy string form is deprecated).",
)
def panel_datasource(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") in NO_DATA:
            continue
        ds = panel.get("datasource")
        if ds is None:
            yield Hit(f"panel {_title(panel)} has no datasource", path)
        elif isinstance(ds, str):
            yield Hit(
                f"panel {_title(panel)} uses the legacy string datasource {ds!r}",
                (*path, "datasource"),
            )


@check(
    "dashboard/panel-unit",
    "dashboard",
    WARNING,
    "Every panel that shows numbers sets a unit (in its defaults, an override, or a legacy "
    "graph's y axes).",
)
def panel_unit(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") not in NOT_NUMERIC and not has_unit(panel):
            yield Hit(f"panel {_title(panel)} has no unit", path)


@check("dashboard/panel-targets", "dashboard", WARNING, "Every data panel has a query.")
def panel_targets(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") in NO_DATA:
            continue
        if not panel.get("targets"):
            yield Hit(f"panel {_title(panel)} has no query", path)


@check(
    "dashboard/rate-interval",
    "dashboard",
    WARNING,
    "rate() and friends use [$__rate_interval], which adapts to the scrape interval and zoom.",
)
def rate_interval(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        for i, target in enumerate(panel.get("targets") or []):
            expr = target.get("expr") if isinstance(target, dict) else None
            # label values blanked first: `device=~"[a-z]+"` holds no range
            for match in RATE_RANGE.finditer(STRINGS.sub('""', str(expr or ""))):
                window = re.sub(r"\s+", "", match.group(2))
                if window not in INTENDED and not INTERVAL_SUBQUERY.match(window):
                    yield Hit(
                        f"{match.group(1)}() over [{window}] in panel "
                        f"{_title(panel)}; use [$__rate_interval]",
                        (*path, "targets", i, "expr"),
                    )


RATE_RANGE = re.compile(r"\b(rate|irate|increase)\s*\([^\[]*\[([^\]]+)\]")
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
# $__range: the whole time range on purpose (an increase over what the dashboard shows)
INTENDED = {"$__rate_interval", "${__rate_interval}", "$__range", "${__range}"}
# a subquery stepping at one of Grafana's intervals, e.g. [$__interval:]
INTERVAL_SUBQUERY = re.compile(r"^\$\{?__(rate_interval|interval|range)\}?:")


@check(
    "dashboard/datasource-variable",
    "dashboard",
    WARNING,
    "The dashboard has a datasource template variable, so it works against any Prometheus.",
)
def datasource_variable(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) else {}
    variables = (data.get("templating") or {}).get("list") or []
    if not any(isinstance(v, dict) and v.get("type") == "datasource" for v in variables):
        yield Hit("dashboard has no datasource variable", ("templating",))
