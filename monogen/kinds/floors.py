"""Alerts that judge a value only above a floor of volume (feedback events, requests a
second then): the rules' extra condition, and the counter slopes that put the floor's
proof just under and just over it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from monogen.model.rules import AlertingRule

FRACTION = 64  # floor cases grow their counters by multiples of 1/64 a step (exact floats)


def gated(rules: list[AlertingRule], condition: str, words: str) -> list[AlertingRule]:
    """`rules` firing only where `condition` holds too (`and on (...) ... >= floor`), their
    description saying so before its `for more than`."""
    return [
        dataclasses.replace(
            rule,
            expr=f"{rule.expr} {condition}",
            annotations={
                **rule.annotations,
                "description": rule.annotations["description"].replaced(
                    " for more than", f" ({words}) for more than"
                ),
            },
        )
        for rule in rules
    ]


def straddle(volume: Callable[[float], float], floor: float) -> tuple[int, int]:
    """(k under, k over): the slopes k/FRACTION a step whose `volume` (the floor's value
    at the check) lies just under `floor` and just at or over it, every reading agreeing
    (a margin of a billionth either side). k under is 0 when none is under."""
    k = 1
    while volume(k / FRACTION) < floor * (1 + 1e-9):
        k += 1
    low = k - 1
    while low > 0 and volume(low / FRACTION) > floor * (1 - 1e-9):
        low -= 1
    return low, k
