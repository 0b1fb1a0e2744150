"""Label matchers, the one implementation every stage uses: `(label, op, value)` with op
one of `=`, `!=`, `=~`, `!~`; rendered for PromQL selectors and Alertmanager configs,
parsed from Alertmanager's syntax, and matched against a label set as both engines do."""

from __future__ import annotations

import re

from monogen.compile import re2

Matcher = tuple[str, str, str]  # (label, op, value)
OPS = ("=", "!=", "=~", "!~")
MATCHER = re.compile(r"^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$", re.S)


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
