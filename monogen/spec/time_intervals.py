"""When a time interval holds, as Alertmanager's timeinterval package decides it
(ContainsTime): a named interval holds when any of its intervals does; an interval when
every part it gives matches: times of day as half-open [start, end) minutes, weekdays
(sunday is 0), days of month (negative days count from the month's end), months, years, in
its location. One reading serves the specs (TimeInterval) and hand-written configs (the
`time_intervals` entries of an Alertmanager config).

An interval that always holds mutes a route for ever; one that never holds (31 February)
keeps an active route from ever delivering. Both are decided exactly: every day of a
28-year cycle (weekdays and leap years repeat with it in 1901-2099) is checked."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from typing import Any

from monogen.spec.alerting import TimeInterval, TimeRange

DAY = 24 * 60
_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
_CYCLE_START = datetime.date(2001, 1, 1)
_CYCLE_DAYS = (datetime.date(2029, 1, 1) - _CYCLE_START).days  # 28 years

Ranges = tuple[tuple[int, int], ...]


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


def _ranges(texts: list[Any], one: Any) -> Ranges:
    """`a` or `a:b` items → inclusive (first, last) pairs, each bound read by `one`."""
    out = []
    for text in texts:
        start, _, end = str(text).partition(":")
        out.append((one(start), one(end or start)))
    return tuple(out)


def _weekday(text: str) -> int:
    return _DAYS.index(text.strip().lower())


def _month(text: str) -> int:
    text = text.strip().lower()
    return int(text) if text.isdigit() else _MONTHS.index(text) + 1


@dataclass(frozen=True)
class Interval:
    """One interval; None for a part it does not give (which then matches any time)."""

    minutes: Ranges | None = None  # half-open [start, end)
    weekdays: Ranges | None = None
    days: Ranges | None = None  # may be negative
    months: Ranges | None = None
    years: Ranges | None = None
    location: str | None = None

    @classmethod
    def of_spec(cls, interval: TimeInterval) -> Interval:
        return cls(
            tuple((_minute(a), _minute(b)) for a, b in split_times(interval.times))
            if interval.times
            else None,
            _ranges(interval.weekdays, _weekday) if interval.weekdays else None,
            _ranges(interval.days_of_month, int) if interval.days_of_month else None,
            _ranges(interval.months, _month) if interval.months else None,
            location=interval.location,
        )

    @classmethod
    def of_config(cls, raw: dict[str, Any]) -> Interval:
        """An entry of an Alertmanager config's `time_intervals[].time_intervals` (as
        amtool accepts it: times already split, `start_time`/`end_time`)."""
        times = raw.get("times")
        return cls(
            tuple((_minute(t["start_time"]), _minute(t["end_time"])) for t in times)
            if times
            else None,
            _ranges(raw["weekdays"], _weekday) if raw.get("weekdays") else None,
            _ranges(raw["days_of_month"], int) if raw.get("days_of_month") else None,
            _ranges(raw["months"], _month) if raw.get("months") else None,
            _ranges(raw["years"], int) if raw.get("years") else None,
            raw.get("location"),
        )

    def on(self, day: datetime.date) -> bool:
        """Whether every part that is about days matches `day`."""
        weekday = (day.weekday() + 1) % 7  # Go counts from sunday
        return (
            (self.weekdays is None or _within(weekday, self.weekdays))
            and (self.months is None or _within(day.month, self.months))
            and (self.years is None or _within(day.year, self.years))
            and (self.days is None or _day_of_month(self.days, day))
        )

    def day_minutes(self) -> Ranges:
        return self.minutes if self.minutes is not None else ((0, DAY),)

    def contains(self, moment: datetime.datetime) -> bool:
        if self.location:
            import zoneinfo

            moment = moment.astimezone(zoneinfo.ZoneInfo(self.location))
        minute = moment.hour * 60 + moment.minute
        return self.on(moment.date()) and any(lo <= minute < hi for lo, hi in self.day_minutes())


def _within(value: int, ranges: Ranges) -> bool:
    return any(lo <= value <= hi for lo, hi in ranges)


def _day_of_month(ranges: Ranges, day: datetime.date) -> bool:
    """Alertmanager: negative days count from the month's end (-1 the last); a range
    whose start falls after the month is skipped; bounds are clamped to the month."""
    length = calendar.monthrange(day.year, day.month)[1]
    for lo, hi in ranges:
        lo = lo if lo > 0 else length + lo + 1
        hi = hi if hi > 0 else length + hi + 1
        if lo <= day.day <= min(hi, length):
            return True
    return False


def holds(intervals: list[Interval], moment: datetime.datetime) -> bool:
    """Whether a named interval (any of its intervals) holds at `moment` (UTC if naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return any(i.contains(moment) for i in intervals)


def _covered(ranges: list[tuple[int, int]]) -> int:
    """Minutes of the day the half-open ranges cover together."""
    total, reach = 0, 0
    for lo, hi in sorted(ranges):
        lo = max(lo, reach)
        if hi > lo:
            total += hi - lo
            reach = hi
    return total


_SEEN: dict[tuple[Interval, ...], tuple[bool, bool]] = {}


def coverage(intervals: list[Interval]) -> tuple[bool, bool]:
    """(always, never) for a named interval in UTC (remembered: specs share intervals)."""
    key = tuple(intervals)
    if key not in _SEEN:
        always, never = True, True
        for offset in range(_CYCLE_DAYS):
            day = _CYCLE_START + datetime.timedelta(days=offset)
            minutes = _covered([r for i in intervals if i.on(day) for r in i.day_minutes()])
            always &= minutes == DAY
            never &= minutes == 0
            if not always and not never:
                break
        _SEEN[key] = (always, never)
    return _SEEN[key]


def always_holds(intervals: list[TimeInterval]) -> bool:
    return coverage([Interval.of_spec(i) for i in intervals])[0]


def never_holds(intervals: list[TimeInterval]) -> bool:
    return coverage([Interval.of_spec(i) for i in intervals])[1]
