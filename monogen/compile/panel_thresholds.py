"""Grafana threshold steps and notes equal to a guardrail's levels, so a panel shows the
line its alert fires at."""

from __future__ import annotations

from typing import Any

from monogen.kinds.base import Guardrail

COLORS = {"critical": "red", "warning": "orange", "info": "blue"}


def threshold_steps(rail: Guardrail) -> list[dict[str, Any]]:
    """Grafana threshold steps equal to a guardrail's levels (values in the metric's unit)."""
    levels = sorted(rail.levels, key=lambda lv: lv.threshold)
    if rail.direction == "below":
        steps = [{"color": COLORS[levels[0].severity], "value": None}]
        for i, level in enumerate(levels):
            nxt = COLORS[levels[i + 1].severity] if i + 1 < len(levels) else "green"
            steps.append({"color": nxt, "value": level.threshold})
        return steps
    steps = [{"color": "green", "value": None}]
    steps += [{"color": COLORS[lv.severity], "value": lv.threshold} for lv in levels]
    return steps


def alert_note(rail: Guardrail) -> str:
    """ "Thresholds of alert A: warning < 75 for 5m, ...", a sentence per alert name."""
    cmp = "<" if rail.direction == "below" else ">"
    named: dict[str, list[str]] = {}
    for lv in rail.levels:
        shown = f"{lv.severity} {cmp} {lv.threshold:g} for {lv.for_}"
        named.setdefault(rail.alert_of(lv.severity), []).append(shown)
    return " ".join(f"Thresholds of alert {a}: {', '.join(ls)}." for a, ls in named.items())


def ref_thresholds(ref: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "matcher": {"id": "byFrameRefID", "options": ref},
        "properties": [{"id": "thresholds", "value": {"mode": "absolute", "steps": steps}}],
    }


def split_overrides(split: list[tuple[str, float]], tolerance: float) -> list[dict[str, Any]]:
    """Per variant, green within `tolerance` points of its declared share, else orange."""
    return [
        {
            "matcher": {"id": "byName", "options": name},
            "properties": [
                {
                    "id": "thresholds",
                    "value": {
                        "mode": "absolute",
                        "steps": [
                            {"color": "orange", "value": None},
                            {"color": "green", "value": max(target - tolerance, 0)},
                            {"color": "orange", "value": min(target + tolerance, 100)},
                        ],
                    },
                }
            ],
        }
        for name, target in split
    ]
