"""Inhibition as a graph, judged on every alert monogen generates: which alert silences
which, as Alertmanager decides it. Refused: alerts that silence each other (directly or
round a cycle), so that when they fire together none is delivered; and an alert of lower
severity silencing a critical one, so a warning can keep a page from arriving.

Alertmanager's rule, read from its inhibit.go: a target is muted while a source alert
fires that matches the source matchers and agrees on every `equal` label (a label both
lack agrees); a source that itself matches the target matchers cannot mute a target that
itself matches the source matchers, so a rule never lets two alerts of one kind mute each
other, nor an alert itself."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from monogen.compile.coverage import RouteRow
from monogen.compile.matchers import Matcher, matches
from monogen.model.alertmanager import InhibitRule
from monogen.spec.errors import SpecError, dotted
from monogen.spec.validate import AlertingDoc

RANK = {"critical": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Muting:
    source: RouteRow
    target: RouteRow
    rule: InhibitRule


def _all(matchers: tuple[Matcher, ...], labels: dict[str, str]) -> bool:
    return all(matches(m, labels) for m in matchers)


def mutes(rule: InhibitRule, source: dict[str, str], target: dict[str, str]) -> bool:
    """Whether a firing alert labelled `source` mutes one labelled `target` by `rule`
    (`mutings` applies the same conditions to many alerts at once)."""
    if source == target or not (_all(rule.source, source) and _all(rule.target, target)):
        return False
    if any(source.get(n, "") != target.get(n, "") for n in rule.equal):
        return False
    return not (_all(rule.source, target) and _all(rule.target, source))


def mutings(rules: tuple[InhibitRule, ...], rows: list[RouteRow]) -> list[Muting]:
    """Every (source, target) pair of generated alerts that a rule mutes."""
    labelled = [(row, dict(row.labels)) for row in rows]
    found = []
    for rule in rules:
        sources = [(r, lab) for r, lab in labelled if _all(rule.source, lab)]
        if not sources:
            continue
        by_equal: dict[tuple[str, ...], list[tuple[RouteRow, dict[str, str]]]] = defaultdict(list)
        for row, lab in sources:
            by_equal[tuple(lab.get(name, "") for name in rule.equal)].append((row, lab))
        for target, lab in labelled:
            if not _all(rule.target, lab):
                continue
            two_sided_target = _all(rule.source, lab)
            for source, source_lab in by_equal.get(tuple(lab.get(n, "") for n in rule.equal), []):
                if source is target or (two_sided_target and _all(rule.target, source_lab)):
                    continue
                found.append(Muting(source, target, rule))
    return found


def _cycles(edges: dict[RouteRow, set[RouteRow]]) -> list[list[RouteRow]]:
    """Strongly connected groups of more than one alert (iterative Tarjan)."""
    index: dict[RouteRow, int] = {}
    low: dict[RouteRow, int] = {}
    on_stack: set[RouteRow] = set()
    stack: list[RouteRow] = []
    groups = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    group.append(top)
                    if top == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _name(row: RouteRow) -> str:
    variant = f", variant {row.variant}" if row.variant else ""
    return f"{row.alert} ({row.severity}{variant}, experiment {row.experiment})"


def _rule_path(doc: AlertingDoc, rule: InhibitRule) -> tuple[str | int, ...]:
    """Where the team wrote `rule`: one of its `inhibit.rules`, else its inhibit settings
    (the critical-silences-warning default, or a guardrail's own inhibition)."""
    from monogen.compile.alertmanager import route_matchers

    for i, own in enumerate(doc.spec.spec.inhibit.rules):
        source = route_matchers(own.source_match, {})
        target = route_matchers(own.target_match, {})
        if (
            set(source) <= set(rule.source)
            and set(target) <= set(rule.target)
            and set(own.equal) == set(rule.equal)
        ):
            return ("spec", "inhibit", "rules", i)
    return ("spec", "inhibit")


def inhibition_errors(
    rules: tuple[InhibitRule, ...], rows: list[RouteRow], alertings: tuple[AlertingDoc, ...]
) -> list[SpecError]:
    teams = {a.spec.metadata.team: a for a in alertings}
    found = mutings(rules, rows)
    errors: list[SpecError] = []
    downward: dict[InhibitRule, list[Muting]] = defaultdict(list)
    for m in found:
        if RANK.get(m.target.severity, 9) < RANK.get(m.source.severity, 9):
            downward[m.rule].append(m)
    for rule, ms in downward.items():
        doc = teams.get(dict(ms[0].target.labels).get("team", ""))
        if doc is None:
            continue
        path = _rule_path(doc, rule)
        if len(path) == 2:
            continue  # monogen's own (a guardrail's): muted alerts cannot fire meanwhile
        more = len({(m.source.alert, m.target.alert) for m in ms}) - 1
        errors.append(
            SpecError(
                doc.doc.where(path),
                f"{_name(ms[0].source)} silences the {ms[0].target.severity} alert "
                f"{_name(ms[0].target)}"
                + (f" (and {more} more pairs)" if more else "")
                + ": a lower severity must never keep a page from arriving",
                dotted(path),
                "make the rule's targetMatch exclude higher severities, e.g. "
                "targetMatch: {severity: warning}",
            )
        )
    edges: dict[RouteRow, set[RouteRow]] = defaultdict(set)
    via: dict[tuple[RouteRow, RouteRow], InhibitRule] = {}
    for m in found:
        edges[m.source].add(m.target)
        edges.setdefault(m.target, set())
        via[(m.source, m.target)] = m.rule
    reported: set[str] = set()
    for group in _cycles(edges):
        doc = teams.get(dict(group[0].labels).get("team", ""))
        if doc is None or doc.spec.metadata.team in reported:
            continue  # one cycle a team says enough: the others share its rules
        reported.add(doc.spec.metadata.team)
        members = set(group)
        used = {r for (a, b), r in via.items() if a in members and b in members}
        paths = sorted({_rule_path(doc, r) for r in used}, key=str)
        path = next((p for p in paths if len(p) > 2), paths[0])
        shown = "; ".join(_name(r) for r in group[:4]) + (" …" if len(group) > 4 else "")
        errors.append(
            SpecError(
                doc.doc.where(path),
                f"alerts silence each other, so when they fire together none is delivered: {shown}",
                dotted(path),
                "inhibition must run one way: remove the rule that silences the more "
                "important alert (criticalInhibitsWarning already silences warnings)",
            )
        )
    return errors
