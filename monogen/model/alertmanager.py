"""Alertmanager configuration as values, and the route-tree walk Alertmanager performs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monogen.compile.matchers import Matcher, matches
from monogen.compile.matchers import render_alertmanager as render_matcher


@dataclass(frozen=True)
class Route:
    receiver: str | None
    matchers: tuple[Matcher, ...] = ()
    continue_: bool = False
    group_by: tuple[str, ...] | None = None
    group_wait: str | None = None
    group_interval: str | None = None
    repeat_interval: str | None = None
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    routes: tuple[Route, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.receiver:
            out["receiver"] = self.receiver
        if self.matchers:
            out["matchers"] = [render_matcher(m) for m in self.matchers]
        if self.continue_:
            out["continue"] = True
        if self.group_by is not None:
            out["group_by"] = list(self.group_by)
        for key in ("group_wait", "group_interval", "repeat_interval"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.mute_time_intervals:
            out["mute_time_intervals"] = list(self.mute_time_intervals)
        if self.active_time_intervals:
            out["active_time_intervals"] = list(self.active_time_intervals)
        if self.routes:
            out["routes"] = [r.to_dict() for r in self.routes]
        return out

    def label_names(self) -> set[str]:
        """Every label a matcher in this subtree looks at: nothing else decides a walk."""
        names = {m[0] for m in self.matchers}
        for child in self.routes:
            names |= child.label_names()
        return names

    def walk(self, labels: dict[str, str]) -> list[str]:
        """Receivers Alertmanager notifies for an alert with `labels` (depth first, with
        `continue`); a route without a receiver inherits its parent's."""
        return [d.receiver for d in self.deliveries(labels)]

    def deliveries(self, labels: dict[str, str], inherited: str | None = None) -> list[Delivery]:
        """Each notification of an alert with `labels`: its receiver and the time intervals
        of the route that sends it (Alertmanager does not pass them to children, and two
        routes reached through `continue` keep their own)."""
        receiver = self.receiver or inherited
        found: list[Delivery] = []
        for child in self.routes:
            if all(matches(m, labels) for m in child.matchers):
                found.extend(child.deliveries(labels, receiver))
                if not child.continue_:
                    break
        if not found and receiver:
            found = [Delivery(receiver, self.mute_time_intervals, self.active_time_intervals)]
        return found


@dataclass(frozen=True)
class Delivery:
    """One notification: who receives it, and the intervals that mute it or outside
    which it is held."""

    receiver: str
    mute: tuple[str, ...] = ()
    active: tuple[str, ...] = ()


@dataclass(frozen=True)
class InhibitRule:
    """Targets matching `target` are muted while a source matching `source` fires with
    the same values of the `equal` labels."""

    source: tuple[Matcher, ...]
    target: tuple[Matcher, ...]
    equal: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "source_matchers": [render_matcher(m) for m in self.source],
            "target_matchers": [render_matcher(m) for m in self.target],
            "equal": list(self.equal),
        }


@dataclass(frozen=True)
class AlertmanagerConfig:
    global_: dict[str, Any]
    route: Route
    receivers: tuple[dict[str, Any], ...]
    inhibit_rules: tuple[InhibitRule, ...]
    time_intervals: tuple[dict[str, Any], ...]
    templates: tuple[str, ...] = ()
    owners: dict[str, str] = field(default_factory=dict, compare=False)  # receiver → team

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.global_:
            out["global"] = self.global_
        out["route"] = self.route.to_dict()
        out["receivers"] = list(self.receivers)
        if self.inhibit_rules:
            out["inhibit_rules"] = [rule.to_dict() for rule in self.inhibit_rules]
        if self.time_intervals:
            out["time_intervals"] = list(self.time_intervals)
        if self.templates:
            out["templates"] = list(self.templates)
        return out
