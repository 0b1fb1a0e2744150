"""Recorded series replaced by the expressions that record them, so a report or backtest
asks Prometheus the generated rules' own questions whether or not the rules are loaded
(and over the past, before they were).

A reference `record{experiment="x", variant="a"}` becomes the rule's expression with the
rule's static labels stamped on (`label_replace`) and the reference's other matchers
applied as a join with constant vectors; a range `record{…}[1h]` becomes a subquery at
the rules' evaluation interval. Recorded names hold a colon, which no label name can, so
a name with a colon outside string literals is always a metric reference."""

from __future__ import annotations

import re
from collections.abc import Iterable

from monogen.compile.promql import quote
from monogen.model.rules import RecordingRule, RuleFile

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*,?')
_RANGE = re.compile(r"\s*\[([0-9a-z]+)\]")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
_RE2_META = set("\\.+*?()|[]{}^$")


class InlineError(ValueError):
    """A reference the inliner cannot expand: a bug in how rules were compiled."""


def unquote(body: str) -> str:
    """The value of a PromQL double-quoted string's body (as `promql.quote` writes it)."""
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        else:
            out.append(_ESCAPES[nxt])
            i += 2
    return "".join(out)


def literal_alternatives(regex: str) -> list[str]:
    """The literal values an alternation of `promql.regex_alternation` matches."""
    values, current, i = [], [], 0
    while i < len(regex):
        ch = regex[i]
        if ch == "\\" and i + 1 < len(regex) and regex[i + 1] in _RE2_META:
            current.append(regex[i + 1])
            i += 2
        elif ch == "|":
            values.append("".join(current))
            current = []
            i += 1
        elif ch in _RE2_META:
            raise InlineError(f"{regex!r} is not an alternation of literal values")
        else:
            current.append(ch)
            i += 1
    values.append("".join(current))
    return values


def _constant(label: str, values: Iterable[str]) -> str:
    """A vector of one series per value, labelled `label`: what a join filters by."""
    parts = [
        f"label_replace(vector(1), {quote(label)}, {quote(v.replace('$', '$$'))}, '', '')"
        for v in sorted(set(values))
    ]
    return " or ".join(parts) if len(parts) == 1 else "(" + " or ".join(parts) + ")"


DEFAULT_INTERVAL = "1m"  # Prometheus' global evaluation_interval when a group sets none


class Inliner:
    @classmethod
    def of(cls, rule_file: RuleFile) -> Inliner:
        """The inliner of one experiment's rule file: its subqueries step at the recording
        group's interval, as the recorded series were written."""
        interval = rule_file.groups[0].interval if rule_file.groups else None
        return cls(rule_file.records, interval or DEFAULT_INTERVAL)

    def __init__(self, rules: Iterable[RecordingRule], interval: str = "1m") -> None:
        self.rules: dict[str, list[RecordingRule]] = {}
        for rule in rules:
            self.rules.setdefault(rule.record, []).append(rule)
        self.interval = interval

    def expand(self, expr: str, depth: int = 0) -> str:
        if depth > 20:
            raise InlineError("recording rules refer to each other in a loop")
        out, i = [], 0
        while i < len(expr):
            ch = expr[i]
            if ch in "\"'`":
                end = _string_end(expr, i)
                out.append(expr[i:end])
                i = end
                continue
            found = _NAME.match(expr, i)
            if not found:
                out.append(ch)
                i += 1
                continue
            name = found.group()
            i = found.end()
            if name not in self.rules or (i - len(name) > 0 and _word(expr[i - len(name) - 1])):
                out.append(name)
                continue
            matchers: list[tuple[str, str, str]] = []
            if i < len(expr) and expr[i] == "{":
                close = _brace_end(expr, i)
                matchers = _matchers(expr[i + 1 : close])
                i = close + 1
            inner = self._reference(name, matchers, depth)
            window = _RANGE.match(expr, i)
            if window:
                inner = f"({inner})[{window.group(1)}:{self.interval}]"
                i = window.end()
            else:
                inner = f"({inner})"
            out.append(inner)
        return "".join(out)

    def _reference(self, name: str, matchers: list[tuple[str, str, str]], depth: int) -> str:
        choices = []
        for rule in self.rules[name]:
            static = {"__name__": name, **rule.labels}
            if not all(_holds(static[k], op, v) for k, op, v in matchers if k in static):
                continue
            expr = self.expand(rule.expr, depth + 1)
            for label, value in sorted(rule.labels.items()):
                replacement = quote(value.replace("$", "$$"))
                expr = f"label_replace({expr}, {quote(label)}, {replacement}, '', '')"
            for label, op, value in matchers:
                if label in static:
                    continue
                values = literal_alternatives(value) if op in ("=~", "!~") else [value]
                join = "and" if op in ("=", "=~") else "unless"
                expr = f"({expr}) {join} on({label}) {_constant(label, values)}"
            choices.append(expr)
        if not choices:
            raise InlineError(f"no recording rule {name} matches {matchers}")
        return " or ".join(f"({c})" for c in choices) if len(choices) > 1 else choices[0]


def _holds(actual: str, op: str, value: str) -> bool:
    if op in ("=", "!="):
        return (actual == value) == (op == "=")
    return (actual in literal_alternatives(value)) == (op == "=~")


def _word(ch: str) -> bool:
    return ch.isalnum() or ch in "_:"


def _string_end(text: str, start: int) -> int:
    quote_char, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\" and quote_char != "`":
            i += 2
            continue
        if text[i] == quote_char:
            return i + 1
        i += 1
    raise InlineError("an unterminated string")


def _brace_end(text: str, start: int) -> int:
    i = start + 1
    while i < len(text):
        if text[i] in "\"'`":
            i = _string_end(text, i)
            continue
        if text[i] == "}":
            return i
        i += 1
    raise InlineError("an unterminated selector")


def _matchers(body: str) -> list[tuple[str, str, str]]:
    found, i = [], 0
    while i < len(body):
        m = _MATCHER.match(body, i)
        if not m:
            if body[i:].strip():
                raise InlineError(f"cannot read the matchers {body!r}")
            break
        found.append((m.group(1), m.group(2), unquote(m.group(3))))
        i = m.end()
    return found
