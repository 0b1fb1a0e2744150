"""What the generated alerts would have done over the past: each alert's expression (with
recorded series inlined, see inline.py) evaluated over a range at the rule group's interval,
`for` applied, and the firing episodes counted per alert, severity and receiver.

With an older generated tree, only the alerts a change touches: new ones, and those whose
expression, `for` or labels differ from the old tree's rule of the same name and labels."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from monogen.compile import naming
from monogen.model.build import Compiled
from monogen.model.rules import AlertingRule, RuleFile
from monogen.output.tree import read_regular
from monogen.readout.episodes import Episode, episodes
from monogen.readout.inline import DEFAULT_INTERVAL, Inliner
from monogen.readout.prometheus_api import MAX_POINTS, PrometheusApi, ReadoutError, Series
from monogen.spec.quantities import parse_duration

MAX_CHUNKS = 50  # range queries a single alert may take


@dataclass
class AlertRun:
    experiment: str
    alert: str
    severity: str
    labels: dict[str, str]  # the rule's own labels
    expr: str  # the expression as generated
    for_: str
    step: float
    episodes: list[Episode] = field(default_factory=list)
    receivers: dict[tuple, tuple[str, ...]] = field(default_factory=dict)  # labels → receivers

    @property
    def firing_seconds(self) -> float:
        return sum(e.seconds for e in self.episodes)


def rule_key(experiment: str, rule: dict[str, Any]) -> tuple:
    labels = rule.get("labels") or {}
    return (
        experiment,
        rule.get("alert"),
        tuple(sorted((str(k), str(v)) for k, v in labels.items())),
    )


def old_alerts(tree: Path) -> dict[tuple, tuple[str, str]]:
    """(experiment, alert, labels) → (expression, for) of the alerting rules in an older
    generated tree. A rule file that cannot be read (a link, not a regular file, too
    large) is an error, never skipped: its alerts would all count as new."""
    found: dict[tuple, tuple[str, str]] = {}
    folder = tree / naming.rule_file_path("x").rsplit("/", 1)[0]
    # each folder from the tree down to the rule files: none may be a link
    below = folder.relative_to(tree).parts
    for depth in range(len(below) + 1):
        step = tree.joinpath(*below[:depth])
        if step.is_symlink():
            raise ReadoutError(
                f"{step} is a symbolic link: monogen does not follow it",
                "give --against a tree written by `monogen build` (no links)",
            )
    if not tree.is_dir() or not folder.is_dir():
        raise ReadoutError(
            f"{tree} holds no generated rule files ({folder.relative_to(tree)}/)",
            "give --against the output directory of an earlier `monogen build`",
        )
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        raise ReadoutError(f"cannot list {folder}: {exc.strerror}") from None
    for path in paths:
        experiment = _experiment_of(path.name)
        if experiment is None:
            continue
        data = read_regular(path, limit=64 << 20)
        if data is None:
            raise ReadoutError(
                f"{path} is not a regular file of at most 64 MiB: monogen does not read it",
                "give --against a tree written by `monogen build` (no links)",
            )
        try:
            doc = yaml.safe_load(data)
        except (yaml.YAMLError, RecursionError):
            raise ReadoutError(f"{path} is not YAML", "rebuild the older tree") from None
        for rule in _alerting_rules(doc, path):
            found[rule_key(experiment, rule)] = (rule.get("expr"), rule.get("for", ""))
    return found


def _alerting_rules(doc: object, path: Path) -> list[dict[str, Any]]:
    """The alerting rules of a rule file's document; anything not shaped as one (groups
    not a list, a rule not a mapping, labels not a mapping) is said, not guessed at."""
    groups = (doc.get("groups") or []) if isinstance(doc, dict) else (None if doc else [])
    rules = []
    for group in groups if isinstance(groups, list) else [None]:
        listed = (group.get("rules") or []) if isinstance(group, dict) else None
        for rule in listed if isinstance(listed, list) else [None]:
            if isinstance(rule, dict) and "record" in rule and "alert" not in rule:
                continue
            labels = (rule.get("labels") or {}) if isinstance(rule, dict) else None
            if not (isinstance(rule, dict) and isinstance(rule.get("alert"), str)
                    and isinstance(labels, dict)):  # fmt: skip
                raise ReadoutError(
                    f"{path} is not a Prometheus rule file (groups, each with a list of rules)",
                    "give --against the output directory of an earlier `monogen build`",
                )
            rules.append(rule)
    return rules


def _experiment_of(name: str) -> str | None:
    suffix = naming.rule_file_path("x").rsplit("/", 1)[1][1:]
    return name[: -len(suffix)] if name.endswith(suffix) else None


def touched(rules: dict[str, RuleFile], old: dict[tuple, tuple[str, str]]) -> set[tuple]:
    """The keys of alerts new in `rules` or changed since `old`."""
    found = set()
    for experiment, rule_file in rules.items():
        for rule in rule_file.alerts:
            out = rule.to_dict()
            key = rule_key(experiment, out)
            if old.get(key) != (out["expr"], out.get("for", "")):
                found.add(key)
    return found


def interval_of(rule_file: RuleFile, alert: AlertingRule) -> str:
    for group in rule_file.groups:
        if alert in group.rules:
            return group.interval or DEFAULT_INTERVAL
    return DEFAULT_INTERVAL


def run(
    compiled: Compiled,
    api: PrometheusApi,
    start: float,
    end: float,
    only: set[tuple] | None = None,
    experiments: Iterable[str] | None = None,
) -> list[AlertRun]:
    """Every alert (or the keys in `only`) of the experiments, over [start, end]."""
    chosen = set(experiments) if experiments is not None else set(compiled.rules)
    found = []
    for experiment in sorted(chosen):
        rule_file = compiled.rules[experiment]
        inliner = Inliner.of(rule_file)
        for rule in rule_file.alerts:
            out = rule.to_dict()
            if only is not None and rule_key(experiment, out) not in only:
                continue
            step = float(parse_duration(interval_of(rule_file, rule)))
            labels = {"alertname": rule.alert, **rule.labels}  # as Prometheus expands them
            hold = float(parse_duration(rule.for_ or "0s"))
            found_episodes = alert_episodes(
                api, inliner.expand(rule.expr), start, end, step, hold, labels
            )
            result = AlertRun(
                experiment, rule.alert, rule.labels.get("severity", ""), dict(out["labels"]),
                rule.expr, rule.for_, step, found_episodes,
            )  # fmt: skip
            if compiled.alertmanager is not None:
                for episode in result.episodes:
                    if episode.labels not in result.receivers:
                        walked = compiled.alertmanager.route.walk(dict(episode.labels))
                        result.receivers[episode.labels] = tuple(walked)
            found.append(result)
    return found


def alert_episodes(
    api: PrometheusApi, expr: str, start: float, end: float, step: float, hold: float,
    labels: dict[str, str],
) -> list[Episode]:  # fmt: skip
    """An alert's firing within [start, end]: evaluated from `for` before the start (at
    the same steps), so that an alert pending or firing as the range begins is firing
    at its start, as Prometheus had it, not `for` later."""
    lead = math.ceil(hold / step - 1e-9) * step
    series = range_query(api, expr, start - lead, end, step)
    return [
        replace(e, start=max(e.start, start))
        for e in episodes(series, labels, hold, step)
        if e.end >= start - 1e-9
    ]


def range_query(
    api: PrometheusApi, expr: str, start: float, end: float, step: float
) -> list[Series]:
    """A range query in as many pieces as Prometheus' points limit needs, joined again:
    a run of evaluations crossing a piece's edge stays one run."""
    span = (MAX_POINTS - 1) * step
    count = math.floor((end - start) / (span + step)) + 1 if end >= start else 0
    if count > MAX_CHUNKS:  # counted before any piece is made: a range of ages is no list
        raise ReadoutError(
            f"the range needs {count} queries of {MAX_POINTS} steps of {step:g}s each",
            "give a shorter --since or range",
        )
    firsts = [start + i * (span + step) for i in range(count)]
    pieces = [(first, min(end, first + span)) for first in firsts if first <= end]
    joined: dict[tuple, list[tuple[float, float]]] = {}
    for first, last in pieces:
        for s in api.query_range(expr, first, last, step):
            joined.setdefault(s.labels, []).extend(s.points)
    return [Series(labels, tuple(points)) for labels, points in sorted(joined.items())]
