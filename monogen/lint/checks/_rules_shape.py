"""Walking rule files whatever their shape: checks get only the parts that are well formed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.source import LintFile


def groups(f: LintFile) -> Iterator[tuple[int, dict[str, Any]]]:
    data = f.data
    items = data.get("groups") if isinstance(data, dict) else None
    if isinstance(items, list):
        for i, group in enumerate(items):
            if isinstance(group, dict):
                yield i, group


def rules(f: LintFile) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path of the rule, rule) for every rule that is a mapping (computed once a file)."""
    if "rules" not in f.memo:
        f.memo["rules"] = list(_rules(f))
    return f.memo["rules"]


def _rules(f: LintFile) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for gi, group in groups(f):
        items = group.get("rules")
        if isinstance(items, list):
            for ri, rule in enumerate(items):
                if isinstance(rule, dict):
                    yield ("groups", gi, "rules", ri), rule


def alerts(f: LintFile) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    for path, rule in rules(f):
        if "alert" in rule and "record" not in rule:
            yield path, rule


def text(value: Any) -> str | None:
    """A scalar as the text Go would read it into a string field, else None."""
    if type(value) is str:  # nearly always: the rest is for the odd unquoted number
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str | int | float):
        return str(value)
    return None
