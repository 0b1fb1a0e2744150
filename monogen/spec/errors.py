"""One error type for bad input: it carries a source position, what was expected and a hint."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class SpecError:
    """A problem with the user's input, reported as `file:line:col: message (path) hint`."""

    position: Position
    message: str
    path: str = ""
    hint: str = field(default="", compare=False)

    def render(self) -> str:
        where = f" (at {self.path})" if self.path else ""
        text = f"{self.position}: error: {self.message}{where}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class SpecErrors(Exception):
    """Raised with every error found, so a user fixes them in one pass instead of one a run."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(set(errors))
        super().__init__("\n".join(e.render() for e in self.errors))

    def __reduce__(self) -> tuple[type[SpecErrors], tuple[list[SpecError]]]:
        # raised in a render worker of a large build, it crosses back by pickle
        return (SpecErrors, (self.errors,))


def fail(position: Position, message: str, path: str = "", hint: str = "") -> SpecErrors:
    """Build a SpecErrors holding a single error (callers `raise fail(...)`)."""
    return SpecErrors([SpecError(position, message, path, hint)])


def dotted(path: tuple[str | int, ...]) -> str:
    """`spec.variants[0].name` from ('spec', 'variants', 0, 'name')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def unknown_names(
    values: list[str] | tuple[str, ...] | None, known: list[str], what: str
) -> list[tuple[int, str, str]]:
    """(index, message, hint) for each value not among `known`, with a did-you-mean."""
    import difflib

    found = []
    for i, value in enumerate(values or ()):
        if value not in known:
            close = difflib.get_close_matches(value, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known: {', '.join(known)}"
            found.append((i, f"unknown {what} {value!r}", hint))
    return found
