"""Reasoning about sets of Alertmanager matchers (a conjunction each): does one set match
every alert another matches (implication), can any alert match a set at all? Regexes are
RE2, anchored, as Alertmanager reads them; a missing label reads as the empty value.
Answers are sure or "no": `implies` is False and `satisfiable` True when unsure."""

from __future__ import annotations

import re
from typing import Any

from monogen.compile import re2
from monogen.compile.matchers import Matcher, matches, parse_matchers

# patterns that match every value, the empty one included (`.` misses only a newline,
# which no label value of an alert carries in practice)
_ANYTHING = {".*", "(.*)", "(?:.*)", "(?s).*", "(?s:.*)", "^.*$", ".*?"}
_LITERAL = re.compile(r"(?:[^.*+?()|\[\]{}^$\\]|\\[.*+?()|\[\]{}^$\\/-])*")


def matcher_sets(part: dict[str, Any], prefix: str = "") -> list[Matcher] | None:
    """The matchers of a route (`matchers`, `match`, `match_re`) or of one side of an
    inhibit rule (prefix `source_` or `target_`); None when one does not parse."""
    found: list[Matcher] = []
    try:
        for item in part.get(f"{prefix}matchers") or []:
            found.extend(parse_matchers(str(item)))
        for name, value in (part.get(f"{prefix}match") or {}).items():
            found.append((str(name), "=", str(value)))
        for name, value in (part.get(f"{prefix}match_re") or {}).items():
            if re2.problem(str(value)):
                return None
            found.append((str(name), "=~", str(value)))
    except (ValueError, AttributeError, TypeError):
        return None
    return found


def literals(pattern: str) -> set[str] | None:
    """The values a regex of plain alternatives (`a|b`, `(?:a|b)`, `^(a|b)$`) matches."""
    body = pattern
    if body.startswith("^"):
        body = body[1:]
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    for opening in ("(?:", "("):
        if body.startswith(opening) and body.endswith(")") and body.count("(") == 1:
            body = body[len(opening) : -1]
    values = set()
    for alternative in body.split("|"):
        if not _LITERAL.fullmatch(alternative):
            return None
        values.add(re.sub(r"\\(.)", r"\1", alternative))
    return values


def _values(m: Matcher) -> set[str] | None:
    """The only values a matcher admits, when they are few and known."""
    _, op, value = m
    if op == "=":
        return {value}
    if op == "=~":
        return literals(value)
    return None


def matches_everything(m: Matcher) -> bool:
    return m[1] == "=~" and m[2] in _ANYTHING


def implies(given: list[Matcher], wanted: Matcher) -> bool:
    """Does every alert matching all of `given` match `wanted`?"""
    if matches_everything(wanted):
        return True
    name, op, value = wanted
    for m in given:
        if m[0] != name:
            continue
        if m == wanted:
            return True
        admitted = _values(m)
        if admitted is not None and all(matches(wanted, {name: v}) for v in admitted):
            return True
        refused = literals(m[2]) if m[1] == "!~" else ({m[2]} if m[1] == "!=" else None)
        if refused is not None:
            if op == "!=" and value in refused:
                return True
            wanted_out = literals(value) if op == "!~" else None
            if wanted_out is not None and wanted_out <= refused:
                return True
    return False


def implies_all(given: list[Matcher], wanted: list[Matcher]) -> bool:
    return all(implies(given, m) for m in wanted)


def satisfiable(matchers: list[Matcher]) -> bool:
    """False only when no alert can match every matcher (`a="x"` with `a="y"`, or with
    `a!="x"`, or with a regex no admitted value matches)."""
    for name in {m[0] for m in matchers}:
        mine = [m for m in matchers if m[0] == name]
        candidates: set[str] | None = None
        for m in mine:
            admitted = _values(m)
            if admitted is not None:
                candidates = admitted if candidates is None else candidates & admitted
        if candidates is None:
            continue
        if not any(all(matches(m, {name: v}) for m in mine) for v in candidates):
            return False
    return True


def fixed_value(matchers: list[Matcher], name: str) -> str | None:
    """The one value `name` must have under `matchers`, if they fix it."""
    for m in matchers:
        if m[0] == name:
            admitted = _values(m)
            if admitted is not None and len(admitted) == 1:
                return next(iter(admitted))
    return None
