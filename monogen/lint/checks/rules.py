"""Rule files: what `promtool check rules` rejects, rejected here with an error."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from monogen.lint import gotemplate, versions
from monogen.lint import promql as pq
from monogen.lint.checks._rules_shape import groups, rules, text
from monogen.lint.dialects import PROMETHEUS, readers_of
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.releases import EXPERIMENTAL, PROMQL_FUNCTIONS, QUOTED_LABEL_NAMES
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

ERROR = Severity.ERROR
WARNING = Severity.WARNING
METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def valid_duration(value: object) -> bool:
    return isinstance(value, str) and _valid_duration(value)


@lru_cache(maxsize=4096)  # files repeat a handful of durations thousands of times
def _valid_duration(value: str) -> bool:
    if value == "0":
        return True
    try:
        parse_duration(value)
    except ValueError:
        return False
    return True


@check(
    "rules/schema",
    "rules",
    ERROR,
    "Rule files have the shape Prometheus reads: "
    "`groups` a list of groups, each with a list of rule mappings.",
    parity="promtool: yaml unmarshal errors",
)
def schema(f: LintFile) -> Iterator[Hit]:
    data = f.data
    if not isinstance(data, dict):
        yield Hit("a rule file must be a mapping with `groups`")
        return
    if not isinstance(data.get("groups"), list | None):
        yield Hit("`groups` must be a list", ("groups",))
        return
    for i, group in enumerate(data.get("groups") or []):
        if not isinstance(group, dict):
            yield Hit("a group must be a mapping", ("groups", i))
            continue
        if not isinstance(group.get("rules"), list | None):
            yield Hit("`rules` must be a list", ("groups", i, "rules"))
            continue
        for j, rule in enumerate(group.get("rules") or []):
            if not isinstance(rule, dict):
                yield Hit("a rule must be a mapping", ("groups", i, "rules", j))
                continue
            for key in ("labels", "annotations"):
                if key in rule and not isinstance(rule[key], dict | None):
                    yield Hit(f"`{key}` must be a mapping", ("groups", i, "rules", j, key))
            for key in ("record", "alert", "expr", "for", "keep_firing_for"):
                if key in rule and text(rule[key]) is None and rule[key] is not None:
                    yield Hit(f"`{key}` must be a string", ("groups", i, "rules", j, key))
        if "limit" in group and (
            not isinstance(group["limit"], int) or isinstance(group["limit"], bool)
        ):
            yield Hit("`limit` must be a whole number", ("groups", i, "limit"))


@check(
    "rules/unknown-field",
    "rules",
    ERROR,
    "Every key is one the file's reader knows: Prometheus, or the ruler its dialect names "
    "(Thanos, Mimir, vmalert).",
    parity="promtool: field X not found in type rulefmt.*; vmalert -dryRun: unknown fields",
)
def unknown_field(f: LintFile) -> Iterator[Hit]:
    dialect = f.dialect
    if isinstance(f.data, dict):
        # a PrometheusRule's spec holds the groups alone, whoever reads them
        fields = dialect.file_fields if not f.root else frozenset({"groups"})
        for key in f.data:
            if key not in fields:
                yield _unknown(f, key, "file", (key,), "the rule file")
        for key in sorted(dialect.required - set(f.data) if not f.root else ()):
            yield Hit(f"{dialect.reader} needs `{key}` in the rule file", ())
    tool = dialect.versioned_by
    newer = versions.accepted(f.settings, tool, "group") if tool else set()
    for gi, group in groups(f):
        for key in group:
            if key not in dialect.group_fields and key not in newer:
                yield _unknown(f, key, "group", ("groups", gi, key), "group")
    newer = versions.accepted(f.settings, tool, "rule") if tool else set()
    for path, rule in rules(f):
        for key in rule:
            if key not in dialect.rule_fields and key not in newer:
                yield _unknown(f, key, "rule", (*path, key), "rule")


def _unknown(f: LintFile, key: object, where: str, path: tuple[object, ...], what: str) -> Hit:
    message = f"unknown field {key!r} in {what}: {f.dialect.reader} reads no such field"
    if f.dialect.versioned_by:
        message += versions.hint(f.settings, f.dialect.versioned_by, where, str(key))
    others = [d for d in readers_of(str(key), where) if d != f.dialect.name]
    if others:
        message += (
            f" ({', '.join(others)} does: lint such files under rulers/<engine>/ or name "
            "their dialect in the lint configuration's `dialects`)"
        )
    return Hit(message, path, key=True)


@check(
    "rules/group-name",
    "rules",
    ERROR,
    "Every group has a name, unique in its file.",
    parity="promtool: Groupname must not be empty / is repeated in the same file",
)
def group_name(f: LintFile) -> Iterator[Hit]:
    seen: set[str] = set()
    for gi, group in groups(f):
        name = text(group.get("name"))
        if not name:
            yield Hit("group has no name", ("groups", gi))
        elif name in seen:
            yield Hit(f"group name {name!r} is repeated in the same file", ("groups", gi, "name"))
        else:
            seen.add(name)


@check(
    "rules/record-or-alert",
    "rules",
    ERROR,
    "A rule is either a recording rule or an alerting rule: exactly one of `record` and `alert`.",
    parity="promtool: one of 'record' or 'alert' must be set",
    scope="rule",
)
def record_or_alert(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        has_record, has_alert = bool(text(rule.get("record"))), bool(text(rule.get("alert")))
        if has_record and has_alert:
            yield Hit("only one of `record` and `alert` may be set", path)
        elif not has_record and not has_alert:
            yield Hit("one of `record` or `alert` must be set", path)


@check(
    "rules/expr-missing",
    "rules",
    ERROR,
    "Every rule has an `expr`.",
    parity="promtool: field 'expr' must be set in rule",
    scope="rule",
)
def expr_missing(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        if not text(rule.get("expr")):
            yield Hit("field `expr` must be set in rule", path)


@check(
    "rules/promql-syntax",
    "rules",
    ERROR,
    "Every `expr` parses as PromQL.",
    parity="promtool: could not parse expression",
    scope="rule",
)
def promql_syntax(f: LintFile) -> Iterator[Hit]:
    version = versions.target(f.settings, "prometheus")
    for path, rule in rules(f):
        expr = text(rule.get("expr"))
        if expr:
            tree, error = pq.parse(expr)
            holt = tree is None and version < (3, 0) and "holt_winters" in expr
            if holt:  # promql_parser reads only Prometheus 3's (experimental) name for it
                tree, error = pq.parse(expr.replace("holt_winters", HOLT))
            if error == pq.TOO_DEEP:
                yield Hit(
                    f"the expression nests {pq.depth(expr)} levels deep and chains up to "
                    f"{pq.operators(expr)} operators; monogen checks expressions up to "
                    f"{pq.MAX_DEPTH} levels and {pq.MAX_OPERATORS} operators and has not "
                    "checked this one",
                    (*path, "expr"),
                    severity=WARNING,
                )
            elif tree is None:
                yield Hit(f"could not parse expression: {error}", (*path, "expr"))
            else:
                problem = promql_release_problem(expr, tree, version, holt)
                if problem:
                    yield Hit(f"could not parse expression: {problem}", (*path, "expr"))


HOLT = "double_exponential_smoothing"


def promql_release_problem(
    expr: str, tree: object, version: versions.Version, holt: bool = False
) -> str:
    """What the target Prometheus release does not read in a parsed expression: functions
    it does not have (or has only behind a feature flag), quoted label names before 2.53."""
    for node in pq.walk(tree):
        kind = type(node).__name__
        name = node.func.name if kind == "Call" else str(node.op) if kind == "AggregateExpr" else ""
        if not name or (holt and name == HOLT):  # holt_winters, which 2.x reads
            continue
        if name in EXPERIMENTAL.split():
            return f"{name} is experimental: promtool reads it only with feature flags"
        first, gone = PROMQL_FUNCTIONS.get(name, (None, None))
        if (first and version < first) or (gone and version >= gone):
            return f"unknown function with name {name!r} in Prometheus {versions.shown(version)}"
    if version < QUOTED_LABEL_NAMES and _quoted_label_name(expr):
        return "a quoted label name in a selector: Prometheus reads them from 2.53"
    return ""


_QUOTE_AFTER = re.compile(r"[{,]\s*[\"'`]")


def _quoted_label_name(expr: str) -> bool:
    """A string literal where a label name goes: just after `{` or `,` inside braces."""
    if not _QUOTE_AFTER.search(expr):  # the common case, without a walk of every character
        return False
    depth, quote, last = 0, "", ""
    for i, ch in enumerate(expr):
        if quote:
            if ch == quote and expr[i - 1] != "\\":
                quote = ""
            continue
        if ch in "\"'`":
            if depth and last in "{,":
                return True
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        if not ch.isspace():
            last = ch
    return False


@check(
    "rules/record-name",
    "rules",
    ERROR,
    "A recording rule's name is a valid metric name (from Prometheus 3.0 any text without braces).",
    parity="promtool: invalid recording rule name",
    scope="rule",
)
def record_name(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        name = text(rule.get("record"))
        if not name or METRIC_NAME.match(name):
            continue
        if not versions.utf8_names(f.settings):
            yield Hit(f"invalid recording rule name {name!r}", (*path, "record"))
        elif "{" in name or "}" in name:  # any UTF-8 text from 3.0, but for braces
            yield Hit(
                f"braces present in the recording rule name {name!r}; should it be in expr?",
                (*path, "record"),
            )


@check(
    "rules/label-name",
    "rules",
    ERROR,
    "Label and annotation names are valid label names; `__name__` is not a label a rule may set.",
    parity="promtool: invalid label name / invalid annotation name",
    scope="rule",
)
def label_name(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        for key in ("labels", "annotations"):
            items = rule.get(key)
            if not isinstance(items, dict):
                continue
            for name in items:
                valid = LABEL_NAME.match(name) or (name and versions.utf8_names(f.settings))
                if not valid or (key == "labels" and name == "__name__"):
                    kind = "label" if key == "labels" else "annotation"
                    yield Hit(f"invalid {kind} name {name!r}", (*path, key, name), key=True)


@check(
    "rules/group-labels",
    "rules",
    ERROR,
    "A group's labels (Prometheus 3.0 reads them) have valid names, never `__name__`, and "
    "text values.",
    parity="promtool 3.x: invalid label name / invalid label value",
)
def group_labels(f: LintFile) -> Iterator[Hit]:
    if f.dialect != PROMETHEUS or not versions.reads(f.settings, "prometheus/group-labels"):
        return  # before 3.0 the field is unknown (rules/unknown-field says so)
    for gi, group in groups(f):
        items = group.get("labels")
        if items is not None and not isinstance(items, dict):
            yield Hit("group `labels` must be a mapping", ("groups", gi, "labels"))
            continue
        for name, value in (items or {}).items():
            path = ("groups", gi, "labels", name)
            if not text(name) or name == "__name__":
                yield Hit(f"invalid label name {name!r}", path, key=True)
            if value is not None and text(value) is None:
                yield Hit(f"invalid label value for {name!r}: give text", path)


@check(
    "rules/recording-fields",
    "rules",
    ERROR,
    "Recording rules take no `for`, `keep_firing_for` or `annotations`.",
    parity="promtool: invalid field 'for' in recording rule",
    scope="rule",
)
def recording_fields(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        if text(rule.get("record")) and not text(rule.get("alert")):
            for key in ("for", "keep_firing_for", "annotations"):
                if key in rule:
                    yield Hit(f"invalid field {key!r} in recording rule", (*path, key), key=True)


@check(
    "rules/duration",
    "rules",
    ERROR,
    "`for`, `keep_firing_for` and group `interval` are Prometheus durations such as 30s or 5m.",
    parity="promtool: not a valid duration string",
)
def duration(f: LintFile) -> Iterator[Hit]:
    for gi, group in groups(f):
        if group.get("interval") is not None and not valid_duration(text(group["interval"])):
            yield Hit(
                f"not a valid duration string: {group['interval']!r}", ("groups", gi, "interval")
            )
    for path, rule in rules(f):
        for key in ("for", "keep_firing_for"):
            if rule.get(key) is not None and not valid_duration(text(rule[key])):
                yield Hit(f"not a valid duration string: {rule[key]!r}", (*path, key))


@check(
    "rules/template-syntax",
    "rules",
    ERROR,
    "Label and annotation values parse as Go templates with the functions Prometheus provides.",
    parity="promtool: template: ...: function not defined / unexpected EOF",
    scope="rule",
)
def template_syntax(f: LintFile) -> Iterator[Hit]:
    for path, rule in rules(f):
        for key, name, value in templated_values(rule):
            error = template_error(value)
            if error:
                yield Hit(f"template in {key[:-1]} {name!r}: {error}", (*path, key, name))


def templated_values(rule: dict[str, Any]) -> Iterator[tuple[str, Any, str]]:
    """(labels|annotations, name, text) of each label and annotation value of a rule that
    holds a Go template."""
    for key in ("labels", "annotations"):
        items = rule.get(key)
        if not isinstance(items, dict):
            continue
        for name, value in items.items():
            value = text(value)
            if value and "{{" in value:
                yield key, name, value


@lru_cache(maxsize=4096)  # the same summary template often serves many alerts
def template_error(value: str) -> str:
    try:
        gotemplate.check_template(value, gotemplate.PROMETHEUS, gotemplate.prometheus_variables())
    except gotemplate.TemplateError as exc:
        return str(exc)
    return ""


@check(
    "yaml/parse",
    "any",
    ERROR,
    "Files parse as YAML or JSON, without duplicate keys.",
    parity="promtool/amtool: yaml: line N: ...",
)
def yaml_parse(f: LintFile) -> Iterator[Hit]:
    if f.error is not None:
        for error in f.error.errors:
            yield Hit(error.message, line=error.position.line, column=error.position.column)
