"""The meaning of a change between two generated trees: alerts added and removed, their
thresholds, `for` and severities changed, routes and receivers changed, dashboard panels
added and removed. Reads the trees as files (they may come from another monogen version
or a commit), so it parses what it compares, leniently: a file it cannot read as the kind
its path says is reported as changed, not interpreted."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import yaml

Files = dict[str, str]  # relative POSIX path → text

RULES = re.compile(r"^prometheus/rules/(?P<name>[^/]+)\.rules\.ya?ml$")
DASHBOARD = re.compile(r"^grafana/dashboards/(?P<name>[^/]+)\.json$")
ALERTMANAGER = "alertmanager/alertmanager.yaml"
# The last comparison of an alert expression with a number: its threshold.
THRESHOLD = re.compile(r"(?P<op>[<>]=?|[=!]=)\s*(?P<value>-?[0-9][0-9.e+-]*)\s*$")
WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "at", "!=": "not"}


@dataclass(frozen=True)
class Change:
    area: str  # alerts | routes | receivers | dashboards | files
    what: str  # added | removed | changed
    subject: str  # e.g. "fraud-detector-ab ModelAccuracyDegraded warning"
    detail: str = ""  # e.g. "below 75 → 70"

    def text(self) -> str:
        sign = {"added": "+", "removed": "-", "changed": "~"}[self.what]
        return f"{sign} {self.subject}" + (f": {self.detail}" if self.detail else "")


def semantic_diff(old: Files, new: Files) -> list[Change]:
    changes: list[Change] = []
    covered: set[str] = set()
    areas = (
        (lambda p: bool(RULES.match(p)), lambda: _alerts(old, new)),
        (
            lambda p: p == ALERTMANAGER,
            lambda: _alertmanager(old.get(ALERTMANAGER), new.get(ALERTMANAGER)),
        ),
        (lambda p: bool(DASHBOARD.match(p)), lambda: _dashboards(old, new)),
    )
    for belongs, describe in areas:
        try:
            changes += describe()
        except (TypeError, ValueError, AttributeError, KeyError):
            continue  # a hand-edited file of odd shape: reported below as a changed file
        covered |= {p for p in set(old) | set(new) if belongs(p)}
    for path in sorted((set(old) | set(new)) - covered):
        if path.startswith(".") or old.get(path) == new.get(path):
            continue
        what = "added" if path not in old else "removed" if path not in new else "changed"
        changes.append(Change("files", what, path))
    for path in sorted(covered):  # a changed file of its kind that does not read as one
        if old.get(path) == new.get(path):
            continue
        for side, files in (("old", old), ("new", new)):
            if path in files and _unreadable(path, files[path]):
                changes.append(Change("files", "changed", path, f"the {side} file does not read"))
                break
    return changes


def _unreadable(path: str, text: str) -> bool:
    if DASHBOARD.match(path):
        try:
            return not isinstance(json.loads(text), dict)
        except ValueError:
            return True
    return not isinstance(_load(text), dict)


# -- alerts -----------------------------------------------------------------------------


def _load(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _alert_rules(files: Files) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(experiment, alert, identity) → rule, identity being its labels but severity."""
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path, text in files.items():
        match = RULES.match(path)
        if not match:
            continue
        data = _load(text)
        if not isinstance(data, dict):
            raise ValueError(f"{path} does not read as a rule file")
        for group in data.get("groups") or []:
            for rule in (group or {}).get("rules") or []:
                if not isinstance(rule, dict) or "alert" not in rule:
                    continue
                labels = dict(rule.get("labels") or {})
                severity = str(labels.get("severity", ""))
                others = ", ".join(
                    f"{k}={v}"
                    for k, v in sorted(labels.items())
                    if k not in ("severity", "experiment", "team", "category", "namespace")
                )
                key = (match.group("name"), str(rule["alert"]), others)  # type: ignore[union-attr]
                found[(*key[:2], f"{others}|{severity}")] = rule
    return found


def _alerts(old: Files, new: Files) -> list[Change]:
    before, after = _alert_rules(old), _alert_rules(new)
    changes = []
    moved = _severity_moves(before, after)
    skip = set(moved) | set(moved.values())
    for key in sorted(set(before) | set(after)):
        if key in skip:
            continue
        subject = _subject(key)
        if key not in before:
            changes.append(Change("alerts", "added", subject, _describe(after[key])))
        elif key not in after:
            changes.append(Change("alerts", "removed", subject, _describe(before[key])))
        elif before[key] != after[key]:
            changes.append(Change("alerts", "changed", subject, _compare(before[key], after[key])))
    for old_key, new_key in sorted(moved.items()):
        severity = lambda k: k[2].rsplit("|", 1)[1]  # noqa: E731
        detail = f"severity {severity(old_key)} → {severity(new_key)}"
        rest = _compare(before[old_key], after[new_key], skip_severity=True)
        rest = "" if rest == "annotations changed" else rest  # they name the severity
        changes.append(
            Change("alerts", "changed", _subject(old_key, severity=False), _join(detail, rest))
        )
    return changes


def _severity_moves(
    before: dict[tuple[str, str, str], Any], after: dict[tuple[str, str, str], Any]
) -> dict[tuple[str, str, str], tuple[str, str, str]]:
    """Old key → new key of an alert whose one rule of its identity changed severity:
    one change, not a removal and an addition."""
    gone = [k for k in before if k not in after]
    came = [k for k in after if k not in before]
    moves = {}
    for old_key in gone:
        same = [k for k in came if k[:2] == old_key[:2] and _identity(k) == _identity(old_key)]
        peers = [k for k in gone if k[:2] == old_key[:2] and _identity(k) == _identity(old_key)]
        if len(same) == 1 and len(peers) == 1:
            moves[old_key] = same[0]
    return moves


def _identity(key: tuple[str, str, str]) -> str:
    return key[2].rsplit("|", 1)[0]


def _subject(key: tuple[str, str, str], *, severity: bool = True) -> str:
    others, _, level = key[2].rpartition("|")
    parts = (
        [key[0], key[1]]
        + ([level] if severity and level else [])
        + ([f"{{{others}}}"] if others else [])
    )
    return " ".join(parts)


def _threshold(expr: str) -> tuple[str, str] | None:
    match = THRESHOLD.search(expr)
    return (match.group("op"), match.group("value")) if match else None


def _describe(rule: dict[str, Any]) -> str:
    found = _threshold(str(rule.get("expr", "")))
    parts = [f"{WORDS[found[0]]} {found[1]}"] if found else []
    if rule.get("for"):
        parts.append(f"for {rule['for']}")
    return ", ".join(parts)


def _compare(old: dict[str, Any], new: dict[str, Any], *, skip_severity: bool = False) -> str:
    parts = []
    o_expr, n_expr = str(old.get("expr", "")), str(new.get("expr", ""))
    if o_expr != n_expr:
        o_t, n_t = _threshold(o_expr), _threshold(n_expr)
        rest_same = (
            o_t and n_t and THRESHOLD.sub("", o_expr).rstrip() == THRESHOLD.sub("", n_expr).rstrip()
        )
        if rest_same and o_t and n_t:
            word = WORDS[n_t[0]] if o_t[0] == n_t[0] else f"{WORDS[o_t[0]]} → {WORDS[n_t[0]]}"
            parts.append(f"{word} {o_t[1]} → {n_t[1]}")
        else:
            parts.append("expression changed")
    if old.get("for") != new.get("for"):
        parts.append(f"for {old.get('for') or '0s'} → {new.get('for') or '0s'}")
    o_labels, n_labels = dict(old.get("labels") or {}), dict(new.get("labels") or {})
    if skip_severity:
        o_labels.pop("severity", None)
        n_labels.pop("severity", None)
    if o_labels != n_labels:
        parts.append("labels changed")
    if old.get("annotations") != new.get("annotations") and not parts:
        parts.append("annotations changed")  # else they only restate the change
    return ", ".join(parts)


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


# -- Alertmanager -----------------------------------------------------------------------


def _routes(config: Any) -> dict[str, str]:
    """Each route as `matchers → receiver`, keyed by that text (with its options)."""
    found: dict[str, str] = {}

    def walk(route: Any, trail: list[str]) -> None:
        if not isinstance(route, dict):
            return
        here = [*trail, ", ".join(map(str, route.get("matchers") or []))]
        for child in route.get("routes") or []:
            walk(child, here)
        if route.get("receiver") and trail:
            path = " / ".join(p for p in here if p) or "(everything)"
            options = {k: v for k, v in route.items() if k not in ("routes", "matchers")}
            found[f"{path} → {route['receiver']}"] = json.dumps(options, sort_keys=True)

    walk(config.get("route") if isinstance(config, dict) else None, [])
    return found


def _alertmanager(old_text: str | None, new_text: str | None) -> list[Change]:
    if old_text == new_text:
        return []
    old, new = _load(old_text) or {}, _load(new_text) or {}
    changes = []
    o_routes, n_routes = _routes(old), _routes(new)
    for key in sorted(set(o_routes) | set(n_routes)):
        if key not in o_routes:
            changes.append(Change("routes", "added", key))
        elif key not in n_routes:
            changes.append(Change("routes", "removed", key))
        elif o_routes[key] != n_routes[key]:
            changes.append(Change("routes", "changed", key, "timing or muting changed"))
    named = lambda c: {  # noqa: E731
        r.get("name"): r for r in (c.get("receivers") or []) if isinstance(r, dict)
    }
    o_recv, n_recv = named(old), named(new)
    for name in sorted(set(o_recv) | set(n_recv), key=str):
        if name not in o_recv:
            changes.append(Change("receivers", "added", str(name)))
        elif name not in n_recv:
            changes.append(Change("receivers", "removed", str(name)))
        elif o_recv[name] != n_recv[name]:
            kinds = sorted(
                k for k in set(o_recv[name]) | set(n_recv[name])
                if k != "name" and o_recv[name].get(k) != n_recv[name].get(k)
            )  # fmt: skip
            changes.append(Change("receivers", "changed", str(name), ", ".join(kinds)))
    for key in ("inhibit_rules", "time_intervals", "global", "templates"):
        if old.get(key) != new.get(key):
            changes.append(Change("routes", "changed", key.replace("_", " ")))
    return changes


# -- dashboards -------------------------------------------------------------------------


def _panels(text: str | None) -> list[str]:
    try:
        data = json.loads(text) if text is not None else {}
    except ValueError:
        return []
    titles = []
    for panel in data.get("panels") or []:
        if isinstance(panel, dict) and panel.get("type") != "row":
            titles.append(str(panel.get("title", "")))
    return titles


def _dashboards(old: Files, new: Files) -> list[Change]:
    changes = []
    paths = sorted(p for p in set(old) | set(new) if DASHBOARD.match(p))
    for path in paths:
        if old.get(path) == new.get(path):
            continue
        name = DASHBOARD.match(path).group("name")  # type: ignore[union-attr]
        if path not in old or path not in new:
            what = "added" if path not in old else "removed"
            changes.append(Change("dashboards", what, f"dashboard {name}"))
            continue
        before, after = _panels(old[path]), _panels(new[path])
        added = [t for t in after if t not in before]
        removed = [t for t in before if t not in after]
        for title in added:
            changes.append(Change("dashboards", "added", f"{name} panel {title!r}"))
        for title in removed:
            changes.append(Change("dashboards", "removed", f"{name} panel {title!r}"))
        if not added and not removed:
            changes.append(Change("dashboards", "changed", f"dashboard {name}", "panels changed"))
    return changes


# -- formats ----------------------------------------------------------------------------

TITLES = {
    "alerts": "Alerts",
    "routes": "Routes",
    "receivers": "Receivers",
    "dashboards": "Dashboards",
    "files": "Other files (derived copies, tests, manifests)",
}


def as_text(changes: list[Change]) -> str:
    if not changes:
        return "no change in meaning\n"
    out = []
    for area, title in TITLES.items():
        here = [c for c in changes if c.area == area]
        if here:
            out.append(f"{title}:")
            out += [f"  {c.text()}" for c in here]
    return "\n".join(out) + "\n"


def as_markdown(changes: list[Change]) -> str:
    if not changes:
        return "**monogen**: no change in meaning.\n"
    out = [f"### monogen: {len(changes)} change(s)", ""]
    for area, title in TITLES.items():
        here = [c for c in changes if c.area == area]
        if here:
            out += [f"**{title}**", ""]
            out += [
                f"- {c.what}: `{c.subject}`" + (f" ({c.detail})" if c.detail else "") for c in here
            ]
            out.append("")
    return "\n".join(out)


def as_json(changes: list[Change]) -> str:
    return json.dumps([asdict(c) for c in changes], indent=2) + "\n"
