"""Configs held in a Kubernetes ConfigMap or Secret (kube-prometheus keeps Alertmanager's
config in a Secret, OpenShift and many charts keep rule files in ConfigMaps): each key
whose text is a kind monogen lints becomes a document of its own, with its positions moved
to where the text stands in the file. Text in a block scalar (`key: |`) keeps its lines;
base64 (`data:` of a Secret) and one-line strings have none of their own, so their
findings point at the key."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any

from monogen.spec.errors import SpecErrors
from monogen.spec.loader import Document, PathKey, load_text

HOLDERS = ("ConfigMap", "Secret")


def holds_configs(data: Any) -> bool:
    return isinstance(data, dict) and data.get("kind") in HOLDERS and data.get("apiVersion") == "v1"


def texts(doc: Document) -> list[tuple[PathKey, str, bool]]:
    """(path of the key, its text, whether it was base64) for every string value under
    `data` and `stringData`; a Secret's `data` is decoded, and skipped if it is not text."""
    found = []
    secret = doc.data.get("kind") == "Secret"
    for section in ("stringData", "data"):
        values = doc.data.get(section)
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if not isinstance(value, str):
                continue
            encoded = secret and section == "data"
            if encoded:
                try:
                    value = base64.b64decode(value, validate=True).decode("utf-8")
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    continue
            found.append(((section, key), value, encoded))
    return found


def _block(lines: list[str], line: int, column: int) -> tuple[int, int] | None:
    """(lines, columns) to add to positions in a block scalar's text whose indicator
    (`|` or `>`) is at `line`:`column`; None when the value is not a literal block."""
    if line < 1 or line > len(lines):
        return None
    rest = lines[line - 1][column - 1 :].lstrip()
    if not rest.startswith("|"):
        return None  # a folded block (>) or a quoted string: lines do not map
    for text in lines[line:]:
        if text.strip():
            return line, len(text) - len(text.lstrip(" "))
    return None


def _moved(
    marks: dict[PathKey, tuple[int, int]], move: Callable[[int, int], tuple[int, int]]
) -> dict[PathKey, tuple[int, int]]:
    return {path: move(*mark) for path, mark in marks.items()}


def documents(doc: Document, lines: list[str]) -> list[tuple[str, Document]]:
    """(key name, document) for each key of a ConfigMap or Secret that holds YAML, with
    positions in the file that holds it. Text that does not parse is skipped: a key may
    hold anything (a script, a certificate)."""
    found = []
    for path, text, encoded in texts(doc):
        at = doc.value_marks.get(path) or doc.key_marks.get(path) or (1, 1)
        shift = None if encoded else _block(lines, *at)
        try:
            inner = load_text(text, doc.source, lenient=True)
        except SpecErrors:
            continue
        for d in inner:
            if shift is None:

                def move(_line: int, _col: int, at: tuple[int, int] = at) -> tuple[int, int]:
                    return at
            else:

                def move(line: int, col: int, s: tuple[int, int] = shift) -> tuple[int, int]:
                    return line + s[0], col + s[1]

            d.key_marks = _moved(d.key_marks, move)
            d.value_marks = _moved(d.value_marks, move)
            found.append((str(path[-1]), d))
    return found
