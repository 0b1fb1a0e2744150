"""Grafana dashboards: the rules of Grafana's dashboard-linter, and what makes a panel
readable when an alert fires."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

WARNING, ERROR = Severity.WARNING, Severity.ERROR
Path = tuple[Any, ...]


def panels(f: LintFile) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Every panel, rows' nested panels included, except the rows themselves."""
    data = f.data if isinstance(f.data, dict) else {}
    for i, panel in enumerate(data.get("panels") or []):
        if not isinstance(panel, dict):
            continue
        if panel.get("type") != "row":
            yield ("panels", i), panel
        for j, inner in enumerate(panel.get("panels") or []):
            if isinstance(inner, dict):
                yield ("panels", i, "panels", j), inner


def _title(panel: dict[str, Any]) -> str:
    return repr(panel.get("title") or f"id {panel.get('id')}")


@check(
    "dashboard/uid",
    "dashboard",
    ERROR,
    "Every dashboard has a uid, unique among the dashboards linted together.",
)
def uid(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) else {}
    value = data.get("uid")
    if not value:
        yield Hit("dashboard has no uid: links to it break on every import")
        return
    seen = f.shared.setdefault("dashboard_uids", {})
    if value in seen and seen[value] != f.path:
        yield Hit(f"uid {value!r} is also the uid of {seen[value]}", ("uid",))
    seen.setdefault(value, f.path)


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
        if panel.get("type") in ("text", "news", "dashlist", "alertlist"):
            continue
        ds = panel.get("datasource")
        if ds is None:
            yield Hit(f"panel {_title(panel)} has no datasource", path)
        elif isinstance(ds, str):
            yield Hit(
                f"panel {_title(panel)} uses the legacy string datasource {ds!r}",
                (*path, "datasource"),
            )


@check("dashboard/panel-unit", "dashboard", WARNING, "Every data panel sets a unit.")
def panel_unit(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") in ("text", "news", "dashlist", "alertlist"):
            continue
        defaults = (panel.get("fieldConfig") or {}).get("defaults") or {}
        if not defaults.get("unit") and not panel.get("format"):
            yield Hit(f"panel {_title(panel)} has no unit", path)


@check("dashboard/panel-targets", "dashboard", WARNING, "Every data panel has a query.")
def panel_targets(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") in ("text", "news", "dashlist", "alertlist"):
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
    import re

    pattern = re.compile(r"\b(rate|irate|increase)\s*\([^\[]*\[([^\]]+)\]")
    for path, panel in panels(f):
        for i, target in enumerate(panel.get("targets") or []):
            expr = target.get("expr") if isinstance(target, dict) else None
            for match in pattern.finditer(expr or ""):
                if match.group(2) != "$__rate_interval":
                    yield Hit(
                        f"{match.group(1)}() over [{match.group(2)}] in panel "
                        f"{_title(panel)}; use [$__rate_interval]",
                        (*path, "targets", i, "expr"),
                    )


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
