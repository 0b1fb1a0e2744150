"""PromQL parsing for lint: one parse per distinct expression, and a walk over the tree."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import promql_parser

MAX_DEPTH = 256  # deeper nesting is refused before the parser sees it
TOO_DEEP = "too deep"


MAX_OPERATORS = 2000  # a chain of `+`, `or`, unary `-`… is as deep for the parser
_OPERATOR = re.compile(r"\b(?:and|or|unless)\b|[-+*/%^<>]|[=!]=")


def operators(expr: str) -> int:
    """How many operators `expr` chains, outside string literals (an upper bound)."""
    return len(_OPERATOR.findall(_STRINGS.sub('""', expr)))


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')


def depth(expr: str) -> int:
    """How deep brackets nest in `expr`, outside string literals."""
    deepest = level = 0
    quote = ""
    escaped = False
    for ch in expr:
        if quote:
            if escaped:
                escaped = False
            elif ch == "\\" and quote != "`":
                escaped = True
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch in "([{":
            level += 1
            deepest = max(deepest, level)
        elif ch in ")]}":
            level -= 1
    return deepest


def _maybe_too_deep(expr: str) -> bool:
    """Cheap bounds first: brackets cannot nest deeper than there are opening ones, and no
    more operators than characters (counting is most of the cost of parsing otherwise)."""
    opening = expr.count("(") + expr.count("[") + expr.count("{")
    return opening > MAX_DEPTH or len(expr) > MAX_OPERATORS


@lru_cache(maxsize=100_000)
def parse(expr: str) -> tuple[Any, str]:
    """(tree, "") or (None, error message); (None, TOO_DEEP) past MAX_DEPTH levels of
    nesting: the parser's recursion would exhaust the stack (and memory) long before
    promtool's does."""
    if _maybe_too_deep(expr) and (depth(expr) > MAX_DEPTH or operators(expr) > MAX_OPERATORS):
        return None, TOO_DEEP
    try:
        return promql_parser.parse(expr), ""
    except Exception as exc:  # the parser raises plain ValueErrors and friends
        return None, str(exc) or type(exc).__name__


def children(node: Any) -> list[Any]:
    name = type(node).__name__
    if name == "BinaryExpr":
        return [node.lhs, node.rhs]
    if name in ("ParenExpr", "UnaryExpr", "SubqueryExpr"):
        return [node.expr]
    if name == "AggregateExpr":
        return [node.expr] + ([node.param] if node.param is not None else [])
    if name == "Call":
        return list(node.args)
    if name == "MatrixSelector":
        return [node.vector_selector]
    return []


def walk(node: Any) -> Iterator[Any]:
    """Every node, depth first, parents before children (without recursion)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def unwrap(node: Any) -> Any:
    while type(node).__name__ == "ParenExpr":
        node = node.expr
    return node


def selectors(node: Any) -> Iterator[Any]:
    for n in walk(node):
        if type(n).__name__ == "VectorSelector":
            yield n


def metric_name(selector: Any) -> str:
    if selector.name:
        return selector.name
    for m in selector.matchers.matchers:
        if m.name == "__name__" and str(m.op) == "MatchOp.Equal":
            return m.value
    return ""
