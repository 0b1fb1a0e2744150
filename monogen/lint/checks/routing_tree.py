"""The route tree as Alertmanager walks it, with what each route inherits from its
parents: receivers that notify nobody, and timers that contradict each other."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.lint.checks._alertmanager_shape import _data, receivers
from monogen.lint.checks._matcher_logic import matcher_sets
from monogen.lint.checks._rules_shape import text
from monogen.lint.checks.rules import valid_duration
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

Path = tuple[Any, ...]
# Receivers named to drop alerts on purpose (kube-prometheus' "null", "blackhole"...;
# monogen's own "monogen-unrouted": alerts no team's route takes, dropped by design)
DELIBERATE = re.compile(
    r"null|blackhole|devnull|discard|drop|void|noop|ignore|sink|trash|unrouted|empty", re.I
)
# Alerts that fire on purpose: routed to a receiver that notifies nobody, they are a
# dead man's switch not yet wired to its outside service
HEARTBEATS = {"watchdog", "deadmansswitch", "deadmanswitch", "infoinhibitor", "heartbeat"}
DEFAULTS = {"group_wait": 30.0, "group_interval": 300.0}


def tree(f: LintFile) -> Iterator[tuple[Path, dict[str, Any], dict[str, Any]]]:
    """(path, route, what it has after inheriting) for the root and every route below:
    receiver and the timers pass from parent to child."""
    root = _data(f).get("route")
    if not isinstance(root, dict):
        return
    stack: list[tuple[Path, dict[str, Any], dict[str, Any]]] = [(("route",), root, {})]
    while stack:
        path, route, inherited = stack.pop(0)
        effective = dict(inherited)
        for key in ("receiver", "group_wait", "group_interval", "repeat_interval"):
            if text(route.get(key)):
                effective[key] = text(route.get(key))
        yield path, route, effective
        children = route.get("routes")
        for i, child in enumerate(children if isinstance(children, list) else []):
            if isinstance(child, dict):
                stack.append(((*path, "routes", i), child, effective))


def _integrations(receiver: dict[str, Any]) -> int:
    return sum(
        len(value)
        for key, value in receiver.items()
        if key.endswith("_configs") and isinstance(value, list)
    )


def _heartbeat(route: dict[str, Any]) -> bool:
    matchers = matcher_sets(route) or []
    return any(
        name == "alertname" and op in ("=", "=~") and value.lower() in HEARTBEATS
        for name, op, value in matchers
    )


@check(
    "alertmanager/receiver-empty",
    "alertmanager",
    Severity.WARNING,
    "Routes send alerts to receivers that notify someone: a receiver without integrations "
    "drops them (the root's catch-all most of all). A receiver named to drop (`null`, "
    "`blackhole`, `unrouted`, `empty-receiver`…) is taken at its word; a Watchdog routed to "
    "one is info.",
)
def receiver_empty(f: LintFile) -> Iterator[Hit]:
    empty = {
        name
        for _, receiver in receivers(f)
        if (name := text(receiver.get("name"))) and not _integrations(receiver)
    }
    if not empty:
        return
    for path, route, _ in tree(f):
        name = text(route.get("receiver"))
        if name not in empty or DELIBERATE.search(name):
            continue
        where = "the root route" if path == ("route",) else "this route"
        if _heartbeat(route):
            yield Hit(
                f"{where} sends its heartbeat to {name!r}, which notifies nobody: wire the "
                "receiver to a dead man's switch service, or name it for what it does",
                (*path, "receiver"),
                severity=Severity.INFO,
            )
        else:
            yield Hit(
                f"{where} sends alerts to {name!r}, a receiver with no integrations: "
                "they are dropped without a word",
                (*path, "receiver"),
            )


def _seconds(value: str | None, key: str) -> float | None:
    if value is None:
        return DEFAULTS[key]
    if not valid_duration(value):
        return None
    return parse_duration(value) if value != "0" else 0.0


@check(
    "alertmanager/group-wait-interval",
    "alertmanager",
    Severity.WARNING,
    "A route's group_wait (default 30s) is not longer than its group_interval (default "
    "5m), as inherited: a new group would wait longer than updates to it do.",
)
def group_wait_interval(f: LintFile) -> Iterator[Hit]:
    for path, route, effective in tree(f):
        wait = _seconds(effective.get("group_wait"), "group_wait")
        interval = _seconds(effective.get("group_interval"), "group_interval")
        if wait is None or interval is None or wait <= interval:
            continue
        own = [k for k in ("group_wait", "group_interval") if text(route.get(k))]
        if not own:
            continue  # inherited: said at the route that set it
        yield Hit(
            f"group_wait {effective.get('group_wait', '30s')} is longer than group_interval "
            f"{effective.get('group_interval', '5m')}: the first notification of a group "
            "comes later than its updates",
            (*path, own[0]),
        )
