"""A latency SLO's bound as a bucket of its histogram: the share answered within a bound is
read from that bucket's counter, so a bound the histogram has no bucket for judges nothing.
The metric declares its buckets (`buckets:`), and `le` is matched as exporters write it."""

from __future__ import annotations

import math
from typing import Any

from monogen.compile.promql import regex_alternation
from monogen.kinds.base import RailContext
from monogen.kinds.levels import to_threshold
from monogen.spec.quantities import format_number


def latency_bound(value: float | str, metric: Any, ctx: RailContext, path: tuple) -> float | None:
    """The bound in seconds, if it is one of the histogram's declared buckets; else an
    error at `path` naming the nearest bucket."""
    try:
        bound = to_threshold("seconds", value)
    except ValueError as exc:
        ctx.err(path, str(exc), "")
        return None
    if not 0 < bound <= 86_400:
        ctx.err(path, "the latency bound must be above 0 and at most 1d", "")
        return None
    buckets = metric.buckets
    if buckets is None:
        ctx.err(
            path,
            f"a latency SLO's bound must be a bucket of the histogram {metric.name}, and its "
            "buckets are not declared",
            "list the bucket bounds the service exports on `metrics.latency`, e.g. "
            "`buckets: [0.1, 0.25, 0.5, 1, 2.5]` (seconds; +Inf is implied)",
        )
        return None
    if any(math.isclose(bound, b, rel_tol=1e-9) for b in buckets):
        return bound
    nearest = min(buckets, key=lambda b: (abs(b - bound), b))
    ctx.err(
        path,
        f"{value} is not a bucket of {metric.name} (buckets: "
        f"{', '.join(format_number(b) for b in buckets)}): the share of requests answered "
        "within it cannot be read from the histogram",
        f"did you mean {format_number(nearest)} ({format_number(nearest * 1000)}ms)?",
    )
    return None


def le_pattern(bound: float) -> str:
    """The `le` values exporters write for this bound: Go's client prints 1 and 0.5,
    Python's prints 1.0 and 0.5; either matches."""
    forms = dict.fromkeys((go_float(bound), repr(float(bound))))
    return regex_alternation(forms)


def go_float(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64), as Go's client writes bucket bounds: the
    shortest digits, in exponent form below 1e-4 and from 1e6 on."""
    digits, exponent = _shortest(value)
    point = exponent + 1  # digits before the decimal point
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        e = point - 1
        return f"{mantissa}e{'-' if e < 0 else '+'}{abs(e):02d}"
    if point <= 0:
        return "0." + "0" * -point + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _shortest(value: float) -> tuple[str, int]:
    """The shortest round-tripping significant digits of a positive float and the power of
    ten of the first."""
    mantissa, _, exp = f"{value!r}".partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    exponent = len(whole) - 1 + (int(exp) if exp else 0)
    if whole == "0":
        exponent = -(len(frac) - len(frac.lstrip("0")) + 1) + (int(exp) if exp else 0)
    return digits.rstrip("0") or "0", exponent
