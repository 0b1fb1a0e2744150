"""Alert text as values: literal parts and the values Prometheus fills in when it fires.

Kinds and specs build an `AlertText`; each target renders it in its own language (the
Prometheus rule file as Go template text, with every literal part escaped so that spec
text never runs as a template action), and generated tests compute what Prometheus must
show from the same parts, without reading the rendered template."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from monogen.compile.gotemplate import PIPES, literal, query_value


@dataclass(frozen=True)
class Label:
    """The value of one of the alert expression's labels (`$labels.name`)."""

    name: str


@dataclass(frozen=True)
class Value:
    """The alert's value, shown through a template function (`humanize`, ...)."""

    pipe: str


@dataclass(frozen=True)
class Query:
    """The first value another query returns, shown through a template function."""

    query: str
    pipe: str


Part = str | Label | Value | Query


@dataclass(frozen=True)
class AlertText:
    parts: tuple[Part, ...] = ()

    @classmethod
    def of(cls, *parts: Part | AlertText) -> AlertText:
        """Parts in order (texts are flattened); adjacent literal parts are joined, so the
        escaping sees each literal run whole."""
        out: list[Part] = []
        for part in _flat(parts):
            if isinstance(part, str):
                if not part:
                    continue
                if out and isinstance(out[-1], str):
                    out[-1] += part
                    continue
            out.append(part)
        return cls(tuple(out))

    def __add__(self, other: Part | AlertText) -> AlertText:
        return AlertText.of(self, other)

    def __radd__(self, other: Part) -> AlertText:
        return AlertText.of(other, self)

    def capitalized(self) -> AlertText:
        first = self.parts[0] if self.parts else ""
        if isinstance(first, str) and first:
            return AlertText((first[0].upper() + first[1:], *self.parts[1:]))
        return self

    def replaced(self, old: str, new: str) -> AlertText:
        """The first `old` within a literal part replaced by `new` (values untouched)."""
        for i, part in enumerate(self.parts):
            if isinstance(part, str) and old in part:
                return AlertText.of(
                    *self.parts[:i], part.replace(old, new, 1), *self.parts[i + 1 :]
                )
        return self

    def go_template(self) -> str:
        """Prometheus' annotation template: literal text escaped, values as actions."""
        return "".join(_go(part) for part in self.parts)

    def shown(
        self, labels: dict[str, str], value: float, queries: dict[str, float] | None = None
    ) -> str:
        """The text Prometheus shows for an alert with these labels and value, computed
        from the parts (not from the template text `go_template` writes)."""
        return "".join(_shown(part, labels, value, queries or {}) for part in self.parts)


def _flat(parts: Iterable[Part | AlertText]) -> Iterable[Part]:
    for part in parts:
        if isinstance(part, AlertText):
            yield from part.parts
        else:
            yield part


def _go(part: Part) -> str:
    if isinstance(part, str):
        return literal(part)
    if isinstance(part, Label):
        return f"{{{{ $labels.{part.name} }}}}"
    if isinstance(part, Value):
        return f"{{{{ $value | {part.pipe} }}}}"
    return query_value(part.query, part.pipe)


def _pipe(name: str) -> Callable[[float], str]:
    found = PIPES.get(name)
    if found is None:
        raise ValueError(f"cannot show a value through {name!r}")
    return found


def _shown(part: Part, labels: dict[str, str], value: float, queries: dict[str, float]) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Label):
        return labels.get(part.name, "<no value>")
    if isinstance(part, Value):
        return _pipe(part.pipe)(value)
    if part.query not in queries:
        raise ValueError(f"no value for the template query {part.query!r}")
    return _pipe(part.pipe)(queries[part.query])
