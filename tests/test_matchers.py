"""The one matcher implementation: render for Alertmanager, parse it back, match labels;
read a spec's selector values, refuse those that cannot be compiled or proven, and find
label values that satisfy (or violate) them."""

from __future__ import annotations

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from monogen.compile.matchers import (
    excludes,
    matches,
    of_selector,
    parse_matchers,
    parse_value,
    render_alertmanager,
    satisfying,
    value_problem,
)


@pytest.mark.parametrize(
    ("matcher", "labels", "expected"),
    [
        (("team", "=", "mlops"), {"team": "mlops"}, True),
        (("team", "=", "mlops"), {"team": "mlops-2"}, False),
        (("team", "=", ""), {}, True),  # a missing label reads as empty
        (("team", "!=", "mlops"), {"team": "recsys"}, True),
        (("team", "!=", "mlops"), {"team": "mlops"}, False),
        (("severity", "=~", "critical|warning"), {"severity": "warning"}, True),
        (("severity", "=~", "crit"), {"severity": "critical"}, False),  # anchored
        (("severity", "!~", "critical|warning"), {"severity": "info"}, True),
        (("severity", "!~", "critical|warning"), {"severity": "critical"}, False),
    ],
)
def test_matches_as_alertmanager_does(matcher, labels, expected) -> None:
    assert matches(matcher, labels) is expected


def test_renders_alertmanager_syntax() -> None:
    assert render_alertmanager(("team", "=", 'a"b\\c\nd')) == 'team="a\\"b\\\\c\\nd"'
    assert render_alertmanager(("x", "!~", "a|b")) == 'x!~"a|b"'


@seed(20261201)
@settings(max_examples=200, deadline=None, database=None)
@given(
    st.sampled_from(["=", "!="]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=20),
)
def test_rendered_matchers_parse_back(op: str, value: str) -> None:
    assert parse_matchers(render_alertmanager(("label", op, value))) == [("label", op, value)]


def test_parse_refuses_an_invalid_regex() -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        parse_matchers('a=~"(("')


# -- selectors as specs write them -----------------------------------------------------


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("seldon", ("ns", "=", "seldon")),
        ("=seldon", ("ns", "=", "seldon")),
        ("==x", ("ns", "=", "=x")),  # a value that itself starts with =
        ("=~5..|429", ("ns", "=~", "5..|429")),
        ("!=WATCH", ("ns", "!=", "WATCH")),
        ("!~dev|test", ("ns", "!~", "dev|test")),
        ("!x", ("ns", "=", "!x")),  # ! alone is no operator
        ("", ("ns", "=", "")),
        ("=", ("ns", "=", "")),
        ("!=", ("ns", "!=", "")),
        ("=!=x", ("ns", "=", "!=x")),
    ],
)
def test_a_selector_value_may_start_with_an_operator(written: str, expected) -> None:
    assert parse_value("ns", written) == expected


def test_selectors_read_in_label_order_and_lists_match_any_value_exactly() -> None:
    assert of_selector({"verb": "!=WATCH", "code": "=~5..", "kind": ["a.b", "=c"]}) == [
        ("code", "=~", "5.."),
        ("kind", "=~", "a\\.b|c"),
        ("verb", "!=", "WATCH"),
    ]


@pytest.mark.parametrize(
    ("written", "message", "hint"),
    [
        ("=~((", "invalid regular expression '((' (RE2): missing ): ((", "RE2 (Go) regexes"),
        ("!~a++", "'++' in 'a++' is not RE2 syntax", "RE2 (Go) regexes"),
        ("=~(?=a)b", "'(?=' in '(?=a)b' is not RE2 syntax", "RE2 (Go) regexes"),
        ("=~a{,2}", "'{,2}' in 'a{,2}' is the literal text '{,2}' to RE2", "write {0,2}"),
        ("=~(?<n>a)", "Prometheus 2.x (Go before 1.22) refuses", "(?P<name>...)"),
        ("=~\\C", "Go's regexp (Prometheus) refuses \\C", "write ."),
        ("=~[^\\x00-\\x{10FFFF}]", "monogen cannot derive a label value", "simplify"),
        ("!~(?s).*", "matches every value monogen tries", "!~dev|test"),
    ],
)
def test_values_that_cannot_be_compiled_or_proven_say_why(written, message, hint) -> None:
    problem = value_problem(written)
    assert problem is not None
    assert message in problem[0]
    assert hint in problem[1]


@pytest.mark.parametrize("written", ["x", "=~5..|429", "!=WATCH", "!~dev|test", "=~.*", "=~a{0,2}"])
def test_values_monogen_can_compile_and_prove(written: str) -> None:
    assert value_problem(written) is None


def test_a_listed_value_is_matched_exactly() -> None:
    assert value_problem("=x", in_list=True) is None
    (message, hint) = value_problem("=~a|b", in_list=True) or ("", "")
    assert "each value of a list is matched exactly" in message
    assert '"=~a|b"' in hint


# -- label values that satisfy matchers ------------------------------------------------


def test_labels_satisfy_every_matcher_and_violate_the_ones_asked() -> None:
    selector = [("code", "=~", "5..|429"), ("env", "!~", "dev|test"), ("verb", "!=", "WATCH")]
    assert satisfying(selector) == {"code": "500", "env": "other", "verb": "other"}
    # a decoy: the verb the selector leaves out, the rest as before
    assert satisfying(selector[:2], [selector[2]]) == {
        "code": "500",
        "env": "other",
        "verb": "WATCH",
    }
    assert satisfying(selector[1:], [selector[0]]) == {
        "code": "other",
        "env": "other",
        "verb": "other",
    }
    # two matchers on one label: a value both hold
    assert satisfying([("code", "=~", "5..|429"), ("code", "!~", "5..")]) == {"code": "429"}
    assert satisfying([("code", "=~", "5.."), ("code", "!~", "5..")]) is None
    # an empty value is a series without the label
    assert satisfying([("a", "=", "")]) == {}


def test_excluding_matchers_are_those_that_leave_a_value_out() -> None:
    assert excludes(("v", "!=", "WATCH")) and excludes(("e", "!~", "dev"))
    assert excludes(("c", "=~", "5.."))
    assert not excludes(("c", "=~", ".*"))  # every value monogen tries
    assert not excludes(("c", "=", "x"))
