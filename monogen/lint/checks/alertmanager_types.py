"""Alertmanager configs whose sections have the wrong YAML type (a mapping where
Alertmanager reads a list, a list where it reads a mapping), and the nested parts of
integrations amtool 0.25 validates: Slack fields and actions, email headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.checks._alertmanager_shape import FIELDS, Path, _data, integrations, receivers
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

TOP_LISTS = ("receivers", "inhibit_rules", "templates", "time_intervals", "mute_time_intervals")


def _kind(value: Any) -> str:
    return "a mapping" if isinstance(value, dict) else "a list" if isinstance(value, list) else (
        f"a {type(value).__name__}"
    )  # fmt: skip


def _list_of_mappings(value: Any, path: Path, what: str, items: bool = True) -> Iterator[Hit]:
    """`value` (unless null) is a list, and (with `items`) each item a mapping."""
    if value is None:
        return
    if not isinstance(value, list):
        yield Hit(f"{what} is {_kind(value)}; Alertmanager reads a list", path)
        return
    for i, item in enumerate(value if items else []):
        if not isinstance(item, dict):
            yield Hit(f"{what}[{i}] is {_kind(item)}; Alertmanager reads a mapping", (*path, i))


@check(
    "alertmanager/shape",
    "alertmanager",
    Severity.ERROR,
    "Each section has the YAML type Alertmanager reads: `global` and routes are mappings; "
    "receivers, integrations, child routes and inhibit rules are lists of mappings.",
    parity="amtool: yaml: unmarshal errors: cannot unmarshal !!map into []*config.Receiver",
)
def shape(f: LintFile) -> Iterator[Hit]:
    data = _data(f)
    g = data.get("global")
    if g is not None and not isinstance(g, dict):
        yield Hit(f"`global` is {_kind(g)}; Alertmanager reads a mapping", ("global",))
    for key in TOP_LISTS:
        yield from _list_of_mappings(data.get(key), (key,), f"`{key}`", key != "templates")
    for path, receiver in receivers(f):
        for kind in sorted(k for k in FIELDS if k.endswith("_configs")):
            yield from _list_of_mappings(receiver.get(kind), (*path, kind), f"`{kind}`")
    stack: list[tuple[Path, Any]] = [(("route",), data.get("route"))]
    while stack:
        path, route = stack.pop()
        if not isinstance(route, dict):
            if route is not None and path != ("route",):  # the root: root-route says it
                yield Hit(f"a route is {_kind(route)}; Alertmanager reads a mapping", path)
            continue
        children = route.get("routes")
        yield from _list_of_mappings(children, (*path, "routes"), "`routes`", items=False)
        if isinstance(children, list):
            stack += [((*path, "routes", i), child) for i, child in enumerate(children)]
        for key in ("group_by", "mute_time_intervals", "active_time_intervals"):
            yield from _list_of_mappings(route.get(key), (*path, key), f"`{key}`", items=False)


def _missing(item: Any, keys: tuple[str, ...]) -> list[str]:
    return [k for k in keys if not (isinstance(item, dict) and item.get(k))]


@check(
    "alertmanager/slack-parts",
    "alertmanager",
    Severity.ERROR,
    "Slack fields have a title and value; Slack actions a type, text, and a name or url; a "
    "confirmation has text.",
    parity="amtool: missing title in Slack field configuration",
)
def slack_parts(f: LintFile) -> Iterator[Hit]:
    for path, item in integrations(f, "slack_configs"):
        fields, actions = item.get("fields"), item.get("actions")
        for i, field in enumerate(fields if isinstance(fields, list) else []):
            for key in _missing(field, ("title", "value")):
                yield Hit(f"missing {key} in Slack field configuration", (*path, "fields", i))
        for i, action in enumerate(actions if isinstance(actions, list) else []):
            where = (*path, "actions", i)
            for key in _missing(action, ("type", "text")):
                yield Hit(f"missing {key} in Slack action configuration", where)
            if len(_missing(action, ("name", "url"))) == 2:
                yield Hit("missing name or url in Slack action configuration", where)
            confirm = action.get("confirm") if isinstance(action, dict) else None
            if confirm is not None and _missing(confirm, ("text",)):
                yield Hit("missing text in Slack confirmation configuration", (*where, "confirm"))


@check(
    "alertmanager/email-headers",
    "alertmanager",
    Severity.ERROR,
    "An email integration names each header once (Subject and subject are one header).",
    parity='amtool: duplicate header "Subject" in email config',
)
def email_headers(f: LintFile) -> Iterator[Hit]:
    for path, item in integrations(f, "email_configs"):
        headers = item.get("headers")
        seen: set[str] = set()
        for name in headers if isinstance(headers, dict) else {}:
            canonical = "-".join(part.capitalize() for part in str(name).split("-"))
            if canonical in seen:
                yield Hit(f"duplicate header {canonical!r} in email config", (*path, "headers"))
            seen.add(canonical)
