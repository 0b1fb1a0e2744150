"""Threshold levels as specs write them (`warning: {below: 75, for: 5m}`), and their
conversion into the unit of the judged series."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from monogen.kinds.base import SEVERITIES, AlertLevel, Direction, Err
from monogen.spec.alert_text import AlertIdentity, LevelAlertIdentity
from monogen.spec.base import Duration, HttpUrl
from monogen.spec.loader import PathKey
from monogen.spec.quantities import (
    format_duration,
    format_number,
    parse_number,
    parse_percent,
    parse_seconds,
)

LONG_BARE_SECONDS = 30  # a bare latency number above this is most likely meant in ms

# A threshold as the spec writes it: 75, 0.85, "5%", "200ms". Each kind decides which
# forms it accepts and converts them into the unit of its metric.
ThresholdValue = Annotated[
    float | str,
    Field(description="A number, a percentage or a duration.", examples=[75, "5%", "200ms"]),
]
# scaled: in the gauge's own scale (percent or ratio), `75%` converted to it;
# ratio: 0-1, `5%` allowed; seconds: `200ms` allowed; percent: 0-100; number: as is;
# share: a share of another value that may pass 100% (`300%` or 3), more than 0.
Unit = Literal["scaled", "ratio", "seconds", "percent", "number", "share"]
Default = tuple[str, float | str, str]  # (severity, threshold, for)


class Level(LevelAlertIdentity):
    """When one severity fires: a threshold crossed for a while (and, if the team names
    them, its alert's own name, labels and text)."""

    below: ThresholdValue | None = None
    above: ThresholdValue | None = None
    for_: Duration | None = Field(None, alias="for")


class ThresholdGuardrail(AlertIdentity):
    """Severities with their thresholds; with none given, the kind's documented defaults."""

    warning: Level | None = None
    critical: Level | None = None
    info: Level | None = None
    variants: list[str] | None = Field(None, description="Only these variants (default: all).")
    runbook_url: HttpUrl | None = None


_EXPECTED = {
    "scaled": "number in the gauge's scale, or a percentage such as 75%",
    "ratio": "percentage such as 5% or a ratio such as 0.05",
    "seconds": "duration such as 200ms or a number of seconds",
    "percent": "percentage from 0 to 100",
    "number": "number",
    "share": "percentage such as 300% or a factor such as 3",
}


def to_threshold(unit: Unit, value: float | str, scale: str = "ratio") -> float:
    """A spec threshold in the unit of the metric; ValueError says what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a {_EXPECTED[unit]}, got a boolean")
    try:
        number = _convert(unit, value, scale)
    except ValueError as exc:
        message = str(exc)
        if any(w in message for w in ("expected", "outside", "between", "did you mean")):
            raise
        raise ValueError(f"{message}; expected a {_EXPECTED[unit]}") from None
    if not math.isfinite(number):
        raise ValueError(f"{value} is not a finite number; expected a {_EXPECTED[unit]}")
    return number


def _convert(unit: Unit, value: float | str, scale: str) -> float:
    if unit == "scaled":
        if isinstance(value, str) and value.strip().endswith("%"):
            ratio = parse_percent(value)
            return ratio * 100 if scale == "percent" else ratio
        number = parse_number(value) if isinstance(value, str) else float(value)
        if scale == "percent" and 0 < number <= 1:
            raise ValueError(
                f"{value} on a gauge that reads 0-100 is {value}%; did you mean "
                f"{format_number(number * 100)} (or {format_number(number * 100)}%)?"
            )
        if scale == "ratio" and not 0 <= number <= 1:
            raise ValueError(f"{value} is outside 0-1, the scale of this ratio gauge")
        if scale == "percent" and not 0 <= number <= 100:
            raise ValueError(f"{value} is outside 0-100, the scale of this percent gauge")
        return number
    if unit == "ratio":
        ratio = parse_percent(value)
        if not 0 <= ratio <= 1:
            shown = format_number(float(value)) if not isinstance(value, str) else value
            hint = f"; did you mean {shown}%?" if not isinstance(value, str) else ""
            raise ValueError(f"{shown} is not a share between 0% and 100%{hint}")
        return ratio
    if unit == "seconds":
        if not isinstance(value, str) and LONG_BARE_SECONDS < value < float("inf"):
            shown = format_number(float(value))
            raise ValueError(
                f"a latency of {shown} seconds is {format_duration(float(value))}; write the "
                f"unit to mean it (`{shown}s`), or did you mean `{shown}ms`?"
            )
        seconds = parse_seconds(value)
        if seconds <= 0:
            raise ValueError(f"{value} is not a positive duration")
        return seconds
    if unit == "share":
        share = parse_percent(value)
        if not share > 0:
            raise ValueError(f"{value} is not a share more than 0%")
        return share
    if unit == "percent":
        if isinstance(value, str) and value.strip().endswith("%"):
            number = parse_percent(value) * 100
        else:
            number = parse_number(value) if isinstance(value, str) else float(value)
            if 0 < number < 1:  # a ratio written where the gauge reads percent
                raise ValueError(
                    f"{value} on a gauge that reads 0-100 is {value}%; did you mean "
                    f"{format_number(number * 100)} (or {format_number(number * 100)}%)?"
                )
        if not 0 <= number <= 100:
            raise ValueError(f"{value} is outside 0-100")
        return number
    return parse_number(value) if isinstance(value, str) else float(value)


def _never_crossed(unit: Unit, scale: str, direction: Direction, threshold: float) -> str:
    """Why a threshold at the edge of the metric's range can never be crossed, or ""."""
    top = {"ratio": 1.0, "percent": 100.0}.get(unit)
    if unit == "scaled":
        top = 100.0 if scale == "percent" else 1.0
    if top is None:
        return ""
    if direction == "below" and threshold <= 0:
        return f"nothing reads below {format_number(threshold)}: this alert could never fire"
    if direction == "above" and threshold >= top:
        return f"nothing reads above {format_number(threshold)}: this alert could never fire"
    return ""


def resolve_levels(
    spec: ThresholdGuardrail,
    *,
    key: str,
    noun: str,
    direction: Direction,
    unit: Unit,
    scale: str,
    defaults: tuple[Default, ...],
    base: PathKey,
    err: Err,
) -> tuple[AlertLevel, ...]:
    """The levels written (each `for` defaulting to the kind's), or the kind's defaults."""
    written = {sev: getattr(spec, sev) for sev in SEVERITIES if getattr(spec, sev)}
    if not written:
        if not defaults:
            err(
                base,
                f"guardrail {key!r} has no default thresholds",
                f"give at least one level, e.g. `warning: {{{direction}: ..., for: 5m}}`",
            )
        return tuple(
            AlertLevel(sev, to_threshold(unit, value, scale), for_) for sev, value, for_ in defaults
        )
    defaults_for = {sev: for_ for sev, _, for_ in defaults}
    levels: list[AlertLevel] = []
    wrong = "above" if direction == "below" else "below"
    for sev, level in written.items():
        path = (*base, sev)
        if getattr(level, wrong) is not None:
            err(
                (*path, wrong),
                f"{noun} alerts fire {direction} a threshold, not {wrong} it",
                f"write `{direction}: ...`",
            )
            continue
        value = getattr(level, direction)
        if value is None:
            err(path, f"missing `{direction}:` threshold for {sev}", "")
            continue
        try:
            threshold = to_threshold(unit, value, scale)
        except ValueError as exc:
            err((*path, direction), str(exc), "")
            continue
        never = _never_crossed(unit, scale, direction, threshold)
        if never:
            err((*path, direction), never, "")
            continue
        written = float(format_number(threshold))  # the float the rule file holds
        threshold = threshold if written == threshold else written
        levels.append(AlertLevel(sev, threshold, level.for_ or defaults_for.get(sev, "5m")))
    _check_order(levels, noun, direction, base, err)
    return tuple(levels)


def _check_order(
    levels: list[AlertLevel], noun: str, direction: Direction, base: PathKey, err: Err
) -> None:
    """A critical threshold that is milder than the warning one is a typo, not a policy."""
    by = {lvl.severity: lvl.threshold for lvl in levels}
    if "critical" in by and "warning" in by:
        critical, warning = by["critical"], by["warning"]
        milder = critical > warning if direction == "below" else critical < warning
        if milder:
            err(
                (*base, "critical"),
                f"the critical threshold ({critical:g}) is milder than the warning one "
                f"({warning:g})",
                f"{noun} alerts fire {direction} the threshold: critical should "
                f"be further {direction}",
            )
