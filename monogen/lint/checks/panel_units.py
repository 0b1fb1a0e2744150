"""Grafana dashboards: a panel showing a quantity with a unit (bytes, seconds, degrees)
states that unit, so Grafana scales and labels its numbers (a house convention: `info`)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from monogen.lint.checks.dashboards import (
    INFO,
    NOT_NUMERIC,
    STRINGS,
    _library_reference,
    _title,
    has_unit,
    panels,
)
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile


@check(
    "dashboard/panel-unit",
    "dashboard",
    INFO,
    "A panel whose queries read a quantity with a unit (`_bytes`, `_seconds`, `_celsius`…) "
    "sets a unit (in its defaults, an override, a legacy graph's y axes, or a plugin's "
    "options such as polystat's `globalUnitFormat`). A house convention, so `info` in every "
    "case: a panel without a unit shows the right numbers, only unscaled. The finding says "
    "which unit the metric suggests, or that the title or axis label names it in words "
    "(`Latency (seconds)`, `Heap [MiB]`); counts and ratios read well without one. A panel "
    "whose value mappings turn every value into a word, or a stat whose text mode shows the "
    "series' name or nothing, shows no number and needs no unit.",
)
def panel_unit(f: LintFile) -> Iterator[Hit]:
    for path, panel in panels(f):
        if panel.get("type") in NOT_NUMERIC or has_unit(panel) or _shows_words(panel):
            continue
        if _shows_no_value(panel) or _library_reference(panel):
            continue  # no number shown; or the unit is the library panel's
        unit = _quantity(panel)
        if not unit:
            yield Hit(f"panel {_title(panel)} has no unit", path)
            continue
        said = _unit_in_words(panel, unit)
        if said:
            yield Hit(
                f"panel {_title(panel)} shows {unit} with the unit in words only ({said!r}); "
                "a unit field lets Grafana scale and label the numbers",
                path,
            )
        else:
            yield Hit(f"panel {_title(panel)} shows {unit} without a unit", path)


# How a title or an axis label names a unit of each quantity `_quantity` finds: whole words
# anywhere, in the plural ("Seconds behind master", not "per second"); abbreviations
# distinctive enough as words ("ms", "MiB", "GB", "°C"); one-letter or ambiguous ones only
# in brackets or after "in" ("Duration (s)", "Size [B]", "Latency in us").
_WORDS = {
    "seconds": (
        r"(?:milli|micro|nano)?seconds",
        r"ms|µs|μs|ns",
        r"s|secs?|us|mins?|h",
    ),
    "bytes": (
        r"(?:kilo|mega|giga|tera|kibi|mebi|gibi|tebi)?bytes",
        r"[KMGTP]iB|[kKMGTP]B",
        r"B",
    ),
    "celsius": (r"celsius", r"°C|℃", r"C"),
    "joules": (r"(?:kilo)?joules?|(?:kilo)?watt-?hours?", r"kJ|k?Wh", r"J"),
    "volts": (r"(?:milli)?volts?", r"mV", r"V"),
    "amperes": (r"(?:milli)?amp(?:ere)?s?", r"mA", r"A"),
    "watts": (r"(?:kilo|milli)?watts?", r"kW|mW", r"W"),
}
_UNIT_WORDS = {
    unit: re.compile(
        rf"(?i:(?<![\w-])(?:{words})(?![\w-]))"
        rf"|(?<![\w-])(?:{abbreviations})(?![\w-])"
        rf"|(?:(?<!\w)[(\[]\s*|\b(?i:in)\s+)(?:{short}|{abbreviations})(?:/s)?\s*[)\]]"
        rf"|\b(?i:in)\s+(?:{short})(?![\w-])"
    )
    for unit, (words, abbreviations, short) in _WORDS.items()
}


def _unit_in_words(panel: dict[str, Any], unit: str) -> str:
    """The panel's title or y-axis label when it names a unit of `unit`; "" otherwise."""
    config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    custom = (config.get("defaults") or {}).get("custom") or {}
    texts = [panel.get("title"), custom.get("axisLabel") if isinstance(custom, dict) else None]
    texts += [axis.get("label") for axis in panel.get("yaxes") or [] if isinstance(axis, dict)]
    pattern = _UNIT_WORDS.get(unit)
    for text in texts:
        if pattern and isinstance(text, str) and pattern.search(text):
            return text
    return ""


def _shows_no_value(panel: dict[str, Any]) -> bool:
    """A stat panel whose text mode shows the series' name, or nothing: no number is shown
    (the value only colours the panel), so none needs a unit."""
    options = panel.get("options") if isinstance(panel.get("options"), dict) else {}
    return panel.get("type") == "stat" and options.get("textMode") in ("name", "none")


def _shows_words(panel: dict[str, Any]) -> bool:
    """The panel's range mappings turn every value it can show into a word: ranges with a
    text result that run without a gap from 0 or below (a status stat: Healthy, Delayed,
    High). Above the last range the author mapped nothing, so no value is expected there."""
    config = panel.get("fieldConfig") if isinstance(panel.get("fieldConfig"), dict) else {}
    ranges = []
    for mapping in (config.get("defaults") or {}).get("mappings") or []:
        if not isinstance(mapping, dict) or mapping.get("type") != "range":
            continue
        options = mapping.get("options") if isinstance(mapping.get("options"), dict) else {}
        result = options.get("result") if isinstance(options.get("result"), dict) else {}
        low, high = options.get("from"), options.get("to")
        if not result.get("text") or not all(
            v is None or isinstance(v, int | float) for v in (low, high)
        ):
            continue
        ranges.append((-math.inf if low is None else low, math.inf if high is None else high))
    if not ranges:
        return False
    ranges.sort()
    reach = ranges[0][0]
    if reach > 0:
        return False
    for low, high in ranges:
        if low > reach:
            return False  # a gap: values in it are shown as numbers
        reach = max(reach, high)
    return True


# a count of anything (`count`, `count_over_time`, `changes`, `resets`), also inside
# wrappers that keep it a count (`scalar(count(x) > 0)`, `sum(count(…))`, and the
# selectors that pick series of it: `topk($n, changes(x_seconds[1h]))`)
_BY = r"(?:\s*(?:by|without)\s*\([^)]*\))?\s*\("
COUNT = re.compile(
    rf"(?:(?:(?:scalar|vector|round|ceil|floor|abs|sum|max|min){_BY}"
    rf"|(?:topk|bottomk|limitk){_BY}\s*[^,()]+,)\s*)*"
    rf"(?:count\w*|changes|resets){_BY}"
)


# a base unit in a metric name (Prometheus' naming); `_seconds_total` counts CPU or busy
# time, whose rate is a count of cores or a ratio, and `_count` a number of events
UNIT_NAME = re.compile(
    r"[a-z0-9]_(bytes|seconds|celsius|joules|volts|amperes|watts)(_total|_sum|_bucket)?\b"
)


def _quantity(panel: dict[str, Any]) -> str:
    """The unit the panel's queries show, when their metric names say one and the query
    is no count or ratio of it; "" otherwise."""
    for target in panel.get("targets") or []:
        expr = target.get("expr") if isinstance(target, dict) else None
        if not isinstance(expr, str):
            continue
        bare = STRINGS.sub('""', expr).strip()
        if COUNT.match(bare):
            continue
        units = [
            m.group(1)
            for m in UNIT_NAME.finditer(bare)
            if not (m.group(1) == "seconds" and m.group(2) == "_total")
        ]
        if not units:
            continue
        if "/" in bare and len(units) > 1 and len(set(units)) == 1:
            continue  # bytes over bytes: a ratio
        return units[0]
    return ""
