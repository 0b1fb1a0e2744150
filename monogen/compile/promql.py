"""Building PromQL text safely: every label value from a spec is quoted and escaped here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from monogen.compile.matchers import Matcher
from monogen.spec.quantities import format_number

_RE2_META = set("\\.+*?()|[]{}^$")


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


def regex_alternation(values: Iterable[str]) -> str:
    """An RE2 alternation matching exactly these literal values (Go's QuoteMeta)."""
    return "|".join("".join("\\" + c if c in _RE2_META else c for c in v) for v in values)


def equals(labels: dict[str, str]) -> list[Matcher]:
    return [(k, "=", v) for k, v in sorted(labels.items())]


def one_of(label: str, values: Iterable[str]) -> Matcher:
    values = list(values)
    if len(values) == 1:
        return (label, "=", values[0])
    return (label, "=~", regex_alternation(values))


def selector(metric: str, matchers: Iterable[Matcher]) -> str:
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
