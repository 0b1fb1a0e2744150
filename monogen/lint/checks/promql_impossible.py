"""Queries that provably return nothing, ever (pint's promql/impossible): a series set taken
away from itself, a condition no value can meet, absent() of what is never absent."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from monogen.lint import promql as pq
from monogen.lint.checks.promql import trees
from monogen.lint.finding import Severity
from monogen.lint.promql_labels import analysable, is_scalar
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

INF = math.inf
ORDERED = {">", "<", ">=", "<=", "=="}  # NaN fails these; `!=` keeps NaN: never judged
MIRROR = {">": "<", "<": ">", ">=": "<=", "<=": ">=", "==": "=="}
# aggregations that return a series for every group they are given
EVERY_GROUP = {"sum", "count", "avg", "min", "max", "group", "stddev", "stdvar", "quantile"}


@dataclass(frozen=True)
class Range:
    """The values (NaN aside) an expression's samples can have."""

    lo: float = -INF
    hi: float = INF
    lo_in: bool = False
    hi_in: bool = False

    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    def meet(self, other: Range) -> Range:
        lo, lo_in = max((self.lo, not self.lo_in), (other.lo, not other.lo_in))
        hi, hi_in = min((self.hi, self.hi_in), (other.hi, other.hi_in))
        return Range(lo, hi, not lo_in, hi_in)

    def describe(self) -> str:
        if self.lo == self.hi:
            return f"= {self.lo:g}"
        low = f"{'≥' if self.lo_in else '>'} {self.lo:g}" if self.lo > -INF else ""
        high = f"{'≤' if self.hi_in else '<'} {self.hi:g}" if self.hi < INF else ""
        return " and ".join(p for p in (low, high) if p)


ANY = Range()
NON_NEGATIVE = Range(0, INF, True)
AT_LEAST_ONE = Range(1, INF, True)
ONE = Range(1, 1, True, True)
RANGES = {
    "count": AT_LEAST_ONE,
    "count_over_time": AT_LEAST_ONE,
    "group": ONE,
    "absent": ONE,
    "absent_over_time": ONE,
    "present_over_time": ONE,
    "rate": NON_NEGATIVE,
    "irate": NON_NEGATIVE,
    "increase": NON_NEGATIVE,
    "changes": NON_NEGATIVE,
    "resets": NON_NEGATIVE,
    "abs": NON_NEGATIVE,
    "sqrt": NON_NEGATIVE,
}


def _number(node: Any) -> float | None:
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "NumberLiteral":
        return float(node.val)
    if kind == "UnaryExpr":
        inner = _number(node.expr)
        return None if inner is None else -inner
    return None


def _region(op: str, value: float) -> Range:
    return {
        ">": Range(value, INF, False),
        ">=": Range(value, INF, True),
        "<": Range(-INF, value, False, False),
        "<=": Range(-INF, value, False, True),
        "==": Range(value, value, True, True),
    }[op]


def _base(node: Any) -> Any:
    """`x` of `x > 5 < 9`: the expression a chain of filters against numbers narrows."""
    node = pq.unwrap(node)
    while type(node).__name__ == "BinaryExpr" and _filter(node):
        node = pq.unwrap(node.lhs if _number(node.rhs) is not None else node.rhs)
    return node


def _filter(node: Any) -> tuple[str, float] | None:
    """(op, number) of `vector op number` (mirrored for `number op vector`), not bool."""
    op = str(node.op)
    if op not in ORDERED or (node.modifier and node.modifier.return_bool):
        return None
    right, left = _number(node.rhs), _number(node.lhs)
    if right is not None and left is None and not is_scalar(node.lhs):
        return op, right
    if left is not None and right is None and not is_scalar(node.rhs):
        return MIRROR[op], left
    return None


def value_range(node: Any, found: list[tuple[Any, str]]) -> Range:
    """The values `node` can take; an impossible filter on the way is added to `found`."""
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "Call":
        name = node.func.name
        args = list(node.args)
        if name == "vector" and args and _number(args[0]) is not None:
            value = _number(args[0])
            return Range(value, value, True, True)
        inner = [value_range(a, found) for a in args if not is_scalar(a)]
        if name in RANGES:
            return RANGES[name]
        if name in ("min_over_time", "max_over_time", "avg_over_time") and inner:
            return inner[0]
        if name == "clamp_min" and inner and len(args) > 1 and _number(args[1]) is not None:
            return inner[0].meet(Range(_number(args[1]), INF, True))
        return ANY
    if kind == "AggregateExpr":
        inner = value_range(node.expr, found)
        op = str(node.op)
        if op in RANGES:
            return RANGES[op]
        if op in ("min", "max", "avg", "topk", "bottomk", "limitk", "limit_ratio"):
            return inner
        if op == "sum" and inner.lo >= 0:
            return Range(inner.lo, INF, inner.lo_in)
        return ANY
    if kind == "BinaryExpr":
        return _binary_range(node, found)
    if kind == "SubqueryExpr":
        value_range(node.expr, found)
    return ANY


def _binary_range(node: Any, found: list[tuple[Any, str]]) -> Range:
    op = str(node.op)
    left = value_range(node.lhs, found)
    right = value_range(node.rhs, found)
    condition = _filter(node)
    if condition is not None:
        side = left if _number(node.rhs) is not None else right
        result = side.meet(_region(*condition))
        if result.empty() and not side.empty():
            base = _short(_base(node))
            found.append((node, f"`{base}` is always {side.describe()}"))
        return result
    plain = node.modifier is not None and node.modifier.matching is None
    if op == "and" and plain and str(_base(node.lhs)) == str(_base(node.rhs)):
        # the same series, each side filtered: a sample must pass both filters
        result = left.meet(right)
        if result.empty() and not left.empty() and not right.empty():
            base = _short(_base(node.lhs))
            found.append(
                (node, f"no sample of `{base}` is both {left.describe()} and {right.describe()}")
            )
        return result
    if op in ("and", "unless"):
        return left
    if op == "or":
        return Range(min(left.lo, right.lo), max(left.hi, right.hi), True, True)
    if op in ("==", "!=", ">", "<", ">=", "<=") and node.modifier and node.modifier.return_bool:
        return Range(0, 1, True, True)
    return ANY


def _short(node: Any) -> str:
    words = " ".join(str(pq.unwrap(node)).replace("{}", "").split())
    return words if len(words) <= 60 else words[:57] + "…"


def _always_present(node: Any) -> bool:
    """Does `node` return a series at every evaluation (`vector(…)`, `… or vector(0)`)?"""
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "Call" and node.func.name in ("vector", "time"):
        return True
    if kind == "BinaryExpr" and str(node.op) == "or":
        return _always_present(node.lhs) or _always_present(node.rhs)
    return False


def _covers(rhs: Any, lhs: Any, on: list[str]) -> bool:
    """Does `rhs` have, for every series of `lhs`, one with the same values of `on`?"""
    rhs = pq.unwrap(rhs)
    if _always_present(rhs) and not on:
        return True
    if type(rhs).__name__ != "AggregateExpr" or str(rhs.op) not in EVERY_GROUP:
        return False
    if str(pq.unwrap(rhs.expr)) != str(pq.unwrap(lhs)):
        return False
    modifier = rhs.modifier
    if modifier is None:
        return not on
    kept = set(modifier.labels)
    if "Without" in str(modifier.type):
        return not (kept & set(on))
    return set(on) <= kept


def _set_operations(tree: Any) -> Iterator[tuple[Any, str]]:
    for node in pq.walk(tree):
        kind = type(node).__name__
        args = list(node.args) if kind == "Call" else []
        if kind == "Call" and node.func.name == "absent" and args and _always_present(args[0]):
            yield node, "its argument always has a series, so absent() never fires"
        if kind != "BinaryExpr" or str(node.op) not in ("and", "unless"):
            continue
        lhs, rhs = pq.unwrap(node.lhs), pq.unwrap(node.rhs)
        matching = node.modifier.matching if node.modifier is not None else None
        if str(node.op) == "unless":
            if str(lhs) == str(rhs):
                yield node, "both sides are the same, so `unless` removes every series"
                continue
            on = list(matching.labels) if matching and "Include" in str(matching.type) else None
            if on is not None and _covers(rhs, lhs, on):
                yield (
                    node,
                    (
                        f"`{_short(rhs)}` has a series for every series on the left "
                        f"(matching on ({', '.join(on)})), so `unless` removes them all"
                    ),
                )
            continue
        for side, other in ((lhs, rhs), (rhs, lhs)):
            # absent() only: absent_over_time(x[1m]) and x may both have a series (a
            # sample older than 1m is still within x's lookback)
            if type(side).__name__ == "Call" and side.func.name == "absent":
                inner = pq.unwrap(next(iter(side.args))) if side.args else None
                if inner is not None and str(inner) == str(other):
                    yield (
                        node,
                        (
                            f"`{side.func.name}({_short(inner)})` returns a series only when "
                            f"`{_short(inner)}` returns none, so `and` never has both"
                        ),
                    )
                    break


@check(
    "promql/impossible",
    "rules",
    Severity.WARNING,
    "No query provably returns nothing: `x unless x`, `x unless on() sum(x)`, "
    "`x and absent(x)`, conditions no value meets (`x > 5 and x < 3`, `count(…) == 0`, "
    "`rate(…) < 0`), `absent(… or vector(0))`.",
    scope="rule",
)
def impossible(f: LintFile) -> Iterator[Hit]:
    for path, rule, tree in trees(f):
        if not analysable(rule["expr"]):
            continue
        found: list[tuple[Any, str]] = list(_set_operations(tree))
        if not found:
            value_range(tree, found)
        if found:
            node, why = found[0]
            where = _short(node)
            if "count" in where and why.endswith("≥ 1"):
                why += " (count() of no series returns no series, not 0: use absent())"
            yield Hit(f"`{where}` never returns anything: {why}", (*path, "expr"))
