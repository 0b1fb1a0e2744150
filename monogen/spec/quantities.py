"""Durations, percentages and thresholds as specs write them: `5m`, `200ms`, `5%`, `0.05`."""

from __future__ import annotations

import re
from functools import lru_cache

# Prometheus' duration grammar: units in descending order, each at most once.
_DURATION_RE = re.compile(
    r"^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$"
)
_UNIT_SECONDS = (365 * 86400, 7 * 86400, 86400, 3600, 60, 1, 0.001)
DURATION_PATTERN = r"^([0-9]+(y|w|d|h|m|s|ms))+$"
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_duration(text: str) -> float:
    """Seconds in a Prometheus duration such as `1h30m`; ValueError when malformed."""
    if not isinstance(text, str):
        raise ValueError(_NOT_A_DURATION.format(text))
    return _seconds(text)


_NOT_A_DURATION = (
    "{!r} is not a duration; write a number and a unit, e.g. 30s, 5m, 1h30m "
    "(units y w d h m s ms, largest first)"
)


@lru_cache(maxsize=1024)  # a build reads the same few durations tens of thousands of times
def _seconds(text: str) -> float:
    match = _DURATION_RE.match(text.strip())
    if not text or match is None or not any(match.groups()):
        raise ValueError(_NOT_A_DURATION.format(text))
    return sum(int(g) * u for g, u in zip(match.groups(), _UNIT_SECONDS, strict=True) if g)


def format_duration(seconds: float) -> str:
    """The shortest Prometheus duration for `seconds` (whole milliseconds)."""
    millis = round(seconds * 1000)
    if millis == 0:
        return "0s"
    out = ""
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        count, millis = divmod(millis, size)
        if count:
            out += f"{count}{unit}"
    if millis:
        out += f"{millis}ms"
    return out


def parse_number(text: str) -> float:
    if not _NUMBER_RE.match(text.strip()):
        raise ValueError(f"{text!r} is not a number")
    return float(text)


def parse_percent(value: float | str) -> float:
    """A share as a ratio 0..1: `5%` → 0.05; a bare number is already a ratio."""
    if isinstance(value, bool):
        raise ValueError("expected a percentage such as 5% or a ratio such as 0.05")
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    if text.endswith("%"):
        return parse_number(text[:-1]) / 100
    return parse_number(text)


def parse_seconds(value: float | str) -> float:
    """A latency in seconds: `200ms` → 0.2; a bare number is already seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as 200ms or a number of seconds")
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    if _NUMBER_RE.match(text):
        return float(text)
    if "." in text and text.endswith(("ms", "s")):  # 0.25s, 1.5ms: fractional units
        unit = 0.001 if text.endswith("ms") else 1.0
        return parse_number(text[: -2 if unit < 1 else -1]) * unit
    return parse_duration(text)


def format_number(value: float) -> str:
    """Numbers as Prometheus and humans both read them: 75, 0.05, 1e-06."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(round(value, 12))
