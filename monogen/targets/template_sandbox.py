"""Jinja2 for templates a project overrides: they are untrusted (any team member writes
them, and CI renders them in `build --check`), so they run in Jinja2's immutable sandbox
(no attributes reaching Python's internals, no mutation of what they are given) with their
work bounded: loop iterations, the size of strings and lists they make, and the text a
page may produce. A template past a bound is the project's error, at the template's line."""

from __future__ import annotations

import functools
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2 import Environment
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_ITERATIONS = 100_000  # range() steps one render may take
MAX_SEQUENCE = 1_000_000  # characters or items a * or + may produce, and any number passed
MAX_OUTPUT = 1_000_000  # characters of one rendered page
MAX_BITS = 10_000  # of an integer a ** may produce
MAX_SECONDS = 5  # one page's render (loops over strings and lists have no counter)
# a width or precision of seven digits in a format string (`%0300000000d`, `%.3000000f`,
# `{:>300000000}`): looked for only in what is used as one, never in data a filter is given
_WIDE = re.compile(r"%(\([^)]*\))?[-+ #0]*\d*\.?\d{7,}|\{[^{}]*:[^{}]*\d{7,}")


class TemplateLimit(SecurityError):
    """A template went past one of the bounds above (at `lineno` of the page, where the
    output bound knows it; the others show in the traceback)."""

    lineno: int | None = None


class Trusted(Environment):
    """monogen's own templates, when no project overrides any: the same options and
    filters, rendered as they are (they touch nothing the sandbox would refuse)."""

    def render_bounded(self, template: Any, context: dict[str, Any]) -> str:
        return template.render(context)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = self._range
        self.steps = 0
        self.guard_filters()

    def call(self, context: Any, obj: Any, *args: Any, **kwargs: Any) -> Any:
        _small_arguments(args, kwargs)
        if getattr(obj, "__name__", "") in ("format", "format_map"):
            _narrow_format(getattr(obj, "__self__", None))
        return super().call(context, obj, *args, **kwargs)

    def guard_filters(self) -> None:
        """Every filter refuses huge arguments (`center(300000000)`) before working:
        compiled templates call filters directly, not through the environment. Call it
        after adding filters of one's own."""
        for name, function in list(self.filters.items()):
            if not getattr(function, "_bounded", False):
                self.filters[name] = _bounded(function)

    def _range(self, *args: int) -> Iterator[int]:
        for i in range(*args):
            self.steps += 1
            if self.steps > MAX_ITERATIONS:
                raise TemplateLimit(f"more than {MAX_ITERATIONS:,} loop steps")
            yield i

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _size(right) > 64:
            raise TemplateLimit("an exponent above 64")
        # ** chains left to right in Jinja2: ((2**64)**64)**64 grows at every step
        if operator == "**" and abs(_size(left)).bit_length() * _size(right) > MAX_BITS:
            raise TemplateLimit(f"an integer of more than {MAX_BITS:,} bits")
        if operator == "%":
            _narrow_format(left)
        if operator == "*":
            count = right if isinstance(left, str | list | tuple) else left
            item = left if isinstance(left, str | list | tuple) else right
            if isinstance(item, str | list | tuple) and _size(count) * len(item) > MAX_SEQUENCE:
                raise TemplateLimit(f"a sequence of more than {MAX_SEQUENCE:,} items")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | list | tuple) and len(result) > MAX_SEQUENCE:
            raise TemplateLimit(f"a sequence of more than {MAX_SEQUENCE:,} items")
        return result

    def render_bounded(self, template: Any, context: dict[str, Any]) -> str:
        """The template's text, stopped once it passes MAX_OUTPUT characters or
        MAX_SECONDS of work."""
        self.steps = 0
        with _deadline(MAX_SECONDS):
            return self._render(template, context)

    def _render(self, template: Any, context: dict[str, Any]) -> str:
        parts, size = [], 0
        chunks = template.generate(context)
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_OUTPUT:
                limit = TemplateLimit(f"a page of more than {MAX_OUTPUT:,} characters")
                limit.lineno = _page_line(template, chunks)
                chunks.close()
                raise limit
            parts.append(chunk)
        return "".join(parts)


def _page_line(template: Any, chunks: Any) -> int | None:
    """The page's line a paused render stands at: its own render function is the
    generator `generate` delegates to."""
    inner = getattr(chunks, "gi_yieldfrom", None)
    frame = getattr(inner, "gi_frame", None)
    return template.get_corresponding_lineno(frame.f_lineno) if frame else None


def _small_arguments(args: Any, kwargs: dict[str, Any]) -> None:
    """No template needs an integer of a million or more as an argument (a width, a
    count): refused before the work is done. Strings are data, whatever digits they hold
    (a variant `fraud-20240115`, a PromQL expression): only a format string is read for a
    width (`_narrow_format`)."""
    for value in [*args, *kwargs.values()]:
        if _size(value) >= MAX_SEQUENCE:
            raise TemplateLimit("an argument of a million or more")


def _narrow_format(template: Any) -> None:
    if isinstance(template, str) and _WIDE.search(template):
        raise TemplateLimit("a format width of a million characters or more")


def _bounded(function: Any) -> Any:
    """The filter, refusing huge counts among its arguments; the value it filters (the
    first argument, after the context or environment Jinja2 passes some) is data, read
    only as the format string of `format`."""
    subject = 1 if getattr(function, "jinja_pass_arg", None) else 0
    formats = getattr(function, "__name__", "") == "do_format"

    @functools.wraps(function)  # keeps Jinja2's pass_context/pass_environment marks
    def checked(*args: Any, **kwargs: Any) -> Any:
        if formats and len(args) > subject:
            _narrow_format(args[subject])
        _small_arguments(args[subject + 1 :], kwargs)
        return function(*args, **kwargs)

    checked._bounded = True  # type: ignore[attr-defined]
    return checked


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    """A wall-clock bound on the main thread (a render in another thread goes unbounded:
    signals reach only the main one)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(_signum: int, _frame: Any) -> None:
        raise TemplateLimit(f"a page that took more than {seconds} s to render")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _size(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
