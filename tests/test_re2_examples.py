"""Example values of RE2 regexes (a proof's label values for `=~` and decoys for `!~`):
every example the generator gives is one RE2 itself fully matches; for the RE2 syntax
specs use (alternations, literals, escapes, classes, `.`, groups, flags, repeats) it
gives one."""

from __future__ import annotations

import pytest
import re2
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from monogen.compile.re2_examples import example, examples


def fullmatch(pattern: str, text: str) -> bool:
    """Google's RE2 directly, anchored as Prometheus anchors label matchers."""
    return re2.fullmatch(f"(?:{pattern})", text) is not None


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("5..|429", "500"),  # `.` reads a digit first
        ("false_positive|false_negative", "false_positive"),
        ("WATCH", "WATCH"),
        (".*", ""),  # repeats at their minimum count first
        ("[a-z]+-[0-9]{2,3}", "a-00"),
        ("(?i)get|post", "get"),
        ("\\d{3}", "000"),
        ("\\pL+", "a"),
        ("[[:alpha:]]+", "a"),
        ("(?:ab)*c", "c"),
        ("(?P<n>x)y?", "x"),
        ("^abc$", "abc"),
        ("\\Qa.b\\E", "a.b"),
        ("[^a-z0-9]", "A"),
        ("a\\.b|\\x41\\101", "a.b"),
        ("((a|b)c){3}", "acacac"),
        ("[]a]", "a"),
        ("a{,1}", "a{,1}"),  # a literal to RE2 (refused in selectors: Python reads a repeat)
    ],
)
def test_examples_of_the_syntax_specs_use(pattern: str, expected: str) -> None:
    assert example(pattern) == expected
    assert fullmatch(pattern, expected)


@pytest.mark.parametrize("pattern", ["[^\\x00-\\x{10FFFF}]", "a^b", "((", "\\bx\\b\\by"])
def test_no_example_when_none_matches_or_the_regex_is_invalid(pattern: str) -> None:
    assert examples(pattern) == ()


def test_several_examples_try_each_alternative() -> None:
    assert examples("too_high|too_low|accurate", 3) == ("too_high", "too_low", "accurate")


LITERAL = st.sampled_from([*"abcxyz019_-", "\\.", "\\|", "\\(", "\\*", "\\[", "\\\\"])
CLASS = st.sampled_from(
    ["[a-z]", "[^a-z]", "[0-9a-f]", "[^\\s]", "\\d", "\\w", "\\S", "\\pL", "[[:upper:]]", "."]
)


@st.composite
def regexes(draw: st.DrawFn, depth: int = 0) -> str:
    """Random regexes of the RE2 syntax the generator reads."""
    atoms = st.one_of(LITERAL, CLASS) if depth >= 2 else st.one_of(
        LITERAL, CLASS, st.builds(lambda r: f"({r})", regexes(depth + 1)),
        st.builds(lambda r: f"(?:{r})", regexes(depth + 1)),
    )  # fmt: skip
    repeat = st.sampled_from(["", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "+?"])
    branch = st.lists(st.tuples(atoms, repeat).map("".join), min_size=1, max_size=4).map("".join)
    alternatives = draw(st.lists(branch, min_size=1, max_size=3))
    flags = draw(st.sampled_from(["", "", "(?i)", "(?s)"])) if depth == 0 else ""
    return flags + "|".join(alternatives)


@seed(20261212)
@settings(max_examples=200, deadline=None, database=None)
@given(regexes())
def test_random_regexes_get_an_example_that_re2_fully_matches(pattern: str) -> None:
    found = examples(pattern)
    assert found, pattern
    for value in found:
        assert fullmatch(pattern, value), (pattern, value)
