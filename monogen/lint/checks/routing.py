"""Alertmanager configs: routing mistakes `amtool check-config` lets through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from monogen.lint.checks._alertmanager_shape import (
    _data,
    integrations,
    receivers,
    routes,
)
from monogen.lint.checks._matcher_logic import implies_all, matcher_sets
from monogen.lint.checks._rules_shape import text
from monogen.lint.checks.routing_tree import tree
from monogen.lint.checks.rules import valid_duration
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

WARNING, INFO = Severity.WARNING, Severity.INFO


@check(
    "alertmanager/unused-receiver",
    "alertmanager",
    INFO,
    "Every receiver is used by a route (info: Alertmanager accepts an unused receiver and "
    "no alert is lost; it is dead configuration).",
)
def unused_receiver(f: LintFile) -> Iterator[Hit]:
    used = {text(route.get("receiver")) for _, route, _ in routes(f)}
    for path, receiver in receivers(f):
        name = text(receiver.get("name"))
        if name and name not in used:
            yield Hit(f"receiver {name!r} is not used by any route", (*path, "name"))


@check(
    "alertmanager/shadowed-route",
    "alertmanager",
    WARNING,
    "No route is unreachable "
    "because an earlier sibling without `continue` matches everything it matches "
    '(`a="x"` implies `a=~"x|y"`; no matchers, or `=~".*"`, match every alert).',
)
def shadowed_route(f: LintFile) -> Iterator[Hit]:
    for path, route, _ in routes(f):
        children = route.get("routes") if isinstance(route.get("routes"), list) else []
        for j, later in enumerate(children):
            later_set = matcher_sets(later) if isinstance(later, dict) else None
            for i, earlier in enumerate(children[:j]):
                if not isinstance(earlier, dict) or earlier.get("continue") is True:
                    continue
                earlier_set = matcher_sets(earlier)
                if later_set is None or earlier_set is None:
                    continue
                if implies_all(later_set, earlier_set):
                    yield Hit(
                        f"route {j} can never match: route {i} before it matches every "
                        "alert it would and does not continue",
                        (*path, "routes", j),
                    )
                    break


@check(
    "alertmanager/inhibit-without-equal",
    "alertmanager",
    WARNING,
    "Inhibit rules list "
    "`equal` labels; without them one alert silences every matching alert anywhere.",
)
def inhibit_without_equal(f: LintFile) -> Iterator[Hit]:
    for i, rule in enumerate(_data(f).get("inhibit_rules") or []):
        if isinstance(rule, dict) and not rule.get("equal"):
            yield Hit("inhibit rule without `equal`", ("inhibit_rules", i))


@check(
    "alertmanager/group-by-alertname",
    "alertmanager",
    INFO,
    "Routes that set `group_by` include `alertname`, so unrelated alerts are not sent as one.",
)
def group_by_alertname(f: LintFile) -> Iterator[Hit]:
    for path, route, _ in routes(f):
        labels = route.get("group_by")
        if (
            isinstance(labels, list)
            and labels
            and "alertname" not in labels
            and "..." not in labels
        ):
            yield Hit("group_by without alertname", (*path, "group_by"))


@check(
    "alertmanager/repeat-interval",
    "alertmanager",
    WARNING,
    "repeat_interval (default 4h) is not shorter than group_interval (default 5m), as a "
    "route inherits them: it cannot repeat faster.",
)
def repeat_interval(f: LintFile) -> Iterator[Hit]:
    for path, route, effective in tree(f):
        repeat = effective.get("repeat_interval", "4h")
        group = effective.get("group_interval", "5m")
        own = [k for k in ("repeat_interval", "group_interval") if text(route.get(k))]
        comparable = all(v != "0" and valid_duration(v) for v in (repeat, group))
        if own and comparable and parse_duration(repeat) < parse_duration(group):
            yield Hit(
                f"repeat_interval {repeat} is shorter than group_interval {group}",
                (*path, own[0]),
            )


SECRET_FIELDS = {
    "api_url",
    "routing_key",
    "service_key",
    "auth_password",
    "smtp_auth_password",
    "slack_api_url",
    "opsgenie_api_key",
    "victorops_api_key",
    "auth_secret",
    "smtp_auth_secret",
    "wechat_api_secret",
}


def _written(value: object) -> bool:
    """A value is written (an empty string or null holds no secret: nothing to move)."""
    return value is not None and (not isinstance(value, str) or value.strip() != "")


@check(
    "alertmanager/inline-secret",
    "alertmanager",
    WARNING,
    "Secrets (webhook URLs, keys, "
    "passwords) are read from files (`*_file`), not written in the config.",
)
def inline_secret(f: LintFile) -> Iterator[Hit]:
    g = _data(f).get("global")
    if isinstance(g, dict):
        for key in SECRET_FIELDS & set(g):
            if _written(g[key]):
                yield Hit(
                    f"secret {key!r} written inline; use {key}_file", ("global", key), key=True
                )
    for kind in ("slack_configs", "email_configs", "pagerduty_configs", "webhook_configs"):
        for path, item in integrations(f, kind):
            for key in SECRET_FIELDS & set(item):
                if not _written(item[key]):
                    continue
                yield Hit(f"secret {key!r} written inline; use {key}_file", (*path, key), key=True)
            url = text(item.get("url")) or ""
            parts = urlsplit(url)
            if parts.password or re.search(r"(token|key|secret|password)=", parts.query, re.I):
                yield Hit("URL carries credentials", (*path, "url"))
