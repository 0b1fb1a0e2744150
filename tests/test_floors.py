"""The floor cases' slopes: `straddle` finds the counter slopes just under and just over a
floor by doubling then halving, so a large floor costs a few dozen readings, not millions;
and the floors themselves are bounded, refused past the limit at their line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from monogen.kinds.floors import FRACTION, straddle
from tests.mutants import refusal
from tests.test_feedback_guardrail import SPEC as FEEDBACK
from tests.test_request_rate_guardrail import SPEC as REQUEST_RATE


def per_second(per_step: float) -> float:
    return per_step / 60  # a rate of a counter growing `per_step` a 1m step


def in_an_hour(per_step: float) -> float:
    return per_step * 60 * 1.0169491525423728  # an extrapolated increase over 1h


@pytest.mark.parametrize(
    ("volume", "floor", "expected"),
    [
        (per_second, 2, (7679, 7681)),  # 7680/64 a step is exactly 2/s: neither side
        (per_second, 0.01, (38, 39)),
        (in_an_hour, 50, (52, 53)),
        (in_an_hour, 0.001, (0, 1)),  # the least slope is over already: none under
    ],
)
def test_the_slopes_straddle_the_floor(
    volume: Callable[[float], float], floor: float, expected: tuple[int, int]
) -> None:
    low, k = straddle(volume, floor)
    assert (low, k) == expected
    assert volume(k / FRACTION) >= floor * (1 + 1e-9)
    assert low == 0 or volume(low / FRACTION) <= floor * (1 - 1e-9)
    assert volume((low + 1) / FRACTION) > floor * (1 - 1e-9)


def test_a_large_floor_costs_a_few_dozen_readings() -> None:
    calls = []

    def counted(per_step: float) -> float:
        calls.append(per_step)
        return per_second(per_step)

    low, k = straddle(counted, 1_000_000)
    assert (low, k) == (3_839_999_996, 3_840_000_004)  # a billionth of 1e6/s either side
    assert len(calls) <= 3 * 33  # doubling to 2**32, then two halvings (not 3.8e9 steps)


@pytest.mark.parametrize(
    ("spec", "old", "new", "expected"),
    [
        (
            REQUEST_RATE,
            "minRate: 2",
            "minRate: 1000001",
            "spec.yaml:15:16: error: minRate 1000001 is above the limit of 1,000,000 requests "
            "a second (at spec.guardrails.requestRateAnomaly.minRate)\n  hint: write "
            "`minRate: 1000000` or less: the floor is the volume below which a value is noise",
        ),
        (
            FEEDBACK,
            "minFeedback: 50",
            "minFeedback: 1e300",
            "spec.yaml:17:20: error: minFeedback 1e+300 is above the limit of 1,000,000,000 "
            "events (at spec.guardrails.negativeFeedback.minFeedback)\n  hint: write "
            "`minFeedback: 1000000000` or less: the floor is the volume below which a value "
            "is noise",
        ),
    ],
)
def test_a_floor_past_its_limit_is_refused_at_its_line(
    write_spec, spec: str, old: str, new: str, expected: str
) -> None:
    errors = refusal(write_spec, spec, old, new)
    assert expected in errors, errors
