"""Example label values for RE2 regular expressions: a value a regex matches, so a proof's
synthetic series is selected by `label=~"re"` (and a decoy's is excluded by `label!~"re"`).

A small parser of RE2's syntax (alternations, literals, escapes, classes, `.`, groups and
flags, repeats `* + ? {n,m}` at their minimum count first) yields candidate values lazily;
every candidate is checked with RE2's own full match before it is used, so a construct
read loosely here (an assertion, a class) can cost a candidate but never give a wrong
one. Class membership is asked of RE2 as well: POSIX, Perl and Unicode classes need no
tables of their own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from monogen.compile import re2

TRIES = 200  # candidates checked before a regex counts as one without a usable example
# Characters tried, in order, for a class or `.`: digits first (`5..` → 500), then letters.
PREFERRED = "".join(
    dict.fromkeys("0aA_-x1.:/ " + "".join(chr(c) for c in range(0x21, 0x7F)) + "éα中\t\n")
)
_ESCAPES = {"a": "\a", "f": "\f", "t": "\t", "n": "\n", "r": "\r", "v": "\v"}
_CLASS_ESCAPES = "dDsSwWpP"
_ASSERTIONS = "bBAz"


class _Unsupported(Exception):
    """Syntax this generator does not read: no example, the spec is refused."""


@dataclass(frozen=True)
class _Lit:
    text: str


@dataclass(frozen=True)
class _Class:
    expr: str  # a class as RE2 writes it: `[a-z]`, `\d`, `\pL`, `.`
    flags: str  # the flags in force (`i`, `s`): they change what the class holds


@dataclass(frozen=True)
class _Alt:
    branches: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class _Repeat:
    node: object
    low: int
    high: int | None


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p, self.i = pattern, 0

    def parse(self) -> _Alt:
        found = self.alternation("")
        if self.i != len(self.p):
            raise _Unsupported(f"unbalanced ) at {self.i}")
        return found

    def alternation(self, flags: str) -> _Alt:
        branches, items = [], []
        while self.i < len(self.p) and self.p[self.i] != ")":
            ch = self.p[self.i]
            if ch == "|":
                self.i += 1
                branches.append(tuple(items))
                items = []
                continue
            atom, flags = self.atom(flags)
            if atom is None:
                continue
            items.append(self.repeats(atom))
        branches.append(tuple(items))
        return _Alt(tuple(branches))

    def atom(self, flags: str) -> tuple[object | None, str]:
        p, ch = self.p, self.p[self.i]
        if ch == "(":
            return self.group(flags)
        if ch == "[":
            end = self.class_end(self.i)
            expr = p[self.i : end]
            self.i = end
            return _Class(expr, flags), flags
        if ch == ".":
            self.i += 1
            return _Class(".", flags), flags
        if ch in "^$":
            self.i += 1
            return _Lit(""), flags
        if ch == "\\":
            return self.escape(flags), flags
        if ch in "*+?":
            raise _Unsupported("a repeat of nothing")
        self.i += 1
        return _Lit(ch), flags

    def escape(self, flags: str) -> object:
        p = self.p
        if self.i + 1 >= len(p):
            raise _Unsupported("a trailing backslash")
        ch = p[self.i + 1]
        self.i += 2
        if ch == "Q":  # \Q...\E: literal text
            end = p.find("\\E", self.i)
            end = len(p) if end < 0 else end
            text, self.i = p[self.i : end], min(end + 2, len(p))
            return _Lit(text)
        if ch in _ASSERTIONS:
            return _Lit("")
        if ch in _CLASS_ESCAPES:
            start = self.i - 2
            if ch in "pP" and self.i < len(p) and p[self.i] == "{":
                close = p.find("}", self.i)
                if close < 0:
                    raise _Unsupported("an unterminated \\p{")
                self.i = close + 1
            elif ch in "pP":
                self.i += 1
            return _Class(p[start : self.i], flags)
        if ch == "x":
            return _Lit(self.hex())
        if ch in "01234567":
            digits = ch
            while len(digits) < 3 and self.i < len(p) and p[self.i] in "01234567":
                digits, self.i = digits + p[self.i], self.i + 1
            return _Lit(chr(int(digits, 8)))
        if ch in _ESCAPES:
            return _Lit(_ESCAPES[ch])
        if ch.isalnum():
            raise _Unsupported(f"escape \\{ch}")
        return _Lit(ch)

    def hex(self) -> str:
        p = self.p
        if self.i < len(p) and p[self.i] == "{":
            close = p.find("}", self.i)
            if close < 0:
                raise _Unsupported("an unterminated \\x{")
            digits, self.i = p[self.i + 1 : close], close + 1
        else:
            digits, self.i = p[self.i : self.i + 2], self.i + 2
        return chr(int(digits, 16))

    def group(self, flags: str) -> tuple[object | None, str]:
        p = self.p
        self.i += 1
        inner = flags
        if p.startswith("?P<", self.i) or p.startswith("?<", self.i):
            self.i = p.index(">", self.i) + 1
        elif p.startswith("?", self.i):
            end = self.i + 1
            while end < len(p) and p[end] not in ":)":
                end += 1
            if end >= len(p):
                raise _Unsupported("an unterminated group")
            inner = _flags(flags, p[self.i + 1 : end])
            self.i = end + 1
            if p[end] == ")":  # (?i): flags for the rest of the enclosing group
                return None, inner
        found = self.alternation(inner)
        if self.i >= len(p):
            raise _Unsupported("an unterminated group")
        self.i += 1
        return found, flags

    def class_end(self, start: int) -> int:
        """The index just past the class opening at `start`."""
        p, i = self.p, start + 1
        if i < len(p) and p[i] == "^":
            i += 1
        if i < len(p) and p[i] == "]":
            i += 1  # a leading ] is a literal
        while i < len(p):
            if p[i] == "\\":
                i += 2
            elif p.startswith("[:", i):
                close = p.find(":]", i + 2)
                i = close + 2 if close >= 0 else i + 1
            elif p[i] == "]":
                return i + 1
            else:
                i += 1
        raise _Unsupported("an unterminated class")

    def repeats(self, atom: object) -> object:
        while self.i < len(self.p):
            ch = self.p[self.i]
            if ch in "*+?":
                low, high = {"*": (0, None), "+": (1, None), "?": (0, 1)}[ch]
                self.i += 1
            elif ch == "{" and (bounds := self.bounds()) is not None:
                low, high = bounds
            else:
                return atom
            if self.i < len(self.p) and self.p[self.i] == "?":
                self.i += 1  # lazy: the same values
            atom = _Repeat(atom, low, high)
        return atom

    def bounds(self) -> tuple[int, int | None] | None:
        """`{n}`, `{n,}` or `{n,m}` at the cursor (consumed), or None: a literal brace."""
        close = self.p.find("}", self.i)
        if close < 0:
            return None
        low, comma, high = self.p[self.i + 1 : close].partition(",")
        if not low.isdigit() or (high and not high.isdigit()):
            return None
        self.i = close + 1
        return int(low), (int(high) if high else None) if comma else int(low)


def _flags(current: str, written: str) -> str:
    on, _, off = written.partition("-")
    return "".join(sorted((set(current) | set(on)) - set(off)))


def _values(node: object, width: int) -> Iterator[str]:
    """Candidate texts `node` matches, the likeliest first, at most `width` per choice."""
    if isinstance(node, _Lit):
        yield node.text
    elif isinstance(node, _Class):
        yield from itertools.islice(_members(node.expr, node.flags), width)
    elif isinstance(node, _Alt):
        per_branch = [_sequence(b, width) for b in node.branches]
        for round_ in itertools.zip_longest(*per_branch):  # each branch's first, then seconds
            yield from (v for v in round_ if v is not None)
    elif isinstance(node, _Repeat):
        counts = [node.low] + ([node.low + 1] if node.high is None or node.high > node.low else [])
        for count in counts:
            if count == 0:
                yield ""
                continue
            for one in itertools.islice(_values(node.node, width), width):
                yield one * count


def _sequence(items: tuple[object, ...], width: int) -> Iterator[str]:
    choices = [list(itertools.islice(_values(i, width), width)) for i in items]
    for parts in itertools.islice(itertools.product(*choices), TRIES):
        yield "".join(parts)


def _members(expr: str, flags: str) -> Iterator[str]:
    prefix = f"(?{flags})" if flags else ""
    for ch in PREFERRED:
        if re2.fullmatch(prefix + expr, ch):
            yield ch


@lru_cache(maxsize=4096)
def examples(pattern: str, count: int = 3) -> tuple[str, ...]:
    """Up to `count` distinct values `pattern` fully matches (RE2), the first the shortest
    reading; none when the pattern is invalid or beyond this generator."""
    if re2.problem(pattern) is not None:
        return ()
    try:
        tree = _Parser(pattern).parse()
    except (_Unsupported, ValueError):
        return ()
    found: list[str] = []
    for value in itertools.islice(_values(tree, 3), TRIES):
        if value not in found and re2.fullmatch(pattern, value):
            found.append(value)
            if len(found) == count:
                break
    return tuple(found)


def example(pattern: str) -> str | None:
    """A value `pattern` fully matches, or None when none can be derived."""
    found = examples(pattern, 1)
    return found[0] if found else None
