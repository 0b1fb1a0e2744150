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

from monogen.compile import re2
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


class _Bad(Exception):
    """Part of a config that cannot be routed, at `path` of its document."""

    def __init__(self, path: PathKey, message: str) -> None:
        super().__init__(message)
        self.path = path


def _matchers(raw: dict[str, Any], at: PathKey, prefix: str = "") -> tuple[Matcher, ...]:
    found: list[Matcher] = []
    for key, op in (("match", "="), ("match_re", "=~")):
        values = raw.get(f"{prefix}{key}") or {}
        if not isinstance(values, dict):
            raise _Bad((*at, f"{prefix}{key}"), "expected a mapping of label to value")
        found += [(str(k), op, str(v)) for k, v in values.items()]
    texts = raw.get(f"{prefix}matchers") or []
    if not isinstance(texts, list):
        raise _Bad((*at, f"{prefix}matchers"), "expected a list of matchers")
    for i, text in enumerate(texts):
        try:
            found += parse_matchers(str(text))
        except ValueError as exc:
            raise _Bad((*at, f"{prefix}matchers", i), str(exc)) from None
    for name, op, value in found:
        refused = re2.problem(value) if op in ("=~", "!~") else None
        if refused:
            raise _Bad(at, f"invalid regular expression {value!r} for {name} (RE2): {refused}")
    return tuple(found)


def _route(raw: Any, path: PathKey, inherited: str) -> Node:
    if not isinstance(raw, dict):
        raise _Bad(path, "expected a route: a mapping")
    receiver = str(raw.get("receiver") or inherited)
    children = raw.get("routes") or []
    if not isinstance(children, list):
        raise _Bad((*path, "routes"), "expected a list of routes")
    node = Node(
        path,
        receiver,
        _matchers(raw, path),
        bool(raw.get("continue")),
        tuple(raw.get("mute_time_intervals") or ()),
        tuple(raw.get("active_time_intervals") or ()),
    )
    for i, child in enumerate(children):
        node.routes.append(_route(child, (*path, "routes", i), receiver))
    return node


def _intervals(data: dict[str, Any]) -> dict[str, list[Interval]]:
    import zoneinfo

    found: dict[str, list[Interval]] = {}
    for key in ("time_intervals", "mute_time_intervals"):
        for i, named in enumerate(data.get(key) or []):
            try:
                name = str(named["name"])
                found[name] = [Interval.of_config(raw) for raw in named.get("time_intervals") or []]
            except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
                raise _Bad((key, i), f"a time interval monogen cannot read: {exc}") from None
            for interval in found[name]:
                try:
                    if interval.location:
                        zoneinfo.ZoneInfo(interval.location)
                except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                    # Go's Local is the host's zone, which a test here cannot know either
                    raise _Bad(
                        (key, i), f"a time zone monogen cannot read: {interval.location!r}"
                    ) from None
    return found


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
        if "route" not in data:
            raise _Bad((), "no `route`: not an Alertmanager config")
        root = _route(data["route"], ("route",), "")
        intervals = _intervals(data)
        rules = data.get("inhibit_rules") or []
        inhibit = tuple(
            InhibitRule(
                _matchers(r, ("inhibit_rules", i), "source_"),
                _matchers(r, ("inhibit_rules", i), "target_"),
                tuple(str(e) for e in r.get("equal") or ()),
            )
            for i, r in enumerate(rules if isinstance(rules, list) else [])
            if isinstance(r, dict)
        )
    except _Bad as exc:
        raise fail(
            doc.where(exc.path),
            f"cannot route this config: {exc}",
            hint="`monogen lint` (or amtool check-config) says more of what is wrong",
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
            if receivers is not None and not (
                isinstance(receivers, list) and all(isinstance(r, str) for r in receivers)
            ):
                raise SpecErrors([SpecError(doc.where(("tests", i, "receivers")),
                                            "expected receivers: a list of names")])  # fmt: skip
            firing = item.get("firing") or []
            if not isinstance(firing, list):
                raise SpecErrors([SpecError(doc.where(("tests", i, "firing")),
                                            "expected firing: a list of label sets")])  # fmt: skip
            delivered = item.get("delivered")
            if delivered is not None and not isinstance(delivered, bool):
                raise SpecErrors([SpecError(doc.where(("tests", i, "delivered")),
                                            "expected delivered: true or false")])  # fmt: skip
            cases.append(
                Case(
                    where,
                    _labels(item["labels"], doc.where(("tests", i, "labels"))),
                    receivers,
                    at,
                    [
                        _labels(f, doc.where(("tests", i, "firing", j)))
                        for j, f in enumerate(firing)
                    ],
                    delivered,
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
