"""The report's charts as inline SVG, drawn with matplotlib (the `report` extra): nothing
to fetch when the page is viewed, and the same bytes for the same data (no dates, fixed
ids)."""

from __future__ import annotations

import io
import math
import re
from typing import Any

from monogen.readout.prometheus_api import ReadoutError, Series

SEVERITY_COLOURS = {"critical": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ReadoutError(
            "the HTML report draws charts with matplotlib, which is not installed",
            "pip install 'monogen[report]', or choose --format markdown or json",
        ) from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({
        "svg.hashsalt": "monogen", "svg.fonttype": "none", "font.size": 9,
        "axes.spines.top": False, "axes.spines.right": False,
        # spec text is text: `$…$` in a name is no formula to typeset (nor to fail on)
        "text.parse_math": False,
    })  # fmt: skip
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any, plt: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # the XML prologue and doctype do not belong in HTML


def _hours(t: float, start: float) -> float:
    return (t - start) / 3600


def timeline(
    title: str, series: list[tuple[str, Series]], start: float, end: float, unit: str,
    thresholds: tuple[tuple[str, float], ...] = (),
    firing: list[tuple[str, float, float]] | None = None,
) -> str:  # fmt: skip
    """Lines over time (hours since the range's start), threshold lines by severity and
    the spans an alert fired shaded."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.6))
    scale = 100.0 if unit == "ratio" else 1.0
    # handles and labels given, not collected: matplotlib leaves out a label that starts
    # with "_", and a variant may be named so
    handles, labels = [], []
    for i, (name, s) in enumerate(series):
        xs = [_hours(t, start) for t, _ in s.points]
        ys = [v * scale if math.isfinite(v) else math.nan for _, v in s.points]
        handles += ax.plot(xs, ys, color=PALETTE[i % len(PALETTE)], linewidth=1.2)
        labels.append(name)
    for severity, value in thresholds:
        handles.append(ax.axhline(value * scale, color=SEVERITY_COLOURS.get(severity, "#555"),
                                  linestyle="--", linewidth=1))  # fmt: skip
        labels.append(f"{severity} threshold")
    for severity, a, b in firing or ():
        ax.axvspan(_hours(a, start), _hours(b, start), color=SEVERITY_COLOURS.get(severity, "#555"),
                   alpha=0.15, linewidth=0)  # fmt: skip
    ax.set_xlim(0, _hours(end, start))
    ax.set_xlabel("hours since the range's start")
    ax.set_ylabel({"ratio": "%", "seconds": "seconds"}.get(unit, unit))
    ax.set_title(title, loc="left")
    if handles:
        ax.legend(handles, labels, loc="upper left", fontsize=7, frameon=False, ncols=4)
    return _svg(fig, plt)


def forest(rows: list[tuple[str, float, float, float]], unit: str, confidence: float) -> str:
    """Differences (treatment − control) with their intervals, one row each."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 0.5 + 0.45 * len(rows)))
    scale = 100.0 if unit == "ratio" else 1.0
    for i, (_name, diff, low, high) in enumerate(rows):
        y = len(rows) - 1 - i
        ax.plot([low * scale, high * scale], [y, y], color="#333", linewidth=2)
        ax.plot([diff * scale], [y], "o", color="#1f77b4")
    ax.axvline(0, color="#999", linewidth=1)
    ax.set_yticks(range(len(rows)), [r[0] for r in reversed(rows)])
    label = {"ratio": "percentage points", "seconds": "seconds"}.get(unit, unit)
    ax.set_xlabel(f"treatment − control ({label}), {confidence:.0%} interval")
    return _svg(fig, plt)


def shares(requests: dict[str, float], declared: dict[str, float]) -> str:
    """Observed against declared traffic shares, per variant."""
    plt = _pyplot()
    names = list(requests)
    total = sum(requests.values()) or 1.0
    fig, ax = plt.subplots(figsize=(8, 0.6 + 0.4 * len(names)))
    ys = range(len(names))
    ax.barh([y + 0.2 for y in ys], [100 * requests[n] / total for n in names], height=0.4,
            label="observed", color="#1f77b4")  # fmt: skip
    ax.barh([y - 0.2 for y in ys], [declared.get(n, 0.0) for n in names], height=0.4,
            label="declared", color="#bbbbbb")  # fmt: skip
    ax.set_yticks(list(ys), names)
    ax.set_xlabel("share of requests, %")
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    return _svg(fig, plt)


def clean(svg: str) -> str:
    """No scripts, no links out: an SVG from matplotlib has neither, and this keeps it so."""
    if re.search(r"<script|xlink:href=\"(?!#)|href=\"http", svg):
        raise ValueError("a chart holds a script or an outside link")
    return svg
