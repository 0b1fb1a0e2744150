"""Grafana dashboards: the rules of Grafana's dashboard-linter, and what makes a panel
readable when an alert fires."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.lint.facts import ASSUMED_SCRAPE_INTERVAL
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

INFO, WARNING, ERROR = Severity.INFO, Severity.WARNING, Severity.ERROR
Path = tuple[Any, ...]


# Panels that show no numbers, so need no unit (and some no query or datasource).
# panels that show no query's data (grafana-clock-panel: the time, a countdown)
NO_DATA = (
    "text",
    "news",
    "dashlist",
    "alertlist",
    "annolist",
    "welcome",
    "gettingstarted",
    "grafana-clock-panel",
)
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
    if any(isinstance(p, dict) and (p.get("format") or p.get("unit")) for p in places):
        return True
    # the heatmap keeps it for its y axis in `options.yAxis`; plugin panels in their own
    # options (polystat: `globalUnitFormat`; its Angular version under `polystat`)
    own = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    for options in (own, own.get("yAxis"), panel.get("polystat")):
        if isinstance(options, dict) and any(
            isinstance(key, str) and PLUGIN_UNIT.search(key) and isinstance(v, str) and v
            for key, v in options.items()
        ):
            return True
    return False


PLUGIN_UNIT = re.compile(r"(?i)unit(format)?$")


def _title(panel: dict[str, Any]) -> str:
    return repr(panel.get("title") or f"id {panel.get('id')}")


@check(
    "dashboard/uid",
    "dashboard",
    ERROR,
    "Every dashboard has a uid, unique among the dashboards linted together (missing: `info`; "
    "Grafana makes one, and file provisioning keeps it, but an import makes a new one).",
)
def uid(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) else {}
    value = data.get("uid")
    if not value:
        yield Hit(
            "dashboard has no uid: Grafana makes one, and links to it break when the dashboard "
            "is imported again",
            severity=INFO,
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


@check(
    "dashboard/panel-title",
    "dashboard",
    INFO,
    "Every panel has a title: a layout choice (a full-width logs panel reads well without), "
    "so `info`.",
)
def panel_title(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if _library_reference(panel):
            continue  # its title is the library panel's
        if panel.get("type") not in ("text", "news") and not panel.get("title"):
            yield Hit("panel has no title", path)


@check(
    "dashboard/panel-datasource",
    "dashboard",
    WARNING,
    "Every panel reads a datasource the dashboard resolves: a template variable it defines, an "
    "import input (`${DS_PROMETHEUS}`), a reference object, or the default; a panel that "
    "ignores the dashboard's datasource variable is a warning, the legacy string naming a "
    "datasource (which Grafana migrates on load) only `info`.",
)
def panel_datasource(f: LintFile) -> Iterator[Hit]:
    names = _variable_names(f)
    chooses = _has_datasource_variable(f)
    for path, panel in panels(f):
        if panel.get("type") in NO_DATA:
            continue
        ds = panel.get("datasource")
        if ds is None:
            targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
            if targets and all(t.get("datasource") for t in targets):
                continue
            if chooses and targets:
                yield Hit(
                    f"panel {_title(panel)} has no datasource: it queries the default "
                    "datasource, whatever the dashboard's datasource variable selects",
                    path,
                )
            elif targets:
                yield Hit(
                    f"panel {_title(panel)} has no datasource (it reads the default one)",
                    path,
                    severity=INFO,
                )
        elif isinstance(ds, str):
            variable = VARIABLE.fullmatch(ds.strip())
            if variable is None:
                yield Hit(
                    f"panel {_title(panel)} names its datasource by the legacy string {ds!r} "
                    "(Grafana looks it up by name on load)",
                    (*path, "datasource"),
                    severity=INFO,
                )
            elif not _resolved(variable.group(variable.lastindex or 1), names):
                yield Hit(
                    f"panel {_title(panel)} reads datasource {ds!r}, a variable the dashboard "
                    "neither defines nor takes as an import input",
                    (*path, "datasource"),
                    # no variables at all: a fragment that jsonnet or an operator completes
                    severity=None if _defines_variables(f) else INFO,
                )


# $name, ${name}, ${name:format}, [[name]]: how a dashboard names a template variable
VARIABLE = re.compile(r"\$(\w+)|\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]")


def _variable_names(f: LintFile) -> set[str]:
    """The template variables a dashboard defines, its import inputs (`__inputs`, replaced
    by the import dialog) and Grafana's own (`$__all`…)."""
    data = f.data if isinstance(f.data, dict) else {}
    found = {"__all", "__data", "__interval", "__rate_interval", "__range"}
    for v in (data.get("templating") or {}).get("list") or []:
        if isinstance(v, dict) and isinstance(v.get("name"), str):
            found.add(v["name"])
    for item in data.get("__inputs") or []:
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            found.add(item["name"])
    return found


def _resolved(name: str, names: set[str]) -> bool:
    """A variable the dashboard defines, or an import placeholder (`DS_PROMETHEUS`: the
    import dialog or a provisioning tool replaces it, inputs listed or not)."""
    return name in names or name.startswith("DS_")


def _defines_variables(f: LintFile) -> bool:
    data = f.data if isinstance(f.data, dict) else {}
    return bool((data.get("templating") or {}).get("list"))


def _has_datasource_variable(f: LintFile) -> bool:
    data = f.data if isinstance(f.data, dict) else {}
    variables = (data.get("templating") or {}).get("list") or []
    return any(isinstance(v, dict) and v.get("type") == "datasource" for v in variables)


@check(
    "dashboard/panel-targets",
    "dashboard",
    WARNING,
    "Every data panel has a query. A panel that references a library panel "
    "(`libraryPanel: {uid, name}`) has the library panel's: judged on the model an export "
    "keeps in `__elements`, and not at all when the file does not hold it (Grafana's library "
    "does).",
)
def panel_targets(f: LintFile) -> Iterator[Hit]:
    library = _library_panels(f)
    for path, panel in panels(f):
        reference = panel.get("libraryPanel")
        if _library_reference(panel):
            model = library.get(str(reference.get("uid")))
            if model is None:
                continue  # its queries are in Grafana's library, not in this file
            if model.get("type") in NO_DATA or model.get("targets"):
                continue
            name = reference.get("name") or model.get("title") or reference.get("uid")
            yield Hit(f"panel {_title(panel)} (library panel {name!r}) has no query", path)
            continue
        if panel.get("type") in NO_DATA:
            continue
        if not panel.get("targets"):
            yield Hit(f"panel {_title(panel)} has no query", path)


def _library_reference(panel: dict[str, Any]) -> bool:
    """A panel that only points at a library panel (`libraryPanel: {uid, name}` and its
    place, as Grafana exports it): its title, unit and queries are the library panel's."""
    return isinstance(panel.get("libraryPanel"), dict) and not panel.get("targets")


def _library_panels(f: LintFile) -> dict[str, dict[str, Any]]:
    """The library panels an export keeps beside the dashboard, by uid: `__elements`, a
    mapping of uid to element (Grafana 9 and later) or a list of elements (8.x), each with
    the panel's `model`."""
    data = f.data if isinstance(f.data, dict) else {}
    elements = data.get("__elements")
    items = elements.values() if isinstance(elements, dict) else elements or []
    found: dict[str, dict[str, Any]] = {}
    for element in items:
        if isinstance(element, dict) and isinstance(element.get("model"), dict):
            found[str(element.get("uid"))] = element["model"]
    return found


@check(
    "dashboard/rate-interval",
    "dashboard",
    WARNING,
    "rate() and friends span at least two scrape intervals whatever the zoom: "
    "`[$__interval]` (one step, shorter than two scrapes when zoomed in, unless the panel "
    "or query sets a min interval of two scrapes or more) and fixed windows "
    "shorter than two scrape intervals (15s when nothing states it) are warnings; other "
    "fixed windows `info`; with no interval stated, a panel or query min interval "
    "shorter than 15s is read as the author's scrape interval (Grafana's advice for it), "
    "[$__rate_interval] adapts to both. Over MetricsQL (a VictoriaMetrics datasource, or a "
    "query only MetricsQL parses) rate() reads the sample before its window: `info` at most.",
)
def rate_interval(f: LintFile) -> Iterator[Hit]:
    stated = f.settings.get("scrape_interval")
    shortest = 2 * (stated or ASSUMED_SCRAPE_INTERVAL)
    # MetricsQL's rate() and increase() read the sample before the window too: one step
    # ([$__interval]) or a short window is exact there
    metricsql = _metricsql(f)
    for path, panel in panels(f):
        for i, target in enumerate(panel.get("targets") or []):
            expr = target.get("expr") if isinstance(target, dict) else None
            # label values blanked first: `device=~"[a-z]+"` holds no range
            for match in RATE_RANGE.finditer(STRINGS.sub('""', str(expr or ""))):
                window = re.sub(r"\s+", "", match.group(2))
                if window in INTENDED or INTERVAL_SUBQUERY.match(window):
                    continue
                step = window in ("$__interval", "${__interval}")
                if step and metricsql:
                    continue
                seconds = _seconds(window)
                floor = _min_interval(panel, target)
                if step:  # Grafana's $__interval never falls below the min interval set
                    step = floor is None or floor < shortest
                # with no interval stated, a min interval below the assumed scrape is the
                # author's (Grafana: "set it to your write frequency"): a demo at 1s
                least = shortest
                if not stated and floor and floor < ASSUMED_SCRAPE_INTERVAL:
                    least = 2 * floor
                short = not metricsql and (step or (seconds is not None and seconds < least))
                yield Hit(
                    f"{match.group(1)}() over [{window}] in panel "
                    f"{_title(panel)}; use [$__rate_interval]"
                    + ("" if not short else f": it may hold fewer than two samples ({least:g}s)"),
                    (*path, "targets", i, "expr"),
                    severity=None if short else INFO,
                )


def _metricsql(f: LintFile) -> bool:
    """Whether the dashboard's queries are MetricsQL: a datasource it names (a panel's, a
    query's, a datasource variable's, an import input's) is VictoriaMetrics' plugin, or a
    query takes a form only MetricsQL parses (a window after a call: `increase(x)[1h]`)."""
    data = f.data if isinstance(f.data, dict) else {}
    kinds: list[Any] = [
        v.get("query")
        for v in (data.get("templating") or {}).get("list") or []
        if isinstance(v, dict) and v.get("type") == "datasource"
    ]
    kinds += [i.get("pluginId") for i in data.get("__inputs") or [] if isinstance(i, dict)]
    for _, panel in panels(f):
        targets = [t for t in panel.get("targets") or [] if isinstance(t, dict)]
        for holder in (panel, *targets):
            ds = holder.get("datasource")
            kinds.append(ds.get("type") if isinstance(ds, dict) else None)
        for t in targets:
            if WINDOW_AFTER_CALL.search(STRINGS.sub('""', str(t.get("expr") or ""))):
                return True
    return any(isinstance(k, str) and "victoriametrics" in k.lower() for k in kinds)


# `)` then a window with no `:` step: a syntax error in PromQL, a rollup in MetricsQL
WINDOW_AFTER_CALL = re.compile(r"\)\s*\[[^\]:]+\]")


def _min_interval(panel: dict[str, Any], target: dict[str, Any]) -> float | None:
    """The min interval the panel or the query sets (Grafana's query option `interval`,
    e.g. "1m"; a legacy ">1m" alike), the larger when both do; None when neither states
    one Grafana would read as a duration (a variable, say)."""
    floors = [
        _seconds(value.lstrip(">").strip())
        for value in (panel.get("interval"), target.get("interval"))
        if isinstance(value, str) and value.strip()
    ]
    known = [f for f in floors if f is not None]
    return max(known) if known else None


def _seconds(window: str) -> float | None:
    try:
        return parse_duration(window)
    except ValueError:
        return None


RATE_RANGE = re.compile(r"\b(rate|irate|increase)\s*\([^\[]*\[([^\]]+)\]")
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
# $__range: the whole time range on purpose (an increase over what the dashboard shows)
INTENDED = {"$__rate_interval", "${__rate_interval}", "$__range", "${__range}"}
# a subquery stepping at one of Grafana's intervals, e.g. [$__interval:]
INTERVAL_SUBQUERY = re.compile(r"^\$\{?__(rate_interval|interval|range)\}?:")


@check(
    "dashboard/datasource-variable",
    "dashboard",
    INFO,
    "The dashboard has a datasource template variable, so it works against any Prometheus: "
    "a dashboard provisioned for one datasource needs none, so `info`.",
)
def datasource_variable(f: LintFile) -> Iterator[Hit]:
    if not _has_datasource_variable(f):
        yield Hit("dashboard has no datasource variable", ("templating",))
