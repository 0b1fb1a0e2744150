"""The time range a readout covers, as a user writes it: `now`, `now-7d`, RFC 3339, or
unix seconds."""

from __future__ import annotations

import datetime as dt
import re

from monogen.readout.prometheus_api import ReadoutError
from monogen.spec.quantities import parse_duration

_RELATIVE = re.compile(r"^now(?:-([0-9a-z]+))?$")
# the instants a report can name (years 1 to 9999 UTC): past them no date can be written
EARLIEST, LATEST = -62_135_596_800.0, 253_402_300_799.0


def parse_time(text: str, now: float, flag: str) -> float:
    text = text.strip()
    relative = _RELATIVE.match(text)
    try:
        if relative:
            return now - (parse_duration(relative.group(1)) if relative.group(1) else 0)
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            return float(text)
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ReadoutError(
            f"{flag} {text!r} is not a time",
            "write now, now-7d, unix seconds, or RFC 3339 with a zone (2026-12-01T00:00:00Z)",
        )
    return when.timestamp()


def duration(text: str, flag: str) -> float:
    try:
        seconds = parse_duration(text)
    except ValueError:
        raise ReadoutError(f"{flag} {text!r} is not a duration", "write e.g. 7d, 12h, 1m") from None
    if seconds <= 0:
        raise ReadoutError(f"{flag} must be more than 0")
    return float(seconds)


def iso(t: float) -> str:
    return dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def resolve(
    since: str | None, start: str | None, end: str | None, now: float, default: str = "7d"
) -> tuple[float, float]:
    """[from, to] of the flags: --since, or --from and --to (to defaults to now)."""
    if since is not None and start is not None:
        raise ReadoutError("give --since or --from, not both")
    stop = parse_time(end, now, "--to") if end else now
    if start is not None:
        first = parse_time(start, now, "--from")
    else:
        first = stop - duration(since or default, "--since")
    for flag, t in (("--to", stop), ("--from", first)):
        if not EARLIEST <= t <= LATEST:
            raise ReadoutError(
                f"{flag} lies outside the years 1 to 9999", "give a range of this era"
            )
    if first >= stop:
        raise ReadoutError(
            f"the range is empty: --from {iso(first)} is not before --to {iso(stop)}"
        )
    return first, stop
