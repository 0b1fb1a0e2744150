"""A team's own PromQL scoped to an experiment: matchers added to every series selector.

promql_parser gives no positions and cannot print a changed tree, so the selectors are
found by a small lexer and the text is spliced; the parser then checks the result: as
many selectors as before, each carrying every added matcher. What the lexer cannot read
is refused (with a hint to write the matchers by hand), never scoped by half.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from monogen.compile.grafana import VARIANT_VAR
from monogen.compile.matchers import Matcher, of_selector
from monogen.compile.promql import quote
from monogen.lint import promql

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|\#[^\n]*)
   |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`]*`)
   |(?P<num>0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?[a-zA-Z0-9_]*)
   |(?P<id>[a-zA-Z_:][a-zA-Z0-9_:]*)
   |(?P<var>\$\{[^}\n]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[A-Za-z0-9_]+\]\])
   |(?P<op>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@:])
    """,
    re.X,
)
# Words that are never a metric name where they stand (aggregations may be followed by
# `by`/`without` rather than by their bracket).
_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "bool", "atan2", "inf", "nan", "sum", "min", "max", "avg", "group", "stddev",
    "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
}  # fmt: skip
_LABEL_LISTS = {"by", "without", "on", "ignoring", "group_left", "group_right"}


class ScopeError(ValueError):
    """Why an expression cannot be scoped (the message), and what to do (the hint)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int


def _tokens(expr: str) -> list[_Token]:
    out: list[_Token] = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None:
            raise ScopeError(
                f"unexpected {expr[pos]!r} at character {pos + 1}",
                "check the expression with promtool, or set `scope: false`",
            )
        if m.lastgroup != "ws":
            out.append(_Token(m.lastgroup or "", m.group(), m.start(), m.end()))
        pos = m.end()
    return out


# Grafana's own interval variables: the only ones a generated dashboard defines besides
# `variant` and `datasource`, which only label values (strings) use.
INTERVALS = ("__rate_interval", "__interval", "__range")
# Parsing a chain of operators costs time that grows with it: a panel's query stays far
# below the rule linter's bound (each is parsed twice a build, for up to 4,400 queries).
MAX_OPERATORS = 200
_VARIABLE = re.compile(r"^\$(?:\{(\w+)\}|(\w+))$")


def parse(expr: str) -> tuple[object, str]:
    """promql.parse of a dashboard query (see `_parse`)."""
    tree, error, _ = _parse(expr)
    return tree, error


def _parse(expr: str) -> tuple[object, str, list[_Token]]:
    """promql.parse of a dashboard query: Grafana's interval variables stand for a duration
    in a range, subquery or offset (`[$__rate_interval]`). Any other variable outside a
    string, and Prometheus 3's quoted names, are refused (ScopeError): the dashboard
    defines no such variable, and Prometheus 2 refuses quoted names."""
    if promql.operators(expr) > MAX_OPERATORS:
        raise ScopeError(
            f"more than {MAX_OPERATORS} operators in one panel query",
            "split it into recording rules, or into several queries",
        )
    tokens = _tokens(expr)
    _refuse_quoted_names(tokens)
    out, last, previous = [], 0, ""
    for t in tokens:
        if t.kind == "var":
            found = _VARIABLE.match(t.text)
            name = (found.group(1) or found.group(2)) if found else ""
            if name not in INTERVALS or not (
                previous in ("[", ":") or previous.lower() == "offset"
            ):
                raise ScopeError(
                    f"Grafana variable {t.text} where PromQL needs a series, number or "
                    "duration: the dashboard defines only $__rate_interval, $__interval and "
                    "$__range for ranges, and $variant and $datasource",
                    "write the value itself, or use $__rate_interval in a range",
                )
            out += [expr[last : t.start], "5m"]
            last = t.end
        previous = t.text
    return (*promql.parse("".join(out) + expr[last:]), tokens)


def _refuse_quoted_names(tokens: list[_Token]) -> None:
    """`x{"label"="v"}` and `{"metric"}` (Prometheus 3): no release before it reads them."""
    depth = 0
    for i, t in enumerate(tokens):
        depth += (t.text == "{") - (t.text == "}")
        if depth > 0 and t.kind == "str" and tokens[i - 1].text in ("{", ","):
            raise ScopeError(
                f"the quoted name {t.text} is Prometheus 3 syntax, which Prometheus 2 "
                "refuses (dashboards must work with every supported release)",
                "write the label or metric name unquoted",
            )


def _closing(tokens: list[_Token], i: int, opening: str, closing: str) -> int:
    """The index of the token closing the bracket at `i`."""
    depth = 0
    for j in range(i, len(tokens)):
        if tokens[j].text == opening:
            depth += 1
        elif tokens[j].text == closing:
            depth -= 1
            if depth == 0:
                return j
    raise ScopeError(f"{opening!r} is never closed", "check the expression's brackets")


def _selector_labels(tokens: list[_Token], i: int, j: int) -> list[str]:
    """The labels matched between the braces at `i` and `j`."""
    return [
        t.text
        for t, nxt in zip(tokens[i + 1 : j], tokens[i + 2 : j], strict=False)
        if t.kind == "id" and nxt.text in ("=", "!=", "=~", "!~")
    ]


def _splices(tokens: list[_Token]) -> list[tuple[int, int, list[str]]]:
    """(insert at, closing brace index or -1, labels it matches) for every selector."""
    found: list[tuple[int, int, list[str]]] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        if t.kind == "id" and t.text.lower() in _LABEL_LISTS and nxt and nxt.text == "(":
            i = _closing(tokens, i + 1, "(", ")") + 1
            continue
        if t.kind == "id" and t.text.lower() not in _KEYWORDS and not (nxt and nxt.text == "("):
            if nxt and nxt.text == "{":
                j = _closing(tokens, i + 1, "{", "}")
                found.append((i + 1, j, _selector_labels(tokens, i + 1, j)))
                i = j + 1
            else:
                found.append((i, -1, []))
                i += 1
            continue
        if t.text == "[":  # a range or subquery: durations, never selectors
            i = _closing(tokens, i, "[", "]") + 1
            continue
        if t.text == "{":
            j = _closing(tokens, i, "{", "}")
            found.append((i, j, _selector_labels(tokens, i, j)))
            i = j + 1
            continue
        i += 1
    return found


def _render(matchers: Sequence[Matcher]) -> str:
    return ", ".join(f"{label}{op}{quote(value)}" for label, op, value in matchers)


def panel_matchers(spec: Any) -> tuple[tuple[Matcher, ...], tuple[Matcher, ...]]:
    """What scoping adds to a team panel of the experiment `spec`: its selector on every
    series selector, and the dashboard's variant choice where one does not match the
    variant label itself. The same for checking and compiling, so both read one cached
    result."""
    fixed = tuple(of_selector(spec.selector))
    label = spec.variant_label
    return fixed, ((label, "=~", VARIANT_VAR),) if label else ()


@lru_cache(maxsize=4096)
def scoped(expr: str, matchers: tuple[Matcher, ...], optional: tuple[Matcher, ...] = ()) -> str:
    """`expr` with `matchers` added to every selector (a selector matching one of their
    labels itself is refused) and `optional` added where the selector does not match the
    label already (e.g. the dashboard's variant variable)."""
    tree, error, tokens = _parse(expr)
    if tree is None:
        raise ScopeError(f"not valid PromQL: {error}", "check the expression with promtool")
    fixed = {label for label, _, _ in matchers}
    edits: list[tuple[int, str]] = []
    for at, close, labels in _splices(tokens):
        clash = sorted(fixed.intersection(labels))
        if clash:
            raise ScopeError(
                f"a selector matches label {clash[0]!r}, which the experiment's selector "
                "sets when the panel is scoped",
                "leave the label out (scoping adds it), or set `scope: false` and write "
                "every matcher yourself",
            )
        added = [*matchers, *(m for m in optional if m[0] not in labels)]
        if not added:
            continue
        text = _render(added)
        if close < 0:
            edits.append((tokens[at].end, "{" + text + "}"))
        else:
            empty = close == at + 1
            edits.append((tokens[at].end, text if empty else text + ", "))
    out = expr
    for position, text in sorted(edits, reverse=True):
        out = out[:position] + text + out[position:]
    _check(tree, out, matchers)
    return out


_OPS = {"=": "MatchOp.Equal", "!=": "MatchOp.NotEqual", "=~": "MatchOp.Re", "!~": "MatchOp.NotRe"}


def _check(before: object, text: str, matchers: tuple[Matcher, ...]) -> None:
    """The parser's reading of the result: as many selectors, each with every matcher."""
    after, error = parse(text)
    want = {(label, _OPS[op], value) for label, op, value in matchers}
    old = list(promql.selectors(before))
    new = list(promql.selectors(after)) if after is not None else []
    carried = all(want <= {(m.name, str(m.op), m.value) for m in s.matchers.matchers} for s in new)
    if after is None or len(new) != len(old) or not carried:
        raise ScopeError(
            "monogen cannot add the experiment's selector to every series of this expression"
            + (f" ({error})" if error else ""),
            "set `scope: false` and write the matchers yourself",
        )
