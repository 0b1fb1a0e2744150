"""Jinja2 for templates a project overrides: they are untrusted (any team member writes
them, and CI renders them in `build --check`), so they run in Jinja2's immutable sandbox
(no attributes reaching Python's internals, no mutation of what they are given) with their
work bounded: loop iterations, the size of strings and lists they make, and the text a
page may produce. A template past a bound is the project's error, at the template's line."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

MAX_ITERATIONS = 100_000  # range() steps one render may take
MAX_SEQUENCE = 1_000_000  # characters or items a * or + may produce
MAX_OUTPUT = 1_000_000  # characters of one rendered page


class TemplateLimit(SecurityError):
    """A template went past one of the bounds above (at `lineno` of the page, where the
    output bound knows it; the others show in the traceback)."""

    lineno: int | None = None


class BoundedSandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = frozenset({"*", "**", "+"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = self._range
        self.steps = 0

    def _range(self, *args: int) -> Iterator[int]:
        for i in range(*args):
            self.steps += 1
            if self.steps > MAX_ITERATIONS:
                raise TemplateLimit(f"more than {MAX_ITERATIONS:,} loop steps")
            yield i

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and _size(right) > 64:
            raise TemplateLimit("an exponent above 64")
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
        """The template's text, stopped once it passes MAX_OUTPUT characters."""
        self.steps = 0
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


def _size(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0
