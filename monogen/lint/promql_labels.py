"""Which labels a PromQL expression's result can carry, followed through the tree as
Prometheus evaluates it (promql/engine.go: aggregations keep their `by` labels or drop their
`without` ones; one-to-one matching keeps the left side's labels, only the `on` ones with
`on`; `group_left/right` keep the "many" side's and add the included ones; absent() has the
labels of its selector's equality matchers; label_replace/label_join and count_values add
one). A selector's labels are unknown: the answer is then "open", knowing only what was
removed on the way. Lint reports only what is certain."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from monogen.lint import promql as pq

SET_OPERATORS = {"and", "or", "unless"}
# aggregations that pick series and keep their labels whatever `by`/`without` say
SELECTING = {"topk", "bottomk", "limitk", "limit_ratio"}


@dataclass(frozen=True)
class Labels:
    """closed: the result carries at most `names`. Open: nothing is known but that it never
    carries `names` (they were removed). `why` says what decided it, for messages."""

    closed: bool
    names: frozenset[str]
    why: str = ""

    def can_have(self, name: str) -> bool:
        return name in self.names if self.closed else name not in self.names

    def keep(self, names: set[str] | frozenset[str], why: str) -> Labels:
        kept = self.names & names if self.closed else frozenset(names) - self.names
        return Labels(True, frozenset(kept), why)

    def remove(self, names: set[str] | frozenset[str], why: str) -> Labels:
        if self.closed:  # what narrowed it before still says why
            return Labels(True, self.names - names, self.why or why)
        return Labels(False, self.names | names, why)

    def add(self, names: set[str] | frozenset[str]) -> Labels:
        if self.closed:
            return Labels(True, self.names | names, self.why)
        return Labels(False, self.names - names, self.why)


OPEN = Labels(False, frozenset())

# The analyses here recurse once a level of the tree; promtool accepts chains of 2,000
# operators, which would exhaust Python's stack. Past these bounds lint says nothing.
MAX_OPERATORS, MAX_DEPTH = 200, 100


@lru_cache(maxsize=100_000)  # asked by several checks of each rule
def analysable(expr: str) -> bool:
    """Is `expr` small enough to follow recursively (every real rule is)?"""
    return pq.operators(expr) <= MAX_OPERATORS and pq.depth(expr) <= MAX_DEPTH


def _none(why: str) -> Labels:
    return Labels(True, frozenset(), why)


def is_scalar(node: Any) -> bool:
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind == "NumberLiteral":
        return True
    if kind == "UnaryExpr":
        return is_scalar(node.expr)
    if kind == "Call":
        return str(node.func.return_type).endswith("Scalar")
    if kind == "BinaryExpr":
        return is_scalar(node.lhs) and is_scalar(node.rhs)
    return False


def result_labels(node: Any) -> Labels:
    """The labels the result of `node` can carry (never `__name__`'s business)."""
    node = pq.unwrap(node)
    kind = type(node).__name__
    if kind in ("NumberLiteral", "StringLiteral") or is_scalar(node):
        return _none("a scalar")
    if kind in ("UnaryExpr", "SubqueryExpr"):
        return result_labels(node.expr)
    if kind == "AggregateExpr":
        return _aggregate(node)
    if kind == "Call":
        return _call(node)
    if kind == "BinaryExpr":
        return _binary(node)
    return OPEN  # selectors, and anything new to the parser


def _aggregate(node: Any) -> Labels:
    op = str(node.op)
    inner = result_labels(node.expr)
    if op in SELECTING:
        return inner
    modifier = node.modifier
    names = frozenset(modifier.labels) if modifier is not None else frozenset()
    if modifier is not None and "Without" in str(modifier.type):
        result = inner.remove(names, f"{op} without ({', '.join(sorted(names))})")
    elif modifier is not None:
        result = inner.keep(names, f"{op} by ({', '.join(sorted(names))})")
    else:
        result = _none(f"{op}() without `by`")
    if op == "count_values" and type(pq.unwrap(node.param)).__name__ == "StringLiteral":
        result = result.add({pq.unwrap(node.param).val})
    return result


def _call(node: Any) -> Labels:
    name = node.func.name
    args = list(node.args)
    if name == "vector":
        return _none("vector()")
    if name in ("absent", "absent_over_time"):
        inner = pq.unwrap(args[0]) if args else None
        if type(inner).__name__ == "MatrixSelector":
            inner = inner.vector_selector
        kept: set[str] = set()
        if type(inner).__name__ == "VectorSelector":
            kept = {
                m.name
                for m in inner.matchers.matchers
                if str(m.op) == "MatchOp.Equal" and m.name != "__name__"
            }
        return Labels(True, frozenset(kept), f"{name}() (only its equality matchers' labels)")
    if name == "info":
        return OPEN  # adds the labels of info metrics
    vectors = [
        a for a in args if not is_scalar(a) and type(pq.unwrap(a)).__name__ != "StringLiteral"
    ]
    if not vectors:
        return _none(f"{name}()")
    inner = result_labels(vectors[0])
    if name in ("label_replace", "label_join") and len(args) > 1:
        target = pq.unwrap(args[1])
        if type(target).__name__ == "StringLiteral":
            return inner.add({target.val})
        return OPEN
    if name == "histogram_quantile":
        return inner.remove({"le"}, "histogram_quantile()")
    return inner


def _binary(node: Any) -> Labels:
    op = str(node.op)
    if is_scalar(node.lhs):
        return result_labels(node.rhs)
    if is_scalar(node.rhs):
        return result_labels(node.lhs)
    left, right = result_labels(node.lhs), result_labels(node.rhs)
    if op == "or":
        if left.closed and right.closed:
            return Labels(True, left.names | right.names, left.why or right.why)
        if left.closed:
            return Labels(False, right.names - left.names, right.why)
        if right.closed:
            return Labels(False, left.names - right.names, left.why)
        return Labels(False, left.names & right.names, left.why)
    if op in SET_OPERATORS:
        return left
    modifier = node.modifier
    card = str(modifier.card) if modifier is not None else "OneToOne"
    matching = modifier.matching if modifier is not None else None
    include = frozenset(modifier.group_labels or ()) if modifier is not None else frozenset()
    if card.endswith("ManyToOne"):
        return left.add(include)
    if card.endswith("OneToMany"):
        return right.add(include)
    if matching is not None and "Include" in str(matching.type):
        return left.keep(frozenset(matching.labels), f"`on ({', '.join(matching.labels)})`")
    if matching is not None:
        return left.remove(frozenset(matching.labels), f"`ignoring ({', '.join(matching.labels)})`")
    return left
