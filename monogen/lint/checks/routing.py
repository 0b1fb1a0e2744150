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


# Values that stand where a secret goes but are none: `<integration_key>`, `${SLACK_URL}`,
# `$SLACK_URL`, `{{ .Values.x }}`, `XXXX`, `changeme`, `your_key`, `your password here`,
# `REPLACE_ME`, `TODO`, `example…`, an elision (`...`). Matched whole (a value, or one part
# of a URL); only such a value is ever quoted back in a message.
_PLACEHOLDER = re.compile(
    r"<[^<>]{1,60}>|\$\{[^{}]{1,60}\}|\$[A-Z_][A-Z0-9_]{0,60}|\{\{[^{}]{1,60}\}\}|"
    r"(?i:(?:x{3,}|y{3,}|z{3,})(?:[-_.](?:x+|y+|z+))*)|"
    r"(?i:change[-_]?me|todo|your[-_ ]\w[\w -]{0,40}|replace(?:me|[-_]\w{1,40})?)|"
    r"(?i:example\w{0,40})|\.{3,}|…"
)
LONGEST_PLACEHOLDER = 40
# A URL part that looks like a credential: long, letters and digits, not one character
# repeated (`T00000000` is a placeholder too).
_CREDENTIAL_PART = re.compile(r"(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9_-]{8,}")


def placeholder(value: object) -> str | None:
    """The placeholder `value` is, or (for a URL) the one its credential part is; None when
    it may be a real secret."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _PLACEHOLDER.fullmatch(value):
        return value
    if "://" not in value:
        return None
    try:
        parts = urlsplit(value)
        password = parts.password
        pieces = [*(parts.hostname or "").split("."), *parts.path.split("/")]
    except ValueError:  # an unparsable port or host: not one to call a placeholder
        return None
    pieces += [v for _, _, v in (q.partition("=") for q in parts.query.split("&"))]
    pieces = [p for p in pieces if p]
    if password and not _PLACEHOLDER.fullmatch(password):
        return None  # a password in the URL may be real
    found = [p for p in pieces if _PLACEHOLDER.fullmatch(p)]
    real = [p for p in pieces if p not in found and _credential(p)]
    return found[0] if found and not real else None


def _credential(part: str) -> bool:
    return bool(_CREDENTIAL_PART.fullmatch(part)) and len(set(part[1:])) > 2


def _inline(key: str, value: object, where: str) -> str:
    """The message for secret `key` written inline as `value`: a placeholder is named (and
    quoted when short), a value that may be real never is."""
    found = placeholder(value)
    if found is None and isinstance(value, str) and _bare_url(value.strip()):
        return (
            f"a URL with no credential ({value.strip()!r}) where secret {key!r} goes: as "
            f"written {where} cannot deliver; write the secret to a file and use {key}_file"
        )
    if found is None:
        return f"secret {key!r} written inline; use {key}_file"
    what = f"placeholder {found!r}" if len(found) <= LONGEST_PLACEHOLDER else "a placeholder"
    if isinstance(value, str) and found != value.strip():
        what = f"a URL with {what.removeprefix('a ')}"
    return (
        f"{what} where secret {key!r} goes: as written {where} cannot deliver; write the "
        f"secret to a file and use {key}_file"
    )


def _written(value: object) -> bool:
    """A value is written (an empty string or null holds no secret: nothing to move), and
    is not a URL none of whose parts could be a credential or a placeholder
    (a relay such as `http://slack-proxy:8080/`), except Slack's webhook host, whose URL
    is the secret (`https://hooks.slack.com/services/` with nothing after it is reported
    as a URL with no credential)."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return False
    bare = isinstance(value, str) and _bare_url(value.strip())
    return not bare or placeholder(value) is not None or _slack_hook(value)


def _slack_hook(value: object) -> bool:
    try:
        return isinstance(value, str) and urlsplit(value.strip()).hostname == "hooks.slack.com"
    except ValueError:
        return False


def _bare_url(value: str) -> bool:
    """A URL with no password, no query value and no part that could be a credential
    (one with letters and digits, or 16 characters or more)."""
    if "://" not in value or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
        password = parts.password
        pieces = [*(parts.hostname or "").split("."), *parts.path.split("/")]
    except ValueError:
        return False
    if password or parts.query or parts.fragment:
        return False
    return not any(_credential(p) or len(p) >= 16 for p in pieces if p)


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
                message = _inline(key, g[key], "the receivers that use it")
                yield Hit(message, ("global", key), key=True)
    for kind in ("slack_configs", "email_configs", "pagerduty_configs", "webhook_configs"):
        for path, item in integrations(f, kind):
            for key in SECRET_FIELDS & set(item):
                if not _written(item[key]):
                    continue
                message = _inline(key, item[key], "this receiver")
                yield Hit(message, (*path, key), key=True)
            url = text(item.get("url")) or ""
            parts = urlsplit(url)
            if parts.password or re.search(r"(token|key|secret|password)=", parts.query, re.I):
                yield Hit("URL carries credentials", (*path, "url"))
