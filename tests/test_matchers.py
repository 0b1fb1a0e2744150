"""The one matcher implementation: render for Alertmanager, parse it back, match labels."""

from __future__ import annotations

import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from monogen.compile.matchers import matches, parse_matchers, render_alertmanager


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
