"""Rules among rules: recording rules used and never recorded; and what pint checks offline
about alerts' timing and recording rules' output."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from monogen.lint import promql as pq
from monogen.lint.checks._rules_shape import alerts, groups, rules, text
from monogen.lint.checks.promql import trees
from monogen.lint.checks.rules import valid_duration
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

RECORDED = "recorded rule names"  # f.shared: every name recorded in the run so far
COMPARISONS = {">", "<", ">=", "<=", "==", "!="}


def _judge(name: str, recorded: set[str]) -> Hit | None:
    """Whether a used `level:metric:op` name nobody records is worth saying, and how loud.

    Rule files often read recording rules another file (another team, a mixin) defines;
    linting one of them alone must not complain. So: nothing unless the files linted
    record other rules of the same level (the name's family is defined here); a warning
    when one of those is a near spelling of it (a typo, or a renamed rule); else info."""
    if name in recorded:
        return None
    level = name.split(":", 1)[0]
    family = sorted(n for n in recorded if ":" in n and n.split(":", 1)[0] == level)
    if not family:
        return None
    close = [n for n in difflib.get_close_matches(name, family, n=3, cutoff=0.85) if _typo(name, n)]
    if close:
        return Hit(
            f"{name!r} is recorded by no rule in the files linted; did you mean {close[0]!r}?",
            severity=Severity.WARNING,
        )
    return Hit(
        f"{name!r} is recorded by no rule in the files linted, though they record other "
        f"{level + ':' if level else 'level-less'} rules: is the file defining it missing?"
    )


def _typo(used: str, recorded: str) -> bool:
    """A near spelling: the same `level:metric:op` parts but one, and that one spelled
    nearly alike (`job:reqs:rate5m` for `job:req:rate5m`). A name with a part more or
    less (`x:sum_by_namespace` beside `x:sum_by_namespace:sum_over_time`) is another
    member of the family, often recorded by another Prometheus (federation, remote write)."""
    a, b = used.split(":"), recorded.split(":")
    differ = [(x, y) for x, y in zip(a, b, strict=False) if x != y]
    return (
        len(a) == len(b)
        and len(differ) == 1
        and difflib.SequenceMatcher(None, *differ[0]).ratio() >= 0.75
    )


def _settle(shared: dict[str, Any], name: str) -> Hit | None:
    return _judge(name, shared.get(RECORDED, set()))


@check(
    "rules/recording-undefined",
    "rules",
    Severity.INFO,
    "A recording rule's output (`level:metric:op`) that a query reads is recorded by a "
    "file linted with it, when those files record its `level:` family: a warning when a "
    "recorded name is a near spelling of it, info otherwise.",
    settle=_settle,
)
def recording_undefined(f: LintFile) -> Iterator[Hit]:
    recorded = f.shared.setdefault(RECORDED, set())
    recorded.update(n for _, r in rules(f) if (n := text(r.get("record"))))
    deferred = "deferred hits" in f.shared  # a run of many files: decided at its end
    for path, _, tree in trees(f, ":"):
        for sel in pq.selectors(tree):
            name = pq.metric_name(sel)
            if ":" not in name or name in recorded:
                continue
            hit = _judge(name, recorded)
            if hit is None and not deferred:
                continue
            message = hit.message if hit else f"{name!r} is recorded by no rule linted"
            severity = hit.severity if hit else None
            yield Hit(message, (*path, "expr"), severity=severity, defer=name)


def _seconds(value: Any) -> float:
    value = text(value)
    if not value or value == "0" or not valid_duration(value):
        return 0.0
    return parse_duration(value)


@check(
    "alerts/for-below-interval",
    "rules",
    Severity.INFO,
    "An alert's `for` is not shorter than its group's `interval`: rules are evaluated "
    "once an interval, so a shorter `for` waits a whole interval anyway.",
)
def for_below_interval(f: LintFile) -> Iterator[Hit]:
    for gi, group in groups(f):
        interval = _seconds(group.get("interval"))
        if not interval:
            continue  # the global evaluation interval is not in rule files
        for path, rule in alerts(f):
            if path[1] != gi:
                continue
            wait = _seconds(rule.get("for"))
            if 0 < wait < interval:
                yield Hit(
                    f"`for: {text(rule.get('for'))}` is shorter than the group's interval "
                    f"{text(group.get('interval'))}: the alert fires at the next "
                    "evaluation, one interval later",
                    (*path, "for"),
                )


@check(
    "rules/record-comparison",
    "rules",
    Severity.INFO,
    "A recording rule records a value, not a condition: a filter at its top (`… > 100`) "
    "makes series appear and vanish, which breaks `for` and absent() downstream "
    "(`> 0`, which drops zero and NaN results, is left alone).",
    scope="rule",
)
def record_comparison(f: LintFile) -> Iterator[Hit]:
    for path, rule, tree in trees(f):
        if not text(rule.get("record")) or rule.get("alert") is not None:
            continue
        top = pq.unwrap(tree)
        if (
            type(top).__name__ == "BinaryExpr"
            and str(top.op) in COMPARISONS
            and not (top.modifier and top.modifier.return_bool)
            and not _drops_empty(top)
        ):
            yield Hit(
                f"recording rule filters with `{top.op}`: its series exist only while the "
                "condition holds; record the value and compare where it is used (or use bool)",
                (*path, "expr"),
            )


def _drops_empty(node: Any) -> bool:
    """`… > 0`: the idiom that drops zero and NaN results (kube-prometheus records its
    latency quantiles so), not a condition."""
    rhs = pq.unwrap(node.rhs)
    return str(node.op) in (">", "!=") and type(rhs).__name__ == "NumberLiteral" and rhs.val == 0


HEARTBEATS = ("watchdog", "deadman", "dead_man", "heartbeat", "infoinhibitor", "alwaysfiring")


@check(
    "alerts/constant",
    "rules",
    Severity.INFO,
    "An alert's expression reads some series; one that reads none (`vector(1)`, `1 > 0`) "
    "fires always or never (heartbeats such as Watchdog excepted).",
    scope="rule",
)
def constant(f: LintFile) -> Iterator[Hit]:
    for path, rule, tree in trees(f):
        name = (text(rule.get("alert")) or "").lower()
        if not name or rule.get("record") is not None:
            continue
        labels = rule.get("labels") if isinstance(rule.get("labels"), dict) else {}
        if any(word in name.replace("-", "_") for word in HEARTBEATS):
            continue
        if text(labels.get("severity")) == "none":
            continue
        if next(pq.selectors(tree), None) is None:
            yield Hit(
                "the expression reads no series: the alert fires always or never",
                (*path, "expr"),
            )
