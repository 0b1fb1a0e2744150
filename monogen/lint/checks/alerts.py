"""Alerting and recording rules: conventions that keep alerts useful and series sane."""

from __future__ import annotations

import re
from collections.abc import Iterator

from monogen.lint import promql as pq
from monogen.lint.checks._rules_shape import alerts, groups, rules, text
from monogen.lint.checks.rules import valid_duration
from monogen.lint.finding import Severity
from monogen.lint.gotemplate import action_bodies
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

WARNING, INFO = Severity.WARNING, Severity.INFO
COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
SEVERITIES = {"critical", "warning", "info", "none"}  # none: Watchdog, InfoInhibitor
CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
# level:metric:operations, as upstream mixins write it: the level may be left out for a
# global aggregation (`:node_memory_MemAvailable_bytes:sum`), the operations too
# (`node_namespace_pod_container:container_memory_working_set_bytes`,
# `node_namespace_pod:kube_pod_info:`), a metric may name a derived quantity
# (`apiserver_request:burnrate1h`). Without any colon it reads as a raw metric.
RECORD = re.compile(r"^[a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*(:[a-zA-Z0-9_]+)*:?$")


def _alerting(tree: object) -> bool:
    """Does the expression select alerts by a condition anywhere in it (a comparison inside
    an aggregation or label_replace counts), or fire on purpose (`vector(1)`, a watchdog)?"""
    top = pq.unwrap(tree)
    if type(top).__name__ == "Call" and top.func.name == "vector":
        return True
    return any(_condition(node) for node in pq.walk(tree))


def _condition(node: object) -> bool:
    kind = type(node).__name__
    if kind == "BinaryExpr":
        op = str(node.op)
        if op in COMPARISONS:
            return not (node.modifier and node.modifier.return_bool)
        return op in ("and", "unless")
    if kind == "Call":
        return node.func.name in ("absent", "absent_over_time")
    if kind == "AggregateExpr":
        return node.op is not None and str(node.op) in ("topk", "bottomk")
    if kind == "VectorSelector":
        return _existence_condition(node)
    return False


# Labels that say which target a series is from, not what state it is in.
IDENTITY_LABELS = frozenset(
    {
        "__name__",
        "job",
        "instance",
        "namespace",
        "cluster",
        "service",
        "pod",
        "container",
        "node",
        "endpoint",
        "region",
        "zone",
        "env",
        "environment",
        "tenant",
    }
)


# metrics whose value is always 1 and whose labels carry the facts (Prometheus' info
# metrics, and the `_metadata` families of Ceph and others)
INFO_SUFFIXES = ("_info", "_metadata")


def _existence_condition(selector: object) -> bool:
    """An info metric (value always 1: `*_info`, `*_metadata`) or ALERTS selected by a label
    that states a condition (`node_network_info{duplex!="full"}`,
    `ceph_nvmeof_subsystem_metadata{allow_any_host="yes"}`, `ALERTS{alertstate="firing"}`):
    the series exists just when the condition holds, so the matcher is the alert's condition.
    A gauge (`cilium_endpoint_state{endpoint_state="invalid"}`) is not: its value counts, 0
    included."""
    name = pq.metric_name(selector)
    if not (name.endswith(INFO_SUFFIXES) or name in ("ALERTS", "ALERTS_FOR_STATE")):
        return False
    matchers = selector.matchers.matchers  # type: ignore[attr-defined]
    return any(m.name not in IDENTITY_LABELS for m in matchers)


@check(
    "alerts/no-comparison",
    "rules",
    WARNING,
    "An alert expression has a condition (a "
    "comparison, `and`/`unless`, or absent()); without one every series fires.",
    scope="rule",
)
def no_comparison(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        tree, _ = pq.parse(text(rule.get("expr")) or "")
        if tree is not None and not _alerting(tree):
            yield Hit(
                "alert expression has no condition: it fires for every series it returns",
                (*path, "expr"),
            )


@check(
    "alerts/absent-without-for",
    "rules",
    WARNING,
    "An alert on absent() waits with `for`: series go missing briefly at every restart "
    "(`absent_over_time(x[w])` waits w itself).",
    scope="rule",
)
def absent_without_for(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        expr = text(rule.get("expr")) or ""
        if "absent" in expr and not _for_seconds(rule.get("for")) and _absent_unguarded(expr):
            yield Hit("absent() with no `for`: a scrape gap or restart pages", (*path, "expr"))


def _absent_unguarded(expr: str) -> bool:
    """The query calls absent(), which fires as soon as a series is stale;
    absent_over_time(x[w]) fires only after w without a sample, as `for: w` would. An
    expression that does not parse is judged by its text."""
    tree, _ = pq.parse(expr)
    if tree is None:
        return True
    return any(
        type(node).__name__ == "Call" and node.func.name == "absent" for node in pq.walk(tree)
    )


def _for_seconds(value: object) -> float:
    value = text(value)
    if not value or not valid_duration(value) or value == "0":
        return 0.0
    return parse_duration(value)


@check("alerts/for-zero", "rules", INFO, "`for: 0s` is the default; leave it out.", scope="rule")
def for_zero(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        value = text(rule.get("for"))
        if value is not None and valid_duration(value) and _for_seconds(value) == 0:
            yield Hit("`for` of zero is redundant", (*path, "for"))


@check(
    "alerts/value-in-labels",
    "rules",
    WARNING,
    "Labels do not interpolate the query value: each new value makes a new alert (and series).",
    scope="rule",
)
def value_in_labels(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        labels = rule.get("labels")
        if isinstance(labels, dict):
            for name, value in labels.items():
                value = text(value) or ""
                said = action_bodies(value)  # `{{ "{{" }} $value }}` is text, not the value
                if any("$value" in body or ".Value" in body for body in said):
                    yield Hit(
                        f"label {name!r} uses the query value; move it to an annotation",
                        (*path, "labels", name),
                    )


@check(
    "alerts/annotations",
    "rules",
    INFO,
    "Alerts carry `summary` and `description` annotations: a house convention (many teams "
    "write `message` or `title`), so `info` unless configured.",
    scope="rule",
)
def annotations(f: LintFile) -> Iterator[Hit]:
    yield from _missing_annotations(f, ("summary", "description"))


@check(
    "alerts/runbook-url",
    "rules",
    INFO,
    "Alerts link a runbook (`runbook_url`): a team policy, so `info` unless configured "
    '(`severity = {"alerts/runbook-url" = "error"}`).',
    scope="rule",
)
def runbook_url(f: LintFile) -> Iterator[Hit]:
    yield from _missing_annotations(f, ("runbook_url",))


def _missing_annotations(f: LintFile, keys: tuple[str, ...]) -> Iterator[Hit]:
    for path, rule in alerts(f):
        present = rule.get("annotations") if isinstance(rule.get("annotations"), dict) else {}
        missing = [k for k in keys if not present.get(k)]
        if missing:
            yield Hit(
                f"alert {text(rule.get('alert'))!r} has no {', '.join(missing)}", (*path, "alert")
            )


@check(
    "alerts/severity",
    "rules",
    INFO,
    "Alerts have a `severity` label of critical, warning, info or none: a house vocabulary "
    "(`page`, `major`, `s4`…), so `info`, and a warning once the lint configuration states "
    "the project's own (`severities`).",
    scope="rule",
)
def severity(f: LintFile) -> Iterator[Hit]:
    allowed = set(f.settings.get("severities", SEVERITIES))
    stated = WARNING if "severities" in f.settings else None  # the project said which
    for path, rule in alerts(f):
        labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
        value = text(labels.get("severity"))
        if value is None:
            yield Hit(
                f"alert {text(rule.get('alert'))!r} has no severity label",
                (*path, "alert"),
                severity=stated,
            )
        elif value not in allowed:
            yield Hit(
                f"severity {value!r} is not one of {', '.join(sorted(allowed))}",
                (*path, "labels", "severity"),
                severity=stated,
            )


@check(
    "alerts/name-camelcase",
    "rules",
    INFO,
    "Alert names are CamelCase, e.g. ModelHighLatency.",
    scope="rule",
)
def name_camelcase(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        name = text(rule.get("alert"))
        if name and not CAMEL.match(name):
            yield Hit(f"alert name {name!r} is not CamelCase", (*path, "alert"))


@check(
    "rules/record-naming",
    "rules",
    INFO,
    "Recording rule names follow level:metric:operations (the level or the operations may "
    "be left out, as in `:node_memory_MemAvailable_bytes:sum`): Prometheus' advice, not a "
    "rule it enforces, so `info`.",
    scope="rule",
)
def record_naming(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        name = text(rule.get("record"))
        if name and not text(rule.get("alert")) and not RECORD.match(name):
            yield Hit(
                f"recording rule {name!r} does not follow level:metric:operations",
                (*path, "record"),
            )


@check(
    "rules/duplicate",
    "rules",
    WARNING,
    "No two rules in a file have the same name, expression and labels.",
)
def duplicate(f: LintFile) -> Iterator[Hit]:
    seen: dict[tuple, tuple] = {}
    for path, rule in rules(f):
        labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
        key = (
            text(rule.get("record")) or text(rule.get("alert")),
            text(rule.get("expr")),
            tuple(sorted((k, text(v)) for k, v in labels.items())),
        )
        if key in seen:
            yield Hit(f"duplicate of the rule at {'.'.join(map(str, seen[key]))}", path)
        else:
            seen[key] = path


@check(
    "rules/group-interval",
    "rules",
    WARNING,
    "Group intervals stay at 5m or less when the group holds a recording rule: its series "
    "go stale between evaluations (Prometheus looks back 5m). A group of alerting rules "
    "only is slow by choice, so a long interval there is `info`.",
)
def group_interval(f: LintFile) -> Iterator[Hit]:
    for gi, group in groups(f):
        value = text(group.get("interval"))
        if value and valid_duration(value) and value != "0" and parse_duration(value) > 300:
            records = any(
                isinstance(rule, dict) and "record" in rule for rule in group.get("rules") or []
            )
            if records:
                yield Hit(
                    f"group interval {value} is longer than 5m: its recorded series go "
                    "stale between evaluations (Prometheus looks back 5m)",
                    ("groups", gi, "interval"),
                )
            else:
                yield Hit(
                    f"group interval {value} is longer than 5m (alerting rules only: "
                    "no recorded series to go stale)",
                    ("groups", gi, "interval"),
                    severity=INFO,
                )


@check(
    "rules/redundant-default",
    "rules",
    INFO,
    "Fields set to what Prometheus assumes anyway (`keep_firing_for: 0s`, group `limit: 0`, "
    "empty `labels` or `annotations`) are left out.",
)
def redundant_default(f: LintFile) -> Iterator[Hit]:
    for gi, group in groups(f):
        if group.get("limit") == 0 and type(group.get("limit")) is int:
            yield Hit("`limit: 0` is the default (no limit)", ("groups", gi, "limit"))
    for path, rule in rules(f):
        value = text(rule.get("keep_firing_for"))
        if value is not None and valid_duration(value) and _for_seconds(value) == 0:
            yield Hit("`keep_firing_for` of zero is the default", (*path, "keep_firing_for"))
        for key in ("labels", "annotations"):
            if key in rule and not rule[key]:
                yield Hit(f"empty `{key}`: leave it out", (*path, key), key=True)
