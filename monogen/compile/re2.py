"""Regular expressions as Prometheus and Alertmanager read them: RE2 (Go's regexp is
RE2's syntax), never Python's `re`, which reads some patterns otherwise — `a{,1}` is a
literal to RE2 and a repeat to `re`; `[[:alpha:]]` a class to RE2 and a set of brackets to
`re`; `(?x)` is refused by RE2. Matching is anchored at both ends, as both engines anchor
label matchers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


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
