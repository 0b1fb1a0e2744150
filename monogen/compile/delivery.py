"""When each generated alert is delivered: the time intervals of the routes that take it
(which mute it, or outside which it is held), and the alerts that silence it while they
fire (the inhibition graph). `monogen routes` shows them."""

from __future__ import annotations

from monogen.compile.coverage import RouteRow
from monogen.compile.inhibition import mutings
from monogen.model.alertmanager import AlertmanagerConfig


def conditions(config: AlertmanagerConfig, rows: list[RouteRow]) -> dict[RouteRow, dict]:
    """When each alert is delivered: the time intervals that mute it or that it is
    active in (team names as written), and the alerts that silence it while they fire."""
    silencers: dict[RouteRow, set[str]] = {}
    for m in mutings(config.inhibit_rules, rows):
        silencers.setdefault(m.target, set()).add(f"{m.source.alert} ({m.source.severity})")
    found = {}
    for row in rows:
        mute, active = config.route.intervals(dict(row.labels))
        found[row] = {
            "muted": [name.split("/", 1)[-1] for name in mute],
            "active": [name.split("/", 1)[-1] for name in active],
            "silenced_by": sorted(silencers.get(row, ())),
        }
    return found


def note(facts: dict | None) -> str:
    """The delivery facts of an alert as the route table shows them."""
    if not facts:
        return ""
    parts = []
    if facts["muted"]:
        parts.append("muted in " + ", ".join(facts["muted"]))
    if facts["active"]:
        parts.append("only in " + ", ".join(facts["active"]))
    if facts["silenced_by"]:
        parts.append("silenced by " + ", ".join(facts["silenced_by"]))
    return f"  ({'; '.join(parts)})" if parts else ""
