"""Alertmanager configs: what `amtool check-config` rejects, rejected here with an error.
Routing mistakes amtool lets through are in routing.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.compile import re2
from monogen.compile.matchers import parse_matchers
from monogen.lint import versions
from monogen.lint.checks._alertmanager_shape import (
    FIELDS,
    Path,
    _data,
    integrations,
    receivers,
    routes,
)
from monogen.lint.checks._rules_shape import text
from monogen.lint.checks.integrations import given
from monogen.lint.checks.rules import valid_duration
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.secrets import shown

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@check(
    "alertmanager/unknown-field",
    "alertmanager",
    ERROR,
    "Every key is one Alertmanager knows.",
    parity="amtool: field X not found in type config.*",
)
def unknown_field(f: LintFile) -> Iterator[Hit]:
    data = _data(f)

    def unknown(mapping: Any, part: str, path: Path, where: str) -> Iterator[Hit]:
        if isinstance(mapping, dict):
            allowed = FIELDS[part] | versions.accepted(f.settings, "alertmanager", where)
            for key in mapping:
                if key not in allowed:
                    newer = versions.hint(f.settings, "alertmanager", where, str(key))
                    yield Hit(f"unknown field {key!r} in {where}{newer}", (*path, key), key=True)

    yield from unknown(data, "top", (), "the config")
    yield from unknown(data.get("global"), "global", ("global",), "global")
    for path, route, _ in routes(f):
        yield from unknown(route, "route", path, "route")
    for path, receiver in receivers(f):
        yield from unknown(receiver, "receiver", path, "receiver")
    for kind in sorted(k for k in FIELDS if k.endswith("_configs")):
        for path, item in integrations(f, kind):
            yield from unknown(item, kind, path, kind[:-1])
    for path, part, mapping in client_parts(f):
        yield from unknown(mapping, part, path, part)
    for i, rule in enumerate(_list(data.get("inhibit_rules"))):
        yield from unknown(rule, "inhibit_rules", ("inhibit_rules", i), "inhibit rule")
    for key in ("time_intervals", "mute_time_intervals"):
        for i, entry in enumerate(_list(data.get(key))):
            yield from unknown(entry, "time_intervals", (key, i), "time interval")
            if isinstance(entry, dict):
                for j, spec in enumerate(_list(entry.get("time_intervals"))):
                    where = (key, i, "time_intervals", j)
                    yield from unknown(spec, "interval", where, "time interval")
                    times = spec.get("times") if isinstance(spec, dict) else None
                    for k, span in enumerate(_list(times)):
                        yield from unknown(span, "times", (*where, "times", k), "time range")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def client_parts(f: LintFile) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    """(path, part, mapping) for every HTTP client setting (global and each integration's
    http_config, with its basic_auth, authorization, oauth2 and tls_config) and every TLS
    setting of email (global smtp_tls_config, an email integration's tls_config)."""
    g = _data(f).get("global")
    places: list[tuple[Path, Any, str]] = []
    if isinstance(g, dict):
        places += [(("global", "http_config"), g.get("http_config"), "http_config")]
        places += [(("global", "smtp_tls_config"), g.get("smtp_tls_config"), "tls_config")]
    for kind in sorted(k for k in FIELDS if k.endswith("_configs")):
        for path, item in integrations(f, kind):
            places.append(((*path, "http_config"), item.get("http_config"), "http_config"))
            if kind == "email_configs":
                places.append(((*path, "tls_config"), item.get("tls_config"), "tls_config"))
    while places:
        path, mapping, part = places.pop(0)
        if not isinstance(mapping, dict):
            continue
        yield path, part, mapping
        if part in ("http_config", "oauth2"):
            places.append(((*path, "tls_config"), mapping.get("tls_config"), "tls_config"))
        if part == "http_config":
            places += [((*path, k), mapping.get(k), k) for k in ("basic_auth", "authorization")]
            places.append(((*path, "oauth2"), mapping.get("oauth2"), "oauth2"))


@check(
    "alertmanager/root-route",
    "alertmanager",
    ERROR,
    "The root route exists, names a "
    "default receiver, and has no matchers, `continue` or time intervals.",
    parity="amtool: root route must specify a default receiver",
)
def root_route(f: LintFile) -> Iterator[Hit]:
    if not isinstance(f.data, dict):  # --kind alertmanager on a list or a scalar
        what = "empty" if f.data is None else f"a {type(f.data).__name__}, not a mapping"
        yield Hit(f"no route provided in config: the file is {what} (route:, receivers:)", ())
        return
    root = _data(f).get("route")
    if not isinstance(root, dict):
        yield Hit("no route provided in config", ())
        return
    if not text(root.get("receiver")):
        yield Hit("root route must specify a default receiver", ("route",))
    for key in ("matchers", "match", "match_re"):
        if root.get(key):
            yield Hit("root route must not have any matchers", ("route", key), key=True)
    if root.get("continue"):
        yield Hit("cannot have continue in root route", ("route", "continue"), key=True)
    for key in ("mute_time_intervals", "active_time_intervals"):
        if root.get(key):
            yield Hit(
                f"root route cannot have any {key.replace('_', ' ')}", ("route", key), key=True
            )


@check(
    "alertmanager/receiver-undefined",
    "alertmanager",
    ERROR,
    "Every route's receiver is defined.",
    parity="amtool: undefined receiver X used in route",
)
def receiver_undefined(f: LintFile) -> Iterator[Hit]:
    names = {text(r.get("name")) for _, r in receivers(f)}
    for path, route, _ in routes(f):
        name = text(route.get("receiver"))
        if name and name not in names:
            yield Hit(f"undefined receiver {name!r} used in route", (*path, "receiver"))


@check(
    "alertmanager/receiver-name",
    "alertmanager",
    ERROR,
    "Every receiver has a name, unique in the config.",
    parity="amtool: notification config name X is not unique",
)
def receiver_name(f: LintFile) -> Iterator[Hit]:
    seen: set[str] = set()
    for path, receiver in receivers(f):
        name = text(receiver.get("name"))
        if not name:
            yield Hit("missing name in receiver", path)
        elif name in seen:
            yield Hit(f"notification config name {name!r} is not unique", (*path, "name"))
        else:
            seen.add(name)


@check(
    "alertmanager/pagerduty-key",
    "alertmanager",
    ERROR,
    "A PagerDuty integration has a routing or service key (or its file).",
    parity="amtool: missing service or routing key in PagerDuty config",
)
def pagerduty_key(f: LintFile) -> Iterator[Hit]:
    for path, item in integrations(f, "pagerduty_configs"):
        keys = [
            k
            for k in ("routing_key", "routing_key_file", "service_key", "service_key_file")
            if item.get(k)
        ]
        if not keys:
            yield Hit("missing service or routing key in PagerDuty config", path)


@check(
    "alertmanager/email-smtp",
    "alertmanager",
    ERROR,
    "An email integration has `to`, and a smarthost and from address, here or in global.",
    parity="amtool: no global SMTP smarthost set",
)
def email_smtp(f: LintFile) -> Iterator[Hit]:
    g = _data(f).get("global") if isinstance(_data(f).get("global"), dict) else {}
    for path, item in integrations(f, "email_configs"):
        if not item.get("to"):
            yield Hit("missing to address in email config", path)
        if not item.get("smarthost") and not g.get("smtp_smarthost"):
            yield Hit("no global SMTP smarthost set", path)
        if not item.get("from") and not g.get("smtp_from"):
            yield Hit("no global SMTP from set", path)
    for key, where in ((g.get("smtp_smarthost"), ("global", "smtp_smarthost")),):
        if key is not None and not re.match(r"^\[?[^\s\]]*\]?:\d+$", str(key)):
            yield Hit(f"address {key}: missing port in address", where)
    for path, item in integrations(f, "email_configs"):
        host = item.get("smarthost")
        if host is not None and not re.match(r"^\[?[^\s\]]*\]?:\d+$", str(host)):
            yield Hit(f"address {host}: missing port in address", (*path, "smarthost"))


@check(
    "alertmanager/webhook-url",
    "alertmanager",
    ERROR,
    "A webhook integration has a URL or its file (the url check says if a URL is one).",
    parity="amtool: missing URL in webhook config",
)
def webhook_url(f: LintFile) -> Iterator[Hit]:
    for path, item in integrations(f, "webhook_configs"):
        if item.get("url") is None and not given(item.get("url_file")):
            yield Hit("missing URL in webhook config: one of url or url_file", path)


def _matcher_fields(f: LintFile) -> Iterator[tuple[Path, Any, str]]:
    for path, route, _ in routes(f):
        for key in ("matchers", "match", "match_re"):
            if key in route:
                yield (*path, key), route[key], key
    for i, rule in enumerate(_data(f).get("inhibit_rules") or []):
        if isinstance(rule, dict):
            for key in (
                "source_matchers",
                "target_matchers",
                "source_match",
                "target_match",
                "source_match_re",
                "target_match_re",
            ):
                if key in rule:
                    yield ("inhibit_rules", i, key), rule[key], key


@check(
    "alertmanager/matcher-syntax",
    "alertmanager",
    ERROR,
    'Matchers parse: `label="value"` with =, !=, =~ or !~, and regexes compile; label names '
    "(inhibit rules' `equal` too) are valid.",
    parity="amtool: bad matcher format / invalid regular expression",
)
def matcher_syntax(f: LintFile) -> Iterator[Hit]:
    for i, rule in enumerate(_data(f).get("inhibit_rules") or []):
        equal = rule.get("equal") if isinstance(rule, dict) else None
        for j, name in enumerate(equal if isinstance(equal, list) else []):
            if not label_name(f, text(name)):
                yield Hit(f"invalid label name {name!r} in equal", ("inhibit_rules", i, "equal", j))
    for path, value, key in _matcher_fields(f):
        if key.endswith("matchers"):
            if not isinstance(value, list):
                yield Hit(f"`{key}` must be a list of matcher strings", path)
                continue
            for i, item in enumerate(value):
                try:
                    parse_matchers(str(item))
                except ValueError as exc:
                    yield Hit(str(exc), (*path, i))
        elif isinstance(value, dict):
            for name, item in value.items():
                if not re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", str(name)):
                    yield Hit(f"invalid label name {name!r}", (*path, name), key=True)
                if key.endswith("_re") and (item is None or isinstance(item, (list, dict))):
                    # null leaves amtool's regexp unset: "invalid regexp value for X"
                    yield Hit(f"invalid regexp value for {name!r}: give a regex", (*path, name))
                elif key.endswith("_re"):
                    refused = re2.problem(str(item))
                    if refused:
                        yield Hit(
                            f"invalid regular expression {shown(item)}: {refused}", (*path, name)
                        )
        else:
            yield Hit(f"`{key}` must be a mapping of label to value", path)


@check(
    "alertmanager/duration",
    "alertmanager",
    ERROR,
    "Durations (group_wait, "
    "group_interval, repeat_interval, resolve_timeout) are valid and positive where "
    "required.",
    parity="amtool: not a valid duration string",
)
def duration(f: LintFile) -> Iterator[Hit]:
    g = _data(f).get("global")
    if (
        isinstance(g, dict)
        and "resolve_timeout" in g
        and not valid_duration(text(g["resolve_timeout"]))
    ):
        yield Hit(
            f"not a valid duration string: {g['resolve_timeout']!r}", ("global", "resolve_timeout")
        )
    for path, route, _ in routes(f):
        for key in ("group_wait", "group_interval", "repeat_interval"):
            if key in route:
                value = text(route[key])
                if not valid_duration(value):
                    yield Hit(f"not a valid duration string: {route[key]!r}", (*path, key))
                elif key != "group_wait" and value in ("0", "0s", "0ms"):
                    yield Hit(f"{key} cannot be zero", (*path, key))


@check(
    "alertmanager/time-interval-undefined",
    "alertmanager",
    ERROR,
    "Routes name only time intervals the config defines.",
    parity="amtool: undefined time interval X used in route",
)
def time_interval_undefined(f: LintFile) -> Iterator[Hit]:
    defined = {
        text(entry.get("name"))
        for key in ("time_intervals", "mute_time_intervals")
        for entry in (_data(f).get(key) or [])
        if isinstance(entry, dict)
    }
    for path, route, _ in routes(f):
        for key in ("mute_time_intervals", "active_time_intervals"):
            for i, name in enumerate(route.get(key) or []):
                if text(name) not in defined:
                    yield Hit(f"undefined time interval {name!r} used in route", (*path, key, i))


@check(
    "alertmanager/group-by",
    "alertmanager",
    ERROR,
    "`group_by` lists each label once, and '...' alone.",
    parity="amtool: duplicated label in group_by",
)
def group_by(f: LintFile) -> Iterator[Hit]:
    for path, route, _ in routes(f):
        labels = route.get("group_by")
        if not isinstance(labels, list):
            continue
        names = [text(x) for x in labels]
        if "..." in names and len(names) > 1:
            yield Hit(
                "cannot have wildcard group_by (`...`) and other labels at the same time",
                (*path, "group_by"),
            )
        for i, name in enumerate(names):
            if name in names[:i]:
                yield Hit(f"duplicated label {name!r} in group_by", (*path, "group_by", i))
            elif name != "..." and not label_name(f, name):
                yield Hit(f"invalid label name {name!r} in group_by", (*path, "group_by", i))


def label_name(f: LintFile, name: str | None) -> bool:
    """A label name as group_by and inhibit rules' `equal` take it: any text from 0.27
    (matchers/compat's UTF-8 names), a classic name before."""
    if versions.reads(f.settings, "alertmanager/utf8-names"):
        return bool(name)
    return bool(re.match(r"^[a-zA-Z_][a-zA-Z0-9_]*$", name or ""))
