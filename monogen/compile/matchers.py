"""Label matchers, the one implementation every stage uses: `(label, op, value)` with op
one of `=`, `!=`, `=~`, `!~`; parsed from a spec's selectors, rendered for PromQL selectors
and Alertmanager configs, parsed from Alertmanager's syntax, matched against a label set
as both engines do, and satisfied (or violated) by the label values of a proof's series."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from monogen.compile import re2
from monogen.compile.re2_examples import examples

Matcher = tuple[str, str, str]  # (label, op, value)
OPS = ("=", "!=", "=~", "!~")
MATCHER = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$", re.S)
_RE2_META = set("\\.+*?()|[]{}^$")
# Values tried for a label that only has to differ from something (`!=v`, `!~re`).
OTHERS = ("other", "monogen-other", "monogen-other-2", "x", "0")


# -- selectors as specs write them ------------------------------------------------------


def parse_value(label: str, written: str) -> Matcher:
    """A selector value as specs write it: an operator first (`=~re`, `!~re`, `!=v`, `=v`)
    or none for equality; `==x` matches the text `=x`."""
    for op in ("=~", "!~", "!="):
        if written.startswith(op):
            return (label, op, written[len(op) :])
    return (label, "=", written.removeprefix("="))


def of_selector(selector: Mapping[str, str | Sequence[str]]) -> list[Matcher]:
    """A selector's matchers in label order; a list of values matches any of them."""
    return [
        parse_value(label, value)
        if isinstance(value, str)
        else one_of(label, [parse_value(label, v)[2] for v in value])
        for label, value in sorted(selector.items())
    ]


def written(m: Matcher) -> str:
    """A matcher as a spec writes it, for messages."""
    _, op, value = m
    return value if op == "=" and not value.startswith(("=", "!=", "!~")) else op + value


def value_problem(text: str, *, in_list: bool = False) -> tuple[str, str] | None:
    """(message, hint) when a written selector value cannot be a matcher monogen can
    compile and prove; None when it can."""
    _, op, value = parse_value("", text)
    if in_list and op != "=":
        return (
            f"{text!r}: each value of a list is matched exactly (the list matches any of them)",
            f'write one regex instead, e.g. "=~a|b", or the value as "={text}"',
        )
    if op in ("=~", "!~"):
        refused = re2.refusal(value)
        if refused:
            return refused
    if op == "=~" and not examples(value):
        return (
            f"monogen cannot derive a label value that {value!r} matches, so no proof could "
            "build a series this selector picks",
            "simplify the regex to alternatives of literals, classes, groups and repeats",
        )
    if op == "!~" and value_for([("", op, value)], []) is None:
        return (
            f"{value!r} matches every value monogen tries: the selector would pick no series",
            'match what to leave out, e.g. "!~dev|test"',
        )
    return None


def merged(outer: Iterable[Matcher], own: Iterable[Matcher]) -> list[Matcher]:
    """`outer`, then those of `own` on other labels (validation refuses a label that both
    match differently)."""
    outer = list(outer)
    taken = {label for label, _, _ in outer}
    return outer + [m for m in own if m[0] not in taken]


def equals(labels: Mapping[str, str]) -> list[Matcher]:
    return [(k, "=", v) for k, v in sorted(labels.items())]


def regex_alternation(values: Iterable[str]) -> str:
    """An RE2 alternation matching exactly these literal values (Go's QuoteMeta)."""
    return "|".join("".join("\\" + c if c in _RE2_META else c for c in v) for v in values)


def one_of(label: str, values: Iterable[str]) -> Matcher:
    values = list(values)
    if len(values) == 1:
        return (label, "=", values[0])
    return (label, "=~", regex_alternation(values))


# -- label values that satisfy matchers -------------------------------------------------


def excludes(m: Matcher) -> bool:
    """Whether some value is left out by `m` beyond the one it names: a negative matcher,
    or a regex narrower than any value (a series of such a value must not count)."""
    op = m[1]
    return op in ("!=", "!~") or (op == "=~" and value_for([], [m]) is not None)


def value_for(must: Sequence[Matcher], violate: Sequence[Matcher]) -> str | None:
    """A value of one label satisfying every matcher of `must` and none of `violate`
    ("" for a series without the label), or None when none is found."""
    candidates: list[str] = []
    for _, op, value in must:
        if op == "=":
            candidates.append(value)
        elif op == "=~":
            candidates += examples(value, 16)
    for _, op, value in violate:
        if op == "=":
            candidates.append(f"not-{value}")
        elif op == "!=":
            candidates.append(value)
        elif op == "!~":
            candidates += examples(value, 16)
    for value in (*candidates, *OTHERS, ""):
        labels = {"v": value}
        if all(matches(("v", op, v), labels) for _, op, v in must) and not any(
            matches(("v", op, v), labels) for _, op, v in violate
        ):
            return value
    return None


def satisfying(must: Sequence[Matcher], violate: Sequence[Matcher] = ()) -> dict[str, str] | None:
    """Labels satisfying every matcher of `must` and none of `violate` (labels whose value
    is empty left out, as Prometheus leaves them), or None when no value is found."""
    found = _satisfying(tuple(must), tuple(violate))
    return None if found is None else dict(found)  # a copy: callers add labels to it


# fixtures ask it the same matchers for every variant and case of a build
@lru_cache(maxsize=4096)
def _satisfying(must: tuple[Matcher, ...], violate: tuple[Matcher, ...]) -> dict[str, str] | None:
    found: dict[str, str] = {}
    for label in sorted({m[0] for m in (*must, *violate)}):
        value = value_for([m for m in must if m[0] == label], [m for m in violate if m[0] == label])
        if value is None:
            return None
        if value:
            found[label] = value
    return found


def render_alertmanager(m: Matcher) -> str:
    """`label="value"` in Alertmanager's matcher syntax, with the value escaped."""
    label, op, value = m
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'{label}{op}"{escaped}"'


def matches(m: Matcher, labels: dict[str, str]) -> bool:
    """Whether `labels` satisfy `m`: a missing label reads as empty; regexes are anchored."""
    label, op, value = m
    actual = labels.get(label, "")
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    found = re2.fullmatch(value, actual)
    return found if op == "=~" else not found


def parse_matchers(value: str) -> list[tuple[str, str, str]]:
    """Alertmanager's matcher syntax: `a="b"`, `a=~"re"`, comma-separated, optional braces."""
    body = value.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    out: list[tuple[str, str, str]] = []
    for part in _split(body):
        match = MATCHER.match(part)
        if not match:
            raise ValueError(f"bad matcher format: {part!r}")
        name, op, raw = match.groups()
        if raw.startswith('"'):
            if (
                len(raw) < 2
                or not raw.endswith('"')
                or (raw.endswith('\\"') and not raw.endswith('\\\\"'))
            ):
                raise ValueError(f"unterminated quoted value in {part!r}")
            inner = raw[1:-1]
            if re.search(r'(?<!\\)"', inner):
                raise ValueError(f"matcher value contains unescaped double quote: {inner}")
            raw = re.sub(r"\\(.)", r"\1", inner)
        elif '"' in raw:
            raise ValueError(f"matcher value contains unescaped double quote: {raw}")
        if op in ("=~", "!~"):
            refused = re2.problem(raw)
            if refused:
                raise ValueError(f"invalid regular expression {raw!r}: {refused}")
        out.append((name, op, raw))
    return out


def _split(body: str) -> list[str]:
    parts, current, quoted, escaped = [], "", False, False
    for ch in body:
        if escaped:
            current += ch
            escaped = False
        elif ch == "\\":
            current += ch
            escaped = True
        elif ch == '"':
            current += ch
            quoted = not quoted
        elif ch == "," and not quoted:
            parts.append(current)
            current = ""
        else:
            current += ch
    if current.strip() or not parts:
        parts.append(current)
    return [p for p in parts if p.strip()] or [body]
