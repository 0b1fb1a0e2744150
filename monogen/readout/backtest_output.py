"""The backtest as a table for people and JSON for machines: per alert, its firing
episodes and hours, and whom they would have paged."""

from __future__ import annotations

import json
from collections import Counter

from monogen.readout.backtest import AlertRun
from monogen.readout.window import iso

# labels every alert of an experiment carries: the table shows the others
COMMON = ("severity", "experiment", "namespace", "team", "category")


def over(runs: list[AlertRun], limit: int | None) -> list[AlertRun]:
    """The alerts that fired more than `limit` times (none without a limit)."""
    return [] if limit is None else [r for r in runs if len(r.episodes) > limit]


def _receivers(run: AlertRun) -> Counter[str]:
    counted: Counter[str] = Counter()
    for episode in run.episodes:
        for receiver in run.receivers.get(episode.labels, ()):
            counted[receiver] += 1
    return counted


def text(runs: list[AlertRun], start: float, end: float, url: str) -> str:
    lines = [f"Backtest of {len(runs)} alert(s) on {url}, {iso(start)} to {iso(end)}", ""]
    header = ("EXPERIMENT", "ALERT", "SEVERITY", "LABELS", "EPISODES", "HOURS", "RECEIVERS")
    rows = [header]
    for r in runs:
        own = ",".join(f"{k}={v}" for k, v in sorted(r.labels.items()) if k not in COMMON) or "-"
        receivers = ", ".join(f"{name} ({n})" for name, n in sorted(_receivers(r).items()))
        rows.append((
            r.experiment, r.alert, r.severity, own, str(len(r.episodes)),
            f"{r.firing_seconds / 3600:.2f}", receivers or "-",
        ))  # fmt: skip
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    by_severity: Counter[str] = Counter()
    by_receiver: Counter[str] = Counter()
    for r in runs:
        by_severity[r.severity] += len(r.episodes)
        by_receiver.update(_receivers(r))
    lines.append("")
    lines.append(
        "by severity: " + (", ".join(f"{k} {v}" for k, v in sorted(by_severity.items())) or "-")
    )
    lines.append(
        "by receiver: " + (", ".join(f"{k} {v}" for k, v in sorted(by_receiver.items())) or "-")
    )
    return "\n".join(lines) + "\n"


def as_json(runs: list[AlertRun], start: float, end: float, url: str) -> str:
    data = {
        "prometheus": url,
        "from": iso(start),
        "to": iso(end),
        "alerts": [
            {
                "experiment": r.experiment,
                "alert": r.alert,
                "severity": r.severity,
                "labels": r.labels,
                "for": r.for_,
                "step_seconds": r.step,
                "episodes": [
                    {
                        "labels": dict(e.labels),
                        "start": iso(e.start),
                        "end": iso(e.end),
                        "seconds": e.seconds,
                        "receivers": list(r.receivers.get(e.labels, ())),
                    }
                    for e in r.episodes
                ],
                "firing_seconds": r.firing_seconds,
            }
            for r in runs
        ],
    }
    return json.dumps(data, indent=2, sort_keys=True) + "\n"
