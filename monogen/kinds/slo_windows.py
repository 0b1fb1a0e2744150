"""The multiwindow, multi-burn-rate table of the Google SRE workbook, scaled to an SLO's
period as Sloth scales it: each window pair pages when its long window spends a share of
the period's budget, so its burn factor is that share times the period over the window.

For 30 days the factors are the workbook's 14.4, 6, 3 and 1; for 28 days 13.44, 5.6, 2.8
and 0.933…, so a steady 14.2x burn pages on a 28-day SLO as on a 30-day one."""

from __future__ import annotations

from monogen.spec.quantities import parse_duration

# (long window, short window, share of the period's budget the long window spends,
# severity, for). The short window already keeps a blip from paging; `for` only rides
# out a scrape gap.
BURN_WINDOWS: tuple[tuple[str, str, float, str, str], ...] = (
    ("1h", "5m", 0.02, "critical", "2m"),
    ("6h", "30m", 0.05, "critical", "5m"),
    ("1d", "2h", 0.10, "warning", "15m"),
    ("3d", "6h", 0.10, "warning", "30m"),
)
WINDOWS = tuple(sorted({w for p in BURN_WINDOWS for w in p[:2]}, key=parse_duration))


def burn_factors(period: float) -> tuple[float, ...]:
    """Each window pair's burn factor for a period of `period` seconds, to six
    significant digits (the same text on every machine)."""
    return tuple(
        float(f"{share * period / parse_duration(long):.6g}")
        for long, _, share, _, _ in BURN_WINDOWS
    )
