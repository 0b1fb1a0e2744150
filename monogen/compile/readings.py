"""What Prometheus computes from a test's samples, release by release: the float operations
of rate() and increase(), avg_over_time() and sum(), under each release's reading.

Prometheus 2.x reads a range selector as closed, [t - window, t]; 3.x as left-open,
(t - window, t]. With samples on every evaluation step a full window then holds one sample
fewer under 3.x, and an extrapolated increase differs: in its last digits for a counter at
a constant rate, by far more when the increments are uneven. Releases also differ in how
rate() clamps its extrapolation to a counter's zero point (2.42 clamps first), how sum()
adds (3.x compensates, Kahan-Neumaier) and how avg_over_time() averages (3.x divides a
compensated sum). Proofs compute their expected values under every reading and keep only
what all of them agree on: the same fixtures then hold on every supported release."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Reading:
    """How one Prometheus release evaluates the functions the rules use."""

    release: str
    left_open: bool  # ranges are (t - window, t]; else [t - window, t]
    zero_first: bool  # rate(): the zero-point clamp comes before the 1.1-interval test
    kahan_sum: bool  # sum(): compensated addition
    mean_of_sum: bool  # avg_over_time(): a compensated sum over the count, not a running mean


READINGS = (
    Reading("2.42", left_open=False, zero_first=True, kahan_sum=False, mean_of_sum=False),
    Reading("2.53", left_open=False, zero_first=False, kahan_sum=False, mean_of_sum=False),
    Reading("3.5", left_open=True, zero_first=False, kahan_sum=True, mean_of_sum=True),
)
CLOSED = READINGS[0]

Points = Sequence[tuple[float, float]]  # (seconds, value) samples of one series


def in_range(
    points: Points, at: float, window: float, reading: Reading
) -> list[tuple[float, float]]:
    """The samples a range selector `[window]` evaluated at `at` holds (points in time
    order)."""
    start = at - window
    first = (bisect_right if reading.left_open else bisect_left)(points, start, key=_time)
    return list(points[first : bisect_right(points, at, key=_time)])


def _time(point: tuple[float, float]) -> float:
    return point[0]


def extrapolated(
    points: Points, at: float, window: float, *, rate: bool = True, reading: Reading = CLOSED
) -> float | None:
    """rate() (or increase()) of counter samples over `window` seconds at `at`, with the
    float operations of Prometheus' extrapolatedRate; under two samples there is no value."""
    inside = in_range(points, at, window, reading)
    if len(inside) < 2:
        return None
    result = inside[-1][1] - inside[0][1]
    previous = inside[0][1]
    for _, v in inside[1:]:
        if v < previous:  # a counter reset
            result += previous
        previous = v
    to_start = inside[0][0] - (at - window)
    to_end = at - inside[-1][0]
    sampled = inside[-1][0] - inside[0][0]
    average = sampled / (len(inside) - 1)
    threshold = average * 1.1
    to_zero = sampled * (inside[0][1] / result) if result > 0 and inside[0][1] >= 0 else None
    interval = sampled
    if reading.zero_first:  # 2.42: clamp to the zero point, then test against 1.1 intervals
        if to_zero is not None and to_zero < to_start:
            to_start = to_zero
        interval += to_start if to_start < threshold else average / 2
    else:  # 2.53 on: cap at half an interval, then clamp to the zero point
        if to_start >= threshold:
            to_start = average / 2
        if to_zero is not None and to_zero < to_start:
            to_start = to_zero
        interval += to_start
    interval += to_end if to_end < threshold else average / 2
    factor = interval / sampled
    if rate:
        factor /= window
    return result * factor


def _kahan(inc: float, total: float, c: float) -> tuple[float, float]:
    t = total + inc
    c += (total - t) + inc if abs(total) >= abs(inc) else (inc - t) + total
    return t, c


def summed(values: Sequence[float], reading: Reading = CLOSED) -> float:
    """sum() of one group's values. 3.x compensates, so the order hardly matters; 2.x adds
    the series in no fixed order (it varies from run to run), so a proof relies on a 2.x
    sum to the last bit only where the values add exactly in any order (whole numbers),
    and elsewhere on what it shows (annotations, to four digits) and on a margin."""
    total = c = 0.0
    for v in values:
        if reading.kahan_sum:
            total, c = _kahan(v, total, c)
        else:
            total += v
    return total + c


def sum_over_time(values: Sequence[float], reading: Reading = CLOSED) -> float:
    """sum_over_time() of finite samples: compensated in every release (2.42 too, seen
    with promtool: 1e16, 1, -1e16 sum to 1)."""
    total = c = 0.0
    for v in values:
        total, c = _kahan(v, total, c)
    return total + c


def avg_over_time(values: Sequence[float], reading: Reading = CLOSED) -> float:
    """avg_over_time() of finite samples: 2.x keeps a compensated running mean, 3.x
    divides a compensated sum by the count."""
    if reading.mean_of_sum:
        total, c, count = values[0], 0.0, 1.0
        for v in values[1:]:
            count += 1
            total, c = _kahan(v, total, c)
        return total / count + c / count
    mean = c = count = 0.0
    for v in values:
        count += 1
        mean, c = _kahan(v / count - mean / count, mean, c)
    return mean + c


def agreed(compute: Callable[[Reading], float | None]) -> float | None:
    """`compute`'s value if every reading gives the same one, else None."""
    found = {compute(r) for r in READINGS}
    return found.pop() if len(found) == 1 else None
