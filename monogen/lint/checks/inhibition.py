"""Inhibit rules as Alertmanager applies them (inhibit/inhibit.go): a target alert is muted
by a firing source alert with the same `equal` labels, except that when the target also
matches the source side, sources that also match the target side do not count (an alert
never mutes itself, nor its like). So a rule whose two sides match the same alerts mutes
nothing; two rules each muting what the other's source is can leave both silent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.compile.matchers import Matcher
from monogen.lint.checks._alertmanager_shape import _data
from monogen.lint.checks._matcher_logic import (
    fixed_value,
    implies_all,
    matcher_sets,
    satisfiable,
)
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile


class _Rule:
    def __init__(self, index: int, rule: dict[str, Any]) -> None:
        self.index = index
        self.source = matcher_sets(rule, "source_")
        self.target = matcher_sets(rule, "target_")
        equal = rule.get("equal")
        self.equal = [str(e) for e in equal] if isinstance(equal, list) else []

    @property
    def valid(self) -> bool:
        return self.source is not None and self.target is not None

    @property
    def dead(self) -> bool:
        """Both sides match exactly the same alerts: every target matches the source, so
        only sources that miss the target could mute it, and there are none."""
        assert self.source is not None and self.target is not None
        return implies_all(self.source, self.target) and implies_all(self.target, self.source)


def _rules(f: LintFile) -> list[_Rule]:
    items = _data(f).get("inhibit_rules")
    found = [
        _Rule(i, rule)
        for i, rule in enumerate(items if isinstance(items, list) else [])
        if isinstance(rule, dict)
    ]
    return [r for r in found if r.valid]


@check(
    "alertmanager/inhibit-self",
    "alertmanager",
    Severity.WARNING,
    "An inhibit rule's source and target do not match the same alerts: Alertmanager never "
    "lets an alert matching both sides mute another that matches both, so it mutes nothing.",
)
def inhibit_self(f: LintFile) -> Iterator[Hit]:
    for rule in _rules(f):
        if rule.source and rule.dead:
            yield Hit(
                "this inhibit rule mutes nothing: every alert its target matches also "
                "matches its source, and Alertmanager does not let alerts that match both "
                "sides mute each other",
                ("inhibit_rules", rule.index),
            )


def _equal_possible(x: list[Matcher], y: list[Matcher], labels: list[str]) -> bool:
    """Can alerts matching x and y agree on every label in `labels`? (A value one side
    fixes must be one the other side admits.)"""
    for name in labels:
        a, b = fixed_value(x, name), fixed_value(y, name)
        if a is not None and not satisfiable([*y, (name, "=", a)]):
            return False
        if b is not None and not satisfiable([*x, (name, "=", b)]):
            return False
    return True


def _helper(matchers: list[Matcher]) -> bool:
    """An alert that exists to mute (kube-prometheus' InfoInhibitor, `severity=none`): it
    is meant to be silenced in turn, so rules muting it back are by design."""
    alertname = (fixed_value(matchers, "alertname") or "").lower()
    return alertname in HELPERS or fixed_value(matchers, "severity") == "none"


HELPERS = {"infoinhibitor", "watchdog", "deadmansswitch", "deadmanswitch"}


def _mutes(rule: _Rule, source: list[Matcher], target: list[Matcher]) -> bool:
    """Can an alert `source` describes mute one `target` describes under `rule`, the
    two-sided exception included (sure only of what the matchers fix)?"""
    assert rule.source is not None and rule.target is not None
    target_is_source = implies_all(target, rule.source)
    source_is_target = implies_all(source, rule.target)
    return not (target_is_source and source_is_target)


@check(
    "alertmanager/inhibit-mutual",
    "alertmanager",
    Severity.WARNING,
    "No two inhibit rules mute each other's sources: alerts matching the first rule's "
    "source and the second's target, and the other way round, with `equal` labels that "
    "can agree, would silence each other and nobody is told.",
)
def inhibit_mutual(f: LintFile) -> Iterator[Hit]:
    found = [r for r in _rules(f) if r.source and r.target and not r.dead]
    for j, second in enumerate(found):
        for first in found[:j]:
            assert first.source is not None and first.target is not None
            assert second.source is not None and second.target is not None
            x = first.source + second.target  # mutes through first, muted through second
            y = first.target + second.source
            if not (satisfiable(x) and satisfiable(y)) or _helper(x) or _helper(y):
                continue
            if not _equal_possible(x, y, sorted(set(first.equal) | set(second.equal))):
                continue
            if _mutes(first, x, y) and _mutes(second, y, x):
                yield Hit(
                    f"inhibit rules {first.index} and {second.index} mute each other: an "
                    f"alert matching rule {first.index}'s source and this rule's target, and "
                    "one matching the reverse, silence each other",
                    ("inhibit_rules", second.index),
                )
