"""When each generated alert is delivered: per notification (receiver), the time intervals
of the route that sends it (which mute it, or outside which it is held), and the alerts
that silence it while they fire (the inhibition graph). `monogen routes` shows them."""

from __future__ import annotations

from monogen.compile.coverage import RouteRow
from monogen.compile.inhibition import mutings
from monogen.model.alertmanager import AlertmanagerConfig


def _team_names(names: tuple[str, ...]) -> list[str]:
    return [name.split("/", 1)[-1] for name in names]


def conditions(config: AlertmanagerConfig, rows: list[RouteRow]) -> dict[RouteRow, dict]:
    """When each alert is delivered: per receiver, the time intervals that mute it or that
    it is active in (team names as written); and the alerts that silence it while they
    fire (inhibition holds back every notification of the alert)."""
    silencers: dict[RouteRow, set[str]] = {}
    for m in mutings(config.inhibit_rules, rows):
        silencers.setdefault(m.target, set()).add(f"{m.source.alert} ({m.source.severity})")
    found = {}
    for row in rows:
        found[row] = {
            "deliveries": [
                {
                    "receiver": d.receiver,
                    "muted": _team_names(d.mute),
                    "active": _team_names(d.active),
                }
                for d in config.route.deliveries(dict(row.labels))
            ],
            "silenced_by": sorted(silencers.get(row, ())),
        }
    return found


def _timing(delivery: dict) -> str:
    parts = []
    if delivery["muted"]:
        parts.append("muted in " + ", ".join(delivery["muted"]))
    if delivery["active"]:
        parts.append("only in " + ", ".join(delivery["active"]))
    return ", ".join(parts)


def note(facts: dict | None) -> str:
    """The delivery facts of an alert as the route table shows them: intervals once when
    every notification shares them, else per receiver."""
    if not facts:
        return ""
    deliveries = facts["deliveries"]
    timings = [_timing(d) for d in deliveries]
    parts = []
    if len(set(timings)) == 1:
        parts += [timings[0]] if timings[0] else []
    else:
        parts += [f"{d['receiver']} {t}" for d, t in zip(deliveries, timings, strict=True) if t]
    if facts["silenced_by"]:
        parts.append("silenced by " + ", ".join(facts["silenced_by"]))
    return f"  ({'; '.join(parts)})" if parts else ""
