"""PromQL parsing for lint: one parse per distinct expression, and a walk over the tree."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

import promql_parser


@lru_cache(maxsize=100_000)
def parse(expr: str) -> tuple[Any, str]:
    """(tree, "") or (None, error message)."""
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
    yield node
    for child in children(node):
        yield from walk(child)


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
