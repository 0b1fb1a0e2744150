"""Alertmanager configs whose sections have the wrong YAML type (a mapping where
Alertmanager reads a list, a list where it reads a mapping), and the nested parts of
integrations amtool validates: Slack's URL or app token, fields and actions, email headers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.checks._alertmanager_shape import FIELDS, Path, _data, integrations, receivers
from monogen.lint.checks.integrations import SLACK_APP_URL, given
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


@check(
    "alertmanager/slack-url",
    "alertmanager",
    Severity.ERROR,
    "A Slack integration has a webhook URL (api_url or its file) or an app token (or its "
    "file), here or in global, not both; an app token and http_config authorization do "
    "not mix; update_message needs the app API.",
    parity="amtool: no global Slack API URL set",
)
def slack_url(f: LintFile) -> Iterator[Hit]:
    g = _data(f).get("global") if isinstance(_data(f).get("global"), dict) else {}

    def has(mapping: dict[str, Any], key: str, url: bool = False) -> bool:
        # a URL is set when not null (even "", which the url check refuses); a file when not ""
        value = mapping.get(key)
        return (value is not None if url else given(value)) or given(mapping.get(f"{key}_file"))

    global_url, global_app = has(g, "slack_api_url", url=True), has(g, "slack_app_token")
    for path, item in integrations(f, "slack_configs"):
        http = item.get("http_config")
        auth = isinstance(http, dict) and http.get("authorization") is not None
        local_url, local_app = has(item, "api_url", url=True), has(item, "app_token")
        if local_url and local_app:
            yield Hit("at most one of api_url/api_url_file & app_token/app_token_file", path)
        uses_global_app = not local_app and not auth and item.get("api_url") is None
        if not (local_url or local_app or global_url or (global_app and uses_global_app)):
            yield Hit("no Slack API URL (nor app token) set either inline or in a file", path)
        if http is None:  # the integration takes global's http_config
            shared = g.get("http_config")
            auth = isinstance(shared, dict) and shared.get("authorization") is not None
        if auth and (local_app or (global_app and uses_global_app and not global_url)):
            yield Hit("http authorization can't be set when using Slack App tokens", path)
        if item.get("app_url") is None and "slack_app_url" in g and g["slack_app_url"] is None:
            yield Hit("no global Slack App URL set", path)
        if item.get("update_message") is True and item.get("api_url") != SLACK_APP_URL:
            yield Hit(
                f"update_message can only be used with bot tokens: api_url must be {SLACK_APP_URL}",
                (*path, "update_message"),
            )
