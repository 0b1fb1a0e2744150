"""When a named time interval holds, as Alertmanager's timeinterval package decides it: a
named interval holds when any of its intervals does; an interval when every part it gives
matches (weekdays, days of month, negative days counting from the month's end, months;
times of day as half-open [start, end) minutes, a range across midnight read as two).

An interval that always holds mutes a route for ever; one that never holds (31 February)
keeps an active route from ever delivering. Both are decided exactly: every day of a
28-year cycle (weekdays and leap years repeat with it in 1901-2099) is checked."""

from __future__ import annotations

import calendar
import datetime

from monogen.spec.alerting import TimeInterval, TimeRange

DAY = 24 * 60
_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
_CYCLE_START = datetime.date(2001, 1, 1)
_CYCLE_DAYS = (datetime.date(2029, 1, 1) - _CYCLE_START).days  # 28 years


def split_times(times: list[TimeRange]) -> list[tuple[str, str]]:
    """(start, end) ranges as Alertmanager reads them: a range across midnight is two."""
    return [
        (start, end)
        for t in times
        for start, end in (
            [(t.start, t.end)] if t.start < t.end else [(t.start, "24:00"), ("00:00", t.end)]
        )
        if start != end
    ]


def _minute(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _in_ranges(value: int, ranges: list[tuple[int, int]]) -> bool:
    return any(lo <= value <= hi for lo, hi in ranges)


def _weekday_ranges(texts: list[str]) -> list[tuple[int, int]]:
    out = []
    for text in texts:
        start, _, end = text.partition(":")
        out.append((_DAYS.index(start), _DAYS.index(end or start)))
    return out


def _month_number(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS.index(text) + 1


def _month_ranges(texts: list[str]) -> list[tuple[int, int]]:
    out = []
    for text in texts:
        start, _, end = text.partition(":")
        out.append((_month_number(start), _month_number(end or start)))
    return out


def _day_matches(texts: list[str], day: datetime.date) -> bool:
    """Alertmanager: negative days count from the month's end (-1 the last); a range is
    inclusive, compared once both bounds are turned into days of this month."""
    length = calendar.monthrange(day.year, day.month)[1]
    for text in texts:
        start, _, end = text.partition(":")
        lo, hi = int(start), int(end or start)
        lo = lo if lo > 0 else length + lo + 1
        hi = hi if hi > 0 else length + hi + 1
        if lo <= day.day <= min(hi, length):
            return True
    return False


def _minutes(interval: TimeInterval) -> list[tuple[int, int]]:
    """The half-open minute ranges of the day it holds in (the whole day when no times)."""
    if not interval.times:
        return [(0, DAY)]
    return [(_minute(a), _minute(b)) for a, b in split_times(interval.times)]


def _holds_on(interval: TimeInterval, day: datetime.date) -> bool:
    weekday = (day.weekday() + 1) % 7  # Go counts from sunday
    return (
        (not interval.weekdays or _in_ranges(weekday, _weekday_ranges(interval.weekdays)))
        and (not interval.months or _in_ranges(day.month, _month_ranges(interval.months)))
        and (not interval.days_of_month or _day_matches(interval.days_of_month, day))
    )


def _covered(ranges: list[tuple[int, int]]) -> int:
    """Minutes of the day the half-open ranges cover together."""
    total, reach = 0, 0
    for lo, hi in sorted(ranges):
        lo = max(lo, reach)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total


_SEEN: dict[str, tuple[bool, bool]] = {}


def _coverage(intervals: list[TimeInterval]) -> tuple[bool, bool]:
    """(always, never) for a named interval (remembered: specs share intervals)."""
    key = repr(intervals)
    if key not in _SEEN:
        _SEEN[key] = _judge(intervals)
    return _SEEN[key]


def _judge(intervals: list[TimeInterval]) -> tuple[bool, bool]:
    always, never = True, True
    for offset in range(_CYCLE_DAYS):
        day = _CYCLE_START + datetime.timedelta(days=offset)
        ranges = [r for i in intervals if _holds_on(i, day) for r in _minutes(i)]
        minutes = _covered(ranges)
        always &= minutes == DAY
        never &= minutes == 0
        if not always and not never:
            break
    return always, never


def always_holds(intervals: list[TimeInterval]) -> bool:
    return _coverage(intervals)[0]


def never_holds(intervals: list[TimeInterval]) -> bool:
    return _coverage(intervals)[1]
