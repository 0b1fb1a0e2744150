"""The YAML emitter: whatever plain data goes in reads back identically."""

from __future__ import annotations

import yaml
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from monogen.output.yaml_emit import dump

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
