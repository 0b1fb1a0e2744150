"""Alerts that judge a value only above a floor of volume (feedback events, requests a
second then): the rules' extra condition, and the counter slopes that put the floor's
proof just under and just over it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from monogen.kinds.base import RailContext
from monogen.model.rules import AlertingRule
from monogen.spec.quantities import format_number

FRACTION = 64  # floor cases grow their counters by multiples of 1/64 a step (exact floats)
MAX_RATE = 1_000_000  # requests a second: the most a requestRateAnomaly's minRate may be
MAX_FEEDBACK = 1_000_000_000  # events a window: the most a negativeFeedback's minFeedback may be


def within(ctx: RailContext, key: str, floor: float, limit: int, unit: str) -> bool:
    """Whether `floor` (the option `key`) is at most `limit`, refused at its line if not:
    past it, no variant's volume is real, and the proof's counters lose their precision."""
    if floor <= limit:
        return True
    ctx.err(
        (*ctx.path, key),
        f"{key} {format_number(floor)} is above the limit of {limit:,} {unit}",
        f"write `{key}: {limit}` or less: the floor is the volume below which a value is noise",
    )
    return False


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
    at the check, growing with the slope) lies just under `floor` and just at or over it,
    every reading agreeing (a margin of a billionth either side). k under is 0 when none
    is under. Found by doubling, then halving: some 2·log2(64·floor) calls of `volume`,
    whatever the floor (the kinds bound it: MAX_RATE, MAX_FEEDBACK)."""
    over = lambda k: volume(k / FRACTION) >= floor * (1 + 1e-9)  # noqa: E731
    under = lambda k: k <= 0 or volume(k / FRACTION) <= floor * (1 - 1e-9)  # noqa: E731
    high = 1
    while not over(high):
        high *= 2
    k = _first(over, high // 2, high)  # the least k over (`over(high // 2)` is false)
    return _first(lambda j: not under(j), 0, k) - 1, k  # the last j under, below k


def _first(holds: Callable[[int], bool], start: int, end: int) -> int:
    """The least n in (start, end] where `holds` (false up to it, true from it on; true
    at end)."""
    while end - start > 1:
        middle = (start + end) // 2
        if holds(middle):
            end = middle
        else:
            start = middle
    return end
