"""Return on investment: a gauge that must stay at or above break-even (1.0)."""

from __future__ import annotations

from monogen.kinds.threshold import GaugeKind


class Roi(GaugeKind):
    key = metric = panel = "roi"
    alert = "BusinessRoiBelowBreakEven"
    category = "business_impact"
    direction = "below"
    unit = "number"
    noun = "return on investment"
    defaults = (("warning", 1.0, "30m"),)
