"""The YAML emitter: whatever plain data goes in reads back identically."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from monogen.output.yaml_emit import dump

# The pure-Python loader, and libyaml's (what monogen itself reads YAML with) if built.
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


def reads_back(value: Any) -> None:
    text = dump(value)
    for loader in LOADERS:
        assert yaml.load(text, Loader=loader) == value, (loader.__name__, text)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=30)
    | st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "null",
            "~",
            "1e3",
            "0x1f",
            "- a",
            "a: b",
            "#x",
            "x #y",
            " lead",
            "trail ",
            "multi\nline\n",
            "\n\nx\n\n",
            "'q'",
            '"q"',
            "2024-01-01",
            "12:30",
            "*alias",
            "&a",
            "!tag",
            "@at",
            "%p",
            "|",
            ">",
        ]
    )
)
data = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=25,
)


@seed(20261122)
@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=12), data, max_size=5))
def test_round_trip(value: dict) -> None:
    assert yaml.safe_load(dump(value)) == value


def test_layout() -> None:
    text = dump({"groups": [{"name": "g", "rules": [{"expr": "up == 0", "labels": {"a": "1"}}]}]})
    assert (
        text
        == 'groups:\n  - name: g\n    rules:\n      - expr: up == 0\n        labels:\n          a: "1"\n'
    )


# Characters that change how YAML reads a string: indicators, breaks and spaces, escapes,
# characters YAML forbids raw or reads as line breaks, a byte-order mark, non-BMP text.
TRICKY_CHARS = [
    *" \t\n\r\x00\x07\x1b\x7f\x85\xa0\u2028\u2029\ufeff\ufffe\uffff",
    *"-?:,[]{}#&*!|>'\"%@`~.\\/=<0aeEx",
    *("\U0001f600", "é", "\u3000"),
]
any_text = (
    st.text()
    | st.text(st.sampled_from(TRICKY_CHARS), max_size=16)
    | st.text(st.sampled_from(" \n\ta#:-"), max_size=10)  # line and indentation layout
)
any_data = st.recursive(
    any_text,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4)
    ),
    max_leaves=12,
)


@seed(20261201)
@settings(max_examples=500, deadline=None, database=None)
@given(any_data)
def test_every_string_round_trips(value: Any) -> None:
    """Any str, as a value, a list item or a key, at any depth, reads back equal."""
    reads_back(value)
    reads_back({"k": value})
    reads_back([value])
    reads_back([{"a": value}])
    reads_back([[value]])
    if isinstance(value, str):
        reads_back({value: value, "x": {value: [value]}})


TRICKY = [
    "\n  Team A\nML",
    "\n Team A\nML\n",
    "\n\n  x",
    "\n \nx",
    "\n ",
    " ",
    "  lead",
    " lead\nnext",
    "\tlead\nnext",
    "trail  ",
    "trail\n",
    "trail\n\n",
    "a\n  b\n",
    "a\n \n",
    "a\n\n\n",
    "\n",
    "\n\n",
    "",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "null",
    "Null",
    "~",
    "true",
    "False",
    "1e3",
    "1_000",
    "0x1F",
    "0o17",
    "017",
    "+1",
    "-1.5",
    ".inf",
    "-.Inf",
    ".nan",
    "12:30:00",
    "2024-01-01",
    "<<",
    "=",
    "-",
    "---",
    "...",
    "--- x",
    "... x",
    "? x",
    "?",
    "- x",
    ": x",
    ":",
    "x:",
    "x: y",
    "#x",
    "x #y",
    "x#y",
    "@x",
    "`x",
    "%x",
    "!x",
    "!!str x",
    "&x",
    "*x",
    "|",
    "|-\n x",
    ">",
    "{",
    "}",
    "[",
    "]",
    "{a: 1}",
    "[a]",
    "a, b",
    "'",
    '"',
    "'quoted'",
    '"quoted"',
    "it's",
    'say "hi"',
    "back\\slash",
    "tab\there",
    "\t",
    "nul\x00byte",
    "\x00",
    "bell\x07 esc\x1b del\x7f",
    "c1\x80\x9f",
    "nel\x85line",
    "ls\u2028ps\u2029",
    "line\u2028\nsep",
    "\ufeffbom",
    "mid\ufeffbom",
    "\ufffe\uffff",
    "nbsp\xa0",
    "\u3000ideographic space",
    "zero\u200bwidth",
    "emoji \U0001f600",
    "cr\rlf\r\n",
    "\r",
    "x" * 5000,
    "long " * 1000,
    "\n".join(["line " * 300] * 5),
    "\x00" * 200,
    "2024-02-30",  # looks like a date no calendar has: PyYAML's reader raises on it
    "2024-13-01 10:00:00",
    "9" * 5000,  # an integer past Python's default digit limit
]


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_string_round_trips(text: str) -> None:
    reads_back(text)
    reads_back({"k": text})
    reads_back({text: text})
    reads_back({text: {text: [text, {text: text}]}})
    reads_back([text, [text], {"a": text}])


def test_first_line_indented_after_leading_newline() -> None:
    # The reader would take the first non-empty line's spaces as the block's indentation
    # (and then fail, or drop them): the indentation indicator says where text begins.
    assert dump({"folder": "\n  Team A\nML"}) == "folder: |2-\n\n    Team A\n  ML\n"


@pytest.mark.parametrize("size", [1000, 1024, 1025, 5000])
def test_long_keys_round_trip(size: int) -> None:
    """Readers take an implicit key of at most 1024 characters; longer ones go after "? "."""
    for key in ("k" * size, "\x00" * (size // 6), "é" * size):
        reads_back({key: 1, "next": {key: [key]}})
        reads_back([{key: {"a": key}, key + "2": "\n x"}])
    assert dump({"k" * 1024: 1}) == "k" * 1024 + ": 1\n"
    assert dump({"k" * 1025: 1}) == "? " + "k" * 1025 + "\n: 1\n"


def test_lone_surrogates() -> None:
    """A lone surrogate (no UTF-8 file can hold one) is written as a \\u escape: PyYAML's
    pure loader reads it back; libyaml rejects it with an error, never a wrong value."""
    value = {"k": "a\ud800b", "\udfff": ["\ud83d\ude00"]}
    text = dump(value)
    assert text.isascii()
    assert yaml.safe_load(text) == value
    if hasattr(yaml, "CSafeLoader"):
        with pytest.raises(yaml.YAMLError):
            yaml.load(text, Loader=yaml.CSafeLoader)
