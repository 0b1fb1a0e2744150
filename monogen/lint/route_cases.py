"""Routing tests for any Alertmanager config: `monogen routes --config alertmanager.yaml
--test cases.yaml`. A case gives an alert's labels and the receivers it must reach, in
the order Alertmanager notifies them (what `amtool config routes test` prints); it may
also give a moment (`at`) and alerts firing beside it (`firing`), and whether the alert
is then `delivered` (its routes' mute and active time intervals, and inhibition). Routes
no case reaches are reported too (route coverage). Results are lint findings, so every
lint output format carries them.

    tests:
      - labels: {severity: critical, team: mlops}
        receivers: [pager]
      - labels: {severity: warning, team: mlops}
        receivers: [chat]
        at: 2026-12-05T03:00:00Z
        firing: [{severity: critical, team: mlops}]
        delivered: false
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monogen.compile.inhibition import mutes
from monogen.compile.matchers import Matcher, matches, parse_matchers
from monogen.lint.finding import Finding, Severity
from monogen.model.alertmanager import InhibitRule
from monogen.spec.errors import Position, SpecError, SpecErrors, fail
from monogen.spec.loader import Document, PathKey, load_text
from monogen.spec.time_intervals import Interval, holds

CHECKS = {
    "routes/case": (Severity.ERROR, "A routing test case reaches the receivers it expects."),
    "routes/delivery": (
        Severity.ERROR,
        "A routing test case is delivered (or not) at its moment as it expects.",
    ),
    "routes/uncovered": (Severity.WARNING, "Every route is reached by some test case."),
}


@dataclass
class Node:
    path: PathKey
    receiver: str
    matchers: tuple[Matcher, ...]
    continue_: bool
    mute: tuple[str, ...]
    active: tuple[str, ...]
    routes: list[Node] = field(default_factory=list)

    def walk(self, labels: dict[str, str], reached: set[PathKey]) -> list[Node]:
        """The routes that take an alert, as Alertmanager's dispatch matches them."""
        reached.add(self.path)
        found: list[Node] = []
        for child in self.routes:
            if all(matches(m, labels) for m in child.matchers):
                found += child.walk(labels, reached)
                if not child.continue_:
                    break
        return found or [self]


def _matchers(raw: dict[str, Any], prefix: str = "") -> tuple[Matcher, ...]:
    found: list[Matcher] = []
    for k, v in (raw.get(f"{prefix}match") or {}).items():
        found.append((str(k), "=", str(v)))
    for k, v in (raw.get(f"{prefix}match_re") or {}).items():
        found.append((str(k), "=~", str(v)))
    for text in raw.get(f"{prefix}matchers") or []:
        found += parse_matchers(str(text))
    return tuple(found)


def _route(raw: dict[str, Any], path: PathKey, inherited: str) -> Node:
    receiver = str(raw.get("receiver") or inherited)
    node = Node(
        path,
        receiver,
        _matchers(raw),
        bool(raw.get("continue")),
        tuple(raw.get("mute_time_intervals") or ()),
        tuple(raw.get("active_time_intervals") or ()),
    )
    for i, child in enumerate(raw.get("routes") or []):
        node.routes.append(_route(child, (*path, "routes", i), receiver))
    return node


@dataclass
class Config:
    doc: Document
    root: Node
    intervals: dict[str, list[Interval]]
    inhibit: tuple[InhibitRule, ...]


def load_config(path: Path) -> Config:
    """A hand-written Alertmanager config, read for routing (check it with `monogen lint`
    or amtool first: a config they refuse is refused here, without detail)."""
    (doc,) = _documents(path, "an Alertmanager config")
    data = doc.data
    try:
        root = _route(data["route"], ("route",), "")
        intervals = {
            str(t["name"]): [Interval.of_config(i) for i in t.get("time_intervals") or []]
            for key in ("time_intervals", "mute_time_intervals")
            for t in data.get(key) or []
        }
        inhibit = tuple(
            InhibitRule(
                _matchers(r, "source_"), _matchers(r, "target_"), tuple(r.get("equal") or ())
            )
            for r in data.get("inhibit_rules") or []
        )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise fail(
            Position(str(path)),
            f"not an Alertmanager config monogen can route: {exc}",
            hint="`monogen lint` (or amtool check-config) says what is wrong with it",
        ) from None
    return Config(doc, root, intervals, inhibit)


def _documents(path: Path, what: str) -> list[Document]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(Position(str(path)), f"cannot read {what}: {exc}") from None
    docs = load_text(text, str(path), lenient=True)
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise fail(Position(str(path)), f"expected one YAML mapping: {what}")
    return docs


@dataclass
class Case:
    where: Position
    labels: dict[str, str]
    receivers: list[str] | None
    at: datetime.datetime | None
    firing: list[dict[str, str]]
    delivered: bool | None


def _labels(value: Any, where: Position) -> dict[str, str]:
    if not isinstance(value, dict):
        raise SpecErrors([SpecError(where, "expected labels: a mapping of name to value")])
    return {str(k): str(v) for k, v in value.items()}


def load_cases(path: Path) -> list[Case]:
    (doc,) = _documents(path, "routing test cases (`tests:` a list)")
    raw = doc.data.get("tests")
    if not isinstance(raw, list) or not raw:
        raise fail(doc.where(("tests",)), "expected `tests:`, a list of cases")
    cases, errors = [], []
    for i, item in enumerate(raw):
        where = doc.where(("tests", i))
        try:
            if not isinstance(item, dict) or "labels" not in item:
                raise SpecErrors([SpecError(where, "a case needs `labels`")])
            unknown = set(item) - {"labels", "receivers", "at", "firing", "delivered"}
            if unknown:
                raise SpecErrors([SpecError(where, f"unknown keys: {', '.join(sorted(unknown))}")])
            at = item.get("at")
            if at is not None and not isinstance(at, datetime.datetime):
                at = datetime.datetime.fromisoformat(str(at).replace("Z", "+00:00"))
            receivers = item.get("receivers")
            cases.append(
                Case(
                    where,
                    _labels(item["labels"], doc.where(("tests", i, "labels"))),
                    None if receivers is None else [str(r) for r in receivers],
                    at,
                    [_labels(f, where) for f in item.get("firing") or []],
                    item.get("delivered"),
                )
            )
        except SpecErrors as exc:
            errors += exc.errors
        except ValueError as exc:
            errors.append(SpecError(doc.where(("tests", i, "at")), f"not a moment: {exc}"))
    if errors:
        raise SpecErrors(errors)
    return cases


def _delivered(config: Config, case: Case, nodes: list[Node]) -> bool:
    """Whether Alertmanager notifies anyone: a route muted (or outside its active
    intervals) at `at` notifies nobody; an alert muted by a firing one is not sent."""
    if any(mutes(rule, f, case.labels) for rule in config.inhibit for f in case.firing):
        return False
    if case.at is None:
        return True
    for node in nodes:
        muted = any(holds(config.intervals.get(n, []), case.at) for n in node.mute)
        inactive = bool(node.active) and not any(
            holds(config.intervals.get(n, []), case.at) for n in node.active
        )
        if not muted and not inactive:
            return True
    return False


def run(config: Config, cases: list[Case]) -> list[Finding]:
    findings: list[Finding] = []
    reached: set[PathKey] = set()

    def finding(where: Position, check: str, message: str) -> None:
        findings.append(
            Finding(where.file, where.line, where.column, check, CHECKS[check][0], message)
        )

    for case in cases:
        nodes = config.root.walk(case.labels, reached)
        got = [n.receiver for n in nodes]
        if case.receivers is not None and got != case.receivers:
            finding(
                case.where,
                "routes/case",
                f"expected receivers {','.join(case.receivers)}; Alertmanager routes the "
                f"alert to {','.join(got)}",
            )
        delivered = _delivered(config, case, nodes)
        if case.delivered is not None and delivered != case.delivered:
            said = "delivered" if delivered else "not delivered (muted, inactive or inhibited)"
            finding(case.where, "routes/delivery", f"expected delivered: {case.delivered}; {said}")

    def uncovered(node: Node) -> None:
        for child in node.routes:
            if child.path not in reached:
                where = config.doc.where(child.path)
                finding(
                    where, "routes/uncovered", f"no case reaches this route (to {child.receiver})"
                )
            else:
                uncovered(child)

    uncovered(config.root)
    return sorted(findings, key=lambda f: (f.file, f.line, f.column, f.check))
