"""Regular expressions as Prometheus and Alertmanager read them: RE2 (Go's regexp is
RE2's syntax), never Python's `re`, which reads some patterns otherwise — `a{,1}` is a
literal to RE2 and a repeat to `re`; `[[:alpha:]]` a class to RE2 and a set of brackets to
`re`; `(?x)` is refused by RE2. Matching is anchored at both ends, as both engines anchor
label matchers."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# What Python's re reads and RE2 (Prometheus, Alertmanager) refuses: lookaround,
# backreferences, possessive repeats. Named, so the message says why, not just "invalid".
NOT_RE2 = re.compile(r"\(\?[=!]|\(\?<[=!]|\(\?>|\(\?P=|\\[1-9]|[*+?}]\+")


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    import re2  # google-re2; imported when a regex is first met (start-up stays fast)

    return re2.compile(f"^(?:{pattern})$", options=_options())


@lru_cache(maxsize=1)
def _options() -> Any:
    import re2

    options = re2.Options()
    options.log_errors = False  # the error is ours to report, not RE2's log to print
    return options


@lru_cache(maxsize=4096)
def problem(pattern: str) -> str | None:
    """Why RE2 refuses `pattern`, or None when it compiles (as written: anchoring cannot
    make a bad pattern good, and the message then quotes the pattern the user wrote)."""
    import re2

    try:
        re2.compile(pattern, options=_options())
        _compiled(pattern)
    except re2.error as exc:
        text = exc.args[0] if exc.args else exc
        return text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return None


def fullmatch(pattern: str, text: str) -> bool:
    """Whether the whole of `text` matches `pattern` (which must compile)."""
    return _compiled(pattern).search(text) is not None


def refusal(pattern: str) -> tuple[str, str] | None:
    """(message, hint) when a label matcher's regex cannot go into a rule as written: RE2
    refuses it, Go's regexp (Prometheus) refuses it on a supported release, or Python's
    `re` reads it otherwise than RE2 (an author who tried it in Python meant something
    else); None when it is fine."""
    syntax = "Prometheus reads label matchers as RE2 (Go) regexes: https://github.com/google/re2/wiki/Syntax"
    found = NOT_RE2.search(pattern)
    if found:
        return (
            f"{found.group(0)!r} in {pattern!r} is not RE2 syntax (Prometheus has no "
            "lookaround, backreferences or possessive repeats)",
            syntax,
        )
    refused = problem(pattern)
    if refused:
        return f"invalid regular expression {pattern!r} (RE2): {refused}", syntax
    bare = _bare(pattern)
    if "\\C" in _escapes(pattern):
        return f"{pattern!r}: Go's regexp (Prometheus) refuses \\C", "write . for any character"
    if "(?<" in bare:
        return (
            f"{pattern!r}: Prometheus 2.x (Go before 1.22) refuses the group syntax (?<name>",
            "write (?P<name>...) or (?:...)",
        )
    brace = re.search(r"\{,[0-9]*\}", bare)
    if brace:
        text = pattern[brace.start() : brace.end()]
        return (
            f"{text!r} in {pattern!r} is the literal text {text!r} to RE2 (Prometheus) but a "
            "repeat to Python's re",
            f"write {{0,{text[2:-1]}}} for a repeat, or \\{text} for the text",
        )
    return None


def _escapes(pattern: str) -> list[str]:
    """The escape sequences of `pattern` outside \\Q...\\E (a backslash and what follows)."""
    return [pattern[i : i + 2] for i, kind in _spans(pattern) if kind == "escape"]


def _bare(pattern: str) -> str:
    """`pattern` with escapes, quoted text and the insides of classes blanked (the same
    length), so that a search finds only what RE2 reads as syntax."""
    out = list(pattern)
    for i, kind in _spans(pattern):
        if kind != "syntax":
            out[i] = " "
            if kind == "escape" and i + 1 < len(out):
                out[i + 1] = " "
    return "".join(out)


def _spans(pattern: str) -> list[tuple[int, str]]:
    """(index, kind) of each character or escape: syntax, escape, quoted or class."""
    found: list[tuple[int, str]] = []
    i, n = 0, len(pattern)
    while i < n:
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            end = n if end < 0 else end + 2
            found += [(j, "quoted") for j in range(i, end)]
            i = end
        elif pattern[i] == "\\":
            found.append((i, "escape"))
            i += 2
        elif pattern[i] == "[":
            j = i + 1
            j += pattern.startswith("^", j)
            j += pattern.startswith("]", j)  # a leading ] is a member
            while j < n and pattern[j] != "]":
                if pattern[j] == "\\":
                    found.append((j, "escape"))
                    j += 2
                elif pattern.startswith("[:", j) and ":]" in pattern[j + 2 :]:
                    j = pattern.index(":]", j + 2) + 2
                else:
                    j += 1
            found += [(k, "class") for k in range(i, min(j + 1, n))]
            i = j + 1
        else:
            found.append((i, "syntax"))
            i += 1
    return found
