"""Alertmanager time intervals, read as amtool reads them (timeinterval/timeinterval.go, the
same in 0.25, 0.28 and 0.33): clock times HH:MM with start before end, weekday, day of
month, month and year ranges that go forwards, and locations the time zone database
knows. Each interval's name is unique across `time_intervals` and `mute_time_intervals`."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

from monogen.lint.checks._alertmanager_shape import Path, _data
from monogen.lint.checks._rules_shape import text
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

CLOCK = re.compile(r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$")
WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]
MONTHS = "january february march april may june july august september october november "
MONTHS_BY_NAME = {name: i + 1 for i, name in enumerate((MONTHS + "december").split())}
GO_INT = re.compile(r"^[+-]?\d+$")


def _int(member: str) -> int:
    if not GO_INT.match(member):
        raise ValueError(f"{member!r} is not a number")
    return int(member)


def _weekday(member: str) -> int:
    if member not in WEEKDAYS:
        raise ValueError(f"{member} is not a valid weekday")
    return WEEKDAYS.index(member)


def _month(member: str) -> int:
    if member in MONTHS_BY_NAME:
        return MONTHS_BY_NAME[member]
    try:
        return _int(member)
    except ValueError:
        raise ValueError(f"{member} is not a valid month") from None


def _range(value: str, member: Callable[[str], int]) -> tuple[int, int]:
    """`begin:end` or one member, as stringableRangeFromString reads it (lower-cased)."""
    value = value.lower()
    parts = value.split(":")
    if len(parts) > 2:
        raise ValueError(f"couldn't parse range {value}, invalid format")
    return member(parts[0]), member(parts[-1])


def _weekdays(value: str) -> str:
    begin, end = _range(value, _weekday)
    return "start day cannot be before end day" if begin > end else ""


def _days_of_month(value: str) -> str:
    begin, end = _range(value, _int)
    for day in (begin, end):
        if day == 0 or not -31 <= day <= 31:
            return f"{day} is not a valid day of the month: out of range"
    if begin < 0 < end:
        return "end day must be negative if start day is negative"
    if (28 + begin if begin < 0 else begin) > (28 + end if end < 0 else end):
        return f"end day {end} is always before start day {begin}"
    return ""


def _months(value: str) -> str:
    begin, end = _range(value, _month)
    return f"end month {end} is before start month {begin}" if begin > end else ""


def _years(value: str) -> str:
    begin, end = _range(value, _int)
    return f"end year {end} is before start year {begin}" if begin > end else ""


RANGES: dict[str, Callable[[str], str]] = {
    "weekdays": _weekdays,
    "days_of_month": _days_of_month,
    "months": _months,
    "years": _years,
}


def _minutes(value: Any) -> int:
    clock = text(value) or ""
    if not CLOCK.match(clock):
        raise ValueError(f"couldn't parse timestamp {clock}, invalid format")
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _times(span: Any) -> str:
    if not isinstance(span, dict):
        return "a time range is a mapping of start_time and end_time"
    if not text(span.get("start_time")) or not text(span.get("end_time")):
        return "both start and end times must be provided"
    try:
        start, end = _minutes(span["start_time"]), _minutes(span["end_time"])
    except ValueError as exc:
        return str(exc)
    return "start time cannot be equal or greater than end time" if start >= end else ""


def location_problem(name: str) -> str:
    """As Go's time.LoadLocation: "" and UTC are UTC, Local the machine's zone, else a name
    in the time zone database."""
    if name in ("", "UTC", "Local"):
        return ""
    if ".." in name or name.startswith(("/", "\\")):
        return f"unknown time zone {name}"
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return f"unknown time zone {name}"
    return ""


def _intervals(f: LintFile) -> Iterator[tuple[Path, dict[str, Any]]]:
    for key in ("time_intervals", "mute_time_intervals"):
        entries = _data(f).get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            specs = entry.get("time_intervals") if isinstance(entry, dict) else None
            for j, spec in enumerate(specs if isinstance(specs, list) else []):
                if isinstance(spec, dict):
                    yield (key, i, "time_intervals", j), spec


@check(
    "alertmanager/time-interval",
    "alertmanager",
    Severity.ERROR,
    "Time intervals read as Alertmanager reads them: HH:MM times with the start before the "
    "end, weekday, day-of-month, month and year ranges that run forwards, known locations, "
    "and names unique across time_intervals and mute_time_intervals.",
    parity="amtool: start time cannot be equal or greater than end time (timeinterval.go)",
)
def time_interval(f: LintFile) -> Iterator[Hit]:
    seen: set[str] = set()
    for key in ("mute_time_intervals", "time_intervals"):
        entries = _data(f).get(key)
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            name = text(entry.get("name")) if isinstance(entry, dict) else None
            if name is not None and name in seen:
                yield Hit(f"time interval {name!r} is not unique", (key, i, "name"))
            seen.add(name or "")
    for path, spec in _intervals(f):
        times = spec.get("times")
        for k, span in enumerate(times if isinstance(times, list) else []):
            problem = _times(span)
            if problem:
                yield Hit(problem, (*path, "times", k))
        for field, check_range in RANGES.items():
            values = spec.get(field)
            for k, value in enumerate(values if isinstance(values, list) else []):
                try:
                    problem = check_range(text(value) or "")
                except ValueError as exc:
                    problem = str(exc)
                if problem:
                    yield Hit(f"{field}: {problem}", (*path, field, k))
        if "location" in spec:
            problem = location_problem(text(spec["location"]) or "")
            if problem:
                yield Hit(problem, (*path, "location"))
