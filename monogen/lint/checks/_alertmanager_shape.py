"""Walking Alertmanager configs whatever their shape: receivers, integrations and routes
as checks see them (the fields each part reads are in _alertmanager_fields.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.checks._alertmanager_fields import ALL_FIELDS
from monogen.lint.source import LintFile

Path = tuple[Any, ...]

FIELDS = ALL_FIELDS  # the fields of each part, as its first release reads them


def _data(f: LintFile) -> dict[str, Any]:
    return f.data if isinstance(f.data, dict) else {}


def receivers(f: LintFile) -> Iterator[tuple[Path, dict[str, Any]]]:
    items = _data(f).get("receivers")
    if isinstance(items, list):
        for i, receiver in enumerate(items):
            if isinstance(receiver, dict):
                yield ("receivers", i), receiver


def integrations(f: LintFile, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path, receiver in receivers(f):
        items = receiver.get(kind)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield (*path, kind, i), item


def routes(f: LintFile) -> Iterator[tuple[Path, dict[str, Any], int]]:
    """(path, route, depth) for the root route (depth 0) and every route below it."""
    root = _data(f).get("route")
    if not isinstance(root, dict):
        return
    stack: list[tuple[Path, dict[str, Any], int]] = [(("route",), root, 0)]
    while stack:
        path, route, depth = stack.pop(0)
        yield path, route, depth
        children = route.get("routes")
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    stack.append(((*path, "routes", i), child, depth + 1))
