"""Building PromQL text safely: every label value from a spec is quoted and escaped here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from monogen.compile.matchers import Matcher, equals, one_of, regex_alternation
from monogen.spec.quantities import format_number

__all__ = ["Matcher", "equals", "one_of", "regex_alternation"]  # the builders, re-exported


@lru_cache(maxsize=65536)
def quote(value: str) -> str:
    """A PromQL string literal that reads back as exactly `value` (Go's escaping rules)."""
    out = []
    for ch in value:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def selector(metric: str, matchers: Iterable[Matcher]) -> str:
    """`metric{matchers}`. Always named: a selector whose matchers all match the empty
    string (`{a=""}`, `{a=~".*"}`) is one Prometheus refuses; a metric name is never one."""
    if not metric:
        raise ValueError("a selector without a metric name")
    inner = ", ".join(f"{label}{op}{quote(value)}" for label, op, value in matchers)
    return f"{metric}{{{inner}}}" if inner else metric


def aggregate(op: str, labels: Iterable[str], inner: str) -> str:
    """`sum by (a, b) (inner)`, or `sum(inner)` when nothing is kept."""
    labels = list(labels)
    if not labels:
        return f"{op}({inner})"
    return f"{op} by ({', '.join(labels)}) ({inner})"


def number(value: float) -> str:
    return format_number(value)
