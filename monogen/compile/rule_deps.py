"""The rules one alert needs: its own (every level of its name) and the recording rules
they read, transitively. A proof of the alert over just these rules is a proof over the
whole file — no other rule can change a series they read — and costs promtool only
these rules at each evaluation (a day-long window: 1,440 evaluations of a handful of
rules, not of the experiment's every rule)."""

from __future__ import annotations

import dataclasses
import re

from monogen.model.rules import AlertingRule, RecordingRule, RuleFile

_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
# Series every alerting rule writes: a rule reading them depends on all of them.
_ALERT_SERIES = {"ALERTS", "ALERTS_FOR_STATE"}


def _names(rule: RecordingRule | AlertingRule) -> set[str]:
    """Every name the rule's expression (and an alert's text, whose queries run when it
    fires) mentions; names in strings are kept too: one rule more costs a little time,
    one rule less would fail the proof."""
    text = rule.expr
    if isinstance(rule, AlertingRule):
        text += " ".join(t.go_template() for t in rule.annotations.values())
    return set(_NAME.findall(text))


def needed(rules: RuleFile, alert: str) -> RuleFile:
    """`rules` with only alert `alert`'s rules and what they read (every group kept, in
    order, so group evaluation order is the file's)."""
    everything = [r for g in rules.groups for r in g.rules]
    records = {r.record: r for r in everything if isinstance(r, RecordingRule)}
    keep: set[int] = set()
    todo = [r for r in everything if isinstance(r, AlertingRule) and r.alert == alert]
    while todo:
        rule = todo.pop()
        if id(rule) in keep:
            continue
        keep.add(id(rule))
        names = _names(rule)
        if names & _ALERT_SERIES:
            return rules
        todo += [records[n] for n in names if n in records]
    groups = tuple(
        dataclasses.replace(g, rules=tuple(r for r in g.rules if id(r) in keep))
        for g in rules.groups
    )
    return dataclasses.replace(rules, groups=groups)
