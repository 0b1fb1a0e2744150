"""What an alert's query means over time (pint's promql/fragile and promql/nan): series
sets that change between evaluations, and ratios that turn NaN when traffic stops."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint import promql as pq
from monogen.lint.checks._rules_shape import alerts, text
from monogen.lint.finding import Severity
from monogen.lint.promql_labels import SELECTING, analysable, is_scalar
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

COMPARISONS = {">", "<", ">=", "<=", "==", "!="}
RATES = {"rate", "irate", "increase"}
# functions whose result is its (first vector) argument's series, value changed
_SAME_SERIES_STOP = {"absent", "absent_over_time", "scalar", "vector", "count_values"}


def _alert_trees(f: LintFile, needles: tuple[str, ...]) -> Iterator[tuple[tuple[Any, ...], Any]]:
    for path, rule in alerts(f):
        expr = text(rule.get("expr"))
        if expr and any(needle in expr for needle in needles) and analysable(expr):
            tree, _ = pq.parse(expr)
            if tree is not None:
                yield path, tree


def series_path(node: Any) -> Iterator[Any]:
    """The nodes whose series become the result's series: down through functions,
    arithmetic, comparison operators and the left of and/unless; not into other aggregations
    (`count(topk(…))` has one series whatever topk picks)."""
    stack = [node]
    while stack:
        current = pq.unwrap(stack.pop())
        yield current
        kind = type(current).__name__
        picks = kind == "AggregateExpr" and str(current.op) in SELECTING
        if kind in ("UnaryExpr", "SubqueryExpr") or picks:
            stack.append(current.expr)
        elif kind == "Call" and current.func.name not in _SAME_SERIES_STOP:
            stack.extend(a for a in current.args if not is_scalar(a))
        elif kind == "BinaryExpr":
            card = str(current.modifier.card) if current.modifier else ""
            if str(current.op) in ("and", "unless") or card.endswith("ManyToOne"):
                stack.append(current.lhs)  # the right side only filters or lends labels
            elif card.endswith("OneToMany"):
                stack.append(current.rhs)
            else:
                stack.extend(side for side in (current.lhs, current.rhs) if not is_scalar(side))


@check(
    "promql/fragile",
    "rules",
    Severity.WARNING,
    "Alerts do not pick their series with topk(), bottomk(), limitk() or limit_ratio(): "
    "the picked set changes between evaluations, so alerts resolve and fire again at random.",
    scope="rule",
)
def fragile(f: LintFile) -> Iterator[Hit]:
    for path, tree in _alert_trees(f, ("topk", "bottomk", "limit")):
        for node in series_path(tree):
            if type(node).__name__ == "AggregateExpr" and str(node.op) in SELECTING:
                if _dedupe(node):
                    continue
                yield Hit(
                    f"the alert's series are picked by {node.op}(): the set changes between "
                    "evaluations, so alerts resolve and fire again (flap); alert on a "
                    "condition and rank in the notification instead",
                    (*path, "expr"),
                )
                break


def _dedupe(node: Any) -> bool:
    """`topk by (cluster, namespace) (1, …)`: one series a group, the idiom that removes
    duplicates (kube-prometheus' quota and kubelet alerts): the groups are stable."""
    modifier = node.modifier
    by = modifier is not None and "By" in str(modifier.type) and modifier.labels
    param = pq.unwrap(node.param) if node.param is not None else None
    return bool(by) and type(param).__name__ == "NumberLiteral" and param.val == 1


def _rate_denominator(node: Any) -> Any:
    """The rate()/increase() call whose value the denominator is (through sums and other
    aggregations of it), or None; None too when anything on the way guards against zero."""
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "Call" and node.func.name in RATES:
        return node
    if kind == "AggregateExpr" and str(node.op) in ("sum", "avg", "max", "min"):
        return _rate_denominator(node.expr)
    return None


def _counts_traffic(node: Any) -> bool:
    """Is the numerator a rate too (so it is 0 when the denominator is: 0/0 = NaN, where
    a constant over 0 is +Inf and compares)?"""
    return any(type(n).__name__ == "Call" and n.func.name in RATES for n in pq.walk(node))


def _compared_ratios(node: Any, compared: bool = False) -> Iterator[Any]:
    """Divisions an alert requires to be low-bounded (`successes / requests < 0.99`),
    unguarded on the way up. An upper bound (`errors / requests > 0.05`) is left alone:
    NaN fails it exactly when there is nothing to alert on (no requests, no errors)."""
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "BinaryExpr":
        op = str(node.op)
        if op in ("and", "or", "unless"):
            return  # the author combines conditions: a guard we cannot judge
        if op in COMPARISONS and not (node.modifier and node.modifier.return_bool):
            bound = _LOWER_BOUND.get(op if is_scalar(node.rhs) else _MIRROR.get(op, ""))
            for side in (node.lhs, node.rhs):
                if not is_scalar(side):
                    yield from _compared_ratios(side, bool(bound))
            return
        if op == "/" and compared:
            yield node
        for side in (node.lhs, node.rhs):
            yield from _compared_ratios(side, compared and op in ("*", "/", "+"))
    elif kind == "AggregateExpr" and str(node.op) in ("sum", "avg", "max", "min"):
        yield from _compared_ratios(node.expr, compared)


_LOWER_BOUND = {"<": True, "<=": True}
_MIRROR = {">": "<", ">=": "<="}


@check(
    "promql/nan-division",
    "rules",
    Severity.INFO,
    "An alert that a ratio of rates falls below a bound (`successes / requests < 0.99`) "
    "sees NaN (0/0) when traffic stops, and NaN fails the comparison: it goes silent just "
    "when nothing succeeds. Info: guard the denominator or alert on missing traffic too.",
    scope="rule",
)
def nan_division(f: LintFile) -> Iterator[Hit]:
    for path, tree in _alert_trees(f, ("/",)):
        for division in _compared_ratios(tree):
            call = _rate_denominator(division.rhs)
            if call is not None and _counts_traffic(division.lhs):
                yield Hit(
                    f"the ratio's denominator is a {call.func.name}(): when traffic stops "
                    "the ratio is NaN (0/0) and `<` is false, so this alert goes silent "
                    "when nothing succeeds; guard it (`clamp_min(…, 1e-9)`) or alert on "
                    "missing traffic as well",
                    (*path, "expr"),
                )
                break
