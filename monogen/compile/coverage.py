"""Route coverage: where every generated alert goes, proved before anything is written.

monogen knows each alert it generates and its labels, so it walks the compiled route tree
for each (alert, severity, variant) and refuses a config in which an alert would reach only
the root's catch-all receiver, or a receiver of another team.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from monogen.compile.alertmanager import UNROUTED
from monogen.model.alertmanager import AlertmanagerConfig
from monogen.model.rules import RuleFile
from monogen.spec.errors import SpecError
from monogen.spec.validate import ExperimentDoc


@dataclass(frozen=True, order=True)
class RouteRow:
    experiment: str
    alert: str
    severity: str
    variant: str
    labels: tuple[tuple[str, str], ...]
    receivers: tuple[str, ...]
    problem: str = ""


def alert_label_sets(rules: RuleFile, exp: ExperimentDoc) -> list[tuple[str, dict[str, str]]]:
    """(variant, labels) for every alert instance the rules can raise."""
    spec = exp.spec.spec
    variant_label = spec.variant_label
    found = []
    for rule in rules.alerts:
        base = {"alertname": rule.alert, **rule.labels}
        intent = rule.intent
        if intent is not None and not intent.per_variant:
            found.append(("", base))
            continue
        if variant_label is None:
            found.append((spec.variants[0].name, base))
            continue
        names = (intent.variants if intent else ()) or tuple(v.name for v in spec.variants)
        for name in names:
            found.append((name, {**base, variant_label: name}))
    return found


def route_table(
    config: AlertmanagerConfig,
    rule_files: dict[str, RuleFile],
    experiments: tuple[ExperimentDoc, ...],
) -> list[RouteRow]:
    rows = []
    # Alerts that agree on the labels the matchers look at go the same way: walk once each.
    deciding = sorted(config.route.label_names())
    walked: dict[tuple[str, ...], tuple[str, ...]] = {}
    for exp in experiments:
        team = exp.spec.metadata.team
        for variant, labels in alert_label_sets(rule_files[exp.name], exp):
            key = tuple(labels.get(name, "") for name in deciding)
            receivers = walked.get(key)
            if receivers is None:
                receivers = walked[key] = tuple(config.route.walk(labels))
            foreign = [r for r in receivers if config.owners.get(r, team) != team]
            if receivers == (UNROUTED,) or not receivers:
                problem = "reaches no receiver (only the root catch-all)"
            elif foreign:
                problem = f"reaches {', '.join(foreign)}, not a receiver of team {team!r}"
            else:
                problem = ""
            rows.append(
                RouteRow(
                    exp.name,
                    labels["alertname"],
                    labels["severity"],
                    variant,
                    tuple(sorted(labels.items())),
                    receivers,
                    problem,
                )
            )
    return sorted(rows)


def coverage_errors(
    rows: list[RouteRow], experiments: tuple[ExperimentDoc, ...], teams: set[str]
) -> list[SpecError]:
    by_name = {e.name: e for e in experiments}
    errors = []
    for exp in experiments:  # a team without routing: one error, not one per alert
        team = exp.spec.metadata.team
        if team not in teams and any(r.problem and r.experiment == exp.name for r in rows):
            close = difflib.get_close_matches(team, sorted(teams), n=1)
            errors.append(
                SpecError(
                    exp.doc.where(("metadata", "team")),
                    f"team {team!r} has no Alerting spec: none of this experiment's alerts "
                    "would reach a receiver",
                    "metadata.team",
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"add an Alerting spec for team {team!r} with routes for its alerts",
                )
            )
    for row in rows:
        exp = by_name[row.experiment]
        team = exp.spec.metadata.team
        if not row.problem or team not in teams:
            continue
        variant = f", variant {row.variant}" if row.variant else ""
        hint = (
            f"add a route for severity={row.severity} to the Alerting spec of team "
            f"{team!r}, or a catch-all route without matchers"
        )
        errors.append(
            SpecError(
                exp.doc.where(("metadata", "team")),
                f"alert {row.alert} ({row.severity}{variant}) {row.problem}",
                "metadata.team",
                hint,
            )
        )
    return errors


def format_table(rows: list[RouteRow], notes: dict[RouteRow, str] | None = None) -> str:
    """The route table; `notes` adds a word after an alert's receivers (when it is
    delivered: compile/delivery.py)."""
    header = ("EXPERIMENT", "ALERT", "SEVERITY", "VARIANT", "RECEIVERS")
    notes = notes or {}
    body = [
        (
            r.experiment,
            r.alert,
            r.severity,
            r.variant or "-",
            ", ".join(r.receivers) + notes.get(r, "") + (f"  !! {r.problem}" if r.problem else ""),
        )
        for r in rows
    ]
    widths = [max(len(x[i]) for x in [header, *body]) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 4 else cell for i, cell in enumerate(line)).rstrip()
        for line in [header, *body]
    ]
    return "\n".join(lines) + "\n"
