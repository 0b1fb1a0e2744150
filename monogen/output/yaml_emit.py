"""A small, fast, deterministic YAML emitter for plain data (dict, list, str, int, float,
bool, None): block style, keys in insertion order, list items indented under their key.

PyYAML's pure-Python emitter dominated build time, and libyaml's can format differently
across builds; this one is pure Python and its output is the same on every machine. A
string is written plain only when reading it back gives the same string, else as a
literal block (`|`) when it has several printable lines, else double-quoted with escapes,
so every str reads back equal with yaml.safe_load. The one exception is a lone surrogate
(U+D800..U+DFFF, which no UTF-8 file can hold): it is written as a `\\udXXX` escape, which
PyYAML's pure-Python loader reads back but libyaml (CSafeLoader) and Go's yaml reject with
an error, never a wrong value. Spec text cannot contain one: specs are read with libyaml.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from typing import Any

import yaml

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@` \t")
# Characters YAML does not allow raw, or reads as line breaks, even inside double quotes.
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Readers take an implicit key only if its colon is at most this many characters after it.
_MAX_KEY = 1024


def dump(data: Any) -> str:
    lines: list[str] = []
    _value(data, 0, lines, None)
    return "\n".join(lines) + "\n"


_YAML11_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


@lru_cache(maxsize=65536)
def _plain_ok(text: str) -> bool:
    if not text or text[0] in _UNSAFE_START or text[-1] in " \t:" or "\n" in text:
        return False
    if not text.isprintable() or ": " in text or " #" in text:
        return False
    if (text[0].isalpha() or text[0] in "_/") and text.lower() not in _YAML11_WORDS:
        return True  # numbers, dates and .inf start otherwise: it can only read as text
    try:
        return yaml.load(text, Loader=_Loader) == text
    except (yaml.YAMLError, ValueError, OverflowError):
        # text a reader would take for something else, even one it cannot build (a date
        # of 30 February, an integer past Python's digit limit): quoted
        return False


def scalar(value: Any) -> str:
    if type(value) is str:
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:  # YAML 1.1 readers need the dot
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"
        return text
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"cannot write {type(value).__name__} as YAML")


@lru_cache(maxsize=65536)
def _string(value: str) -> str:
    if _plain_ok(value):
        return value
    quoted = json.dumps(value, ensure_ascii=False)
    return _NOT_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def _block(text: str) -> bool:
    return "\n" in text.rstrip("\n") and all(line.isprintable() for line in text.split("\n"))


def _literal(text: str, indent: int, lines: list[str], head: str) -> None:
    chomp = (
        ""
        if text.endswith("\n") and not text.endswith("\n\n")
        else ("+" if text.endswith("\n") else "-")
    )
    # Without an indentation indicator a reader takes the indentation from the first line
    # that is not empty: if that one (or a spaces-only line before it) starts with a space,
    # it would take the space as indentation. With "2" it is the parent's indent plus two.
    marker = "2" if text.lstrip("\n")[:1] in (" ", "\t") else ""
    lines.append(f"{head}|{marker}{chomp}")
    pad = " " * indent
    body = text[:-1] if text.endswith("\n") else text
    lines.extend(pad + line if line else "" for line in body.split("\n"))


def _value(value: Any, indent: int, lines: list[str], head: str | None) -> None:
    """Write `value`; `head` is the text its first line starts with ("key: " or "- ")."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        first = True
        for key, item in value.items():
            prefix = head if (first and head is not None) else pad
            first = False
            k = scalar(str(key))
            if len(k) > _MAX_KEY:  # too long for an implicit key: "? key" then ": value"
                lines.append(f"{prefix}? {k}")
                prefix, k = pad, ""
            if isinstance(item, dict | list) and item:
                lines.append(f"{prefix}{k}:")
                _value(item, indent + 2, lines, None)
            elif isinstance(item, str) and _block(item):
                _literal(item, indent + 2, lines, f"{prefix}{k}: ")
            else:
                lines.append(f"{prefix}{k}: {_inline(item)}")
        return
    if isinstance(value, list) and value:
        for i, item in enumerate(value):
            item_head = f"{head if (i == 0 and head is not None) else pad}- "
            if isinstance(item, dict | list) and item:
                _value(item, indent + 2, lines, item_head)
            elif isinstance(item, str) and _block(item):
                _literal(item, indent + 2, lines, item_head)
            else:
                lines.append(f"{item_head}{_inline(item)}")
        return
    lines.append(f"{head or pad}{_inline(value)}")


def _inline(value: Any) -> str:
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(value)
