"""Rollout gates: each alert's question asked of the variant a rollout controller is
analysing (Argo Rollouts, Flagger), from the build model alone.

A gate is an alert (one name, one severity, one set of labels) as a query that returns one
value: the alert's judged value (`AlertIntent.series`) for the variant under analysis,
aggregated to its worst value (the lowest when low is bad, the highest when high is), and
the alert's threshold and direction as the condition. Kinds say whether their alerts can
be gates (`Kind.gates`); nothing here knows one kind from another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from monogen.compile import naming
from monogen.compile.promql import number, quote
from monogen.model.rules import AlertingRule, RuleFile
from monogen.spec.quantities import parse_duration
from monogen.spec.validate import ExperimentDoc


@dataclass(frozen=True)
class Gate:
    name: str  # unique in its experiment: a metric name, a MetricTemplate name suffix
    alert: str
    severity: str
    series: tuple[str, ...]  # the judged values of its rules (several: one per treatment)
    direction: str  # below | above: the alert fires while the value is past the threshold
    threshold: float
    for_: str
    variant_label: str | None  # the label selecting the variant; None: experiment-wide

    @property
    def failing(self) -> str:
        """The comparison that fails a measurement, as the alert's: `<` or `>`."""
        return "<" if self.direction == "below" else ">"

    def query(self, variant_ref: str) -> str:
        """One value: the worst of the judged values, for the variant `variant_ref` names
        (template text of the controller, substituted by a value from `variant_value`).
        Spec text in it cannot become a template action (see `template_text`)."""
        values = (
            " or ".join(f"({s})" for s in self.series) if len(self.series) > 1 else self.series[0]
        )
        inner = template_text(values)
        if self.variant_label is not None:
            v = self.variant_label
            pick = f'label_replace(vector(1), "{v}", "{variant_ref}", "", "")'
            inner = f"({inner}) and on({v}) {pick}"
        return f"{'min' if self.direction == 'below' else 'max'}({inner})"

    def measurements(self, interval: str) -> int:
        """Failed measurements, `interval` apart, that span the alert's `for`: the alert
        fires once its condition has held that long, so one more failure fails the gate."""
        return math.ceil(parse_duration(self.for_) / parse_duration(interval))


def variant_value(variant: str) -> str:
    """What a controller substitutes for the variant reference: the variant's name as the
    body of a PromQL string in label_replace's replacement (`$` doubled), written as
    template text (Flagger collapses runs of spaces in the query it renders)."""
    return template_text(quote(variant.replace("$", "$$")))[1:-1]


def canary_variant(exp: ExperimentDoc) -> str:
    """The variant a rollout analyses unless told otherwise: the first treatment."""
    variants = exp.spec.spec.variants
    return next((v.name for v in variants if v.role == "treatment"), variants[-1].name)


def template_text(promql: str) -> str:
    """`promql` written so that a controller's template engine passes it through as it is:
    inside its string literals every brace (Argo Rollouts' `{{args.x}}` and Flagger's Go
    templates start at `{{`) and every space next to another (Flagger collapses runs of
    whitespace in a query) becomes a `\\xNN` escape, which PromQL reads back as the same
    character. Outside string literals monogen's PromQL has neither (selectors do not
    nest, and it writes single spaces)."""
    out: list[str] = []
    in_string, i = False, 0
    while i < len(promql):
        ch = promql[i]
        if in_string and ch == "\\":
            out.append(promql[i : i + 2])
            i += 2
            continue
        if in_string and ch == '"':
            in_string = False
        elif in_string and (
            ch in "{}" or (ch == " " and " " in (promql[i - 1], promql[i + 1 : i + 2]))
        ):
            ch = f"\\x{ord(ch):02x}"
        elif ch == '"':
            in_string = True
        out.append(ch)
        i += 1
    text = "".join(out)
    if "{{" in text or "}}" in text or "  " in text:
        raise ValueError(f"cannot write {promql!r} as template text")
    return text


def gates(exp: ExperimentDoc, rules: RuleFile, severities: Iterable[str]) -> list[Gate]:
    """The experiment's gates, in the order of its alerts: every alert whose kind gates,
    of the given severities, its rules of several treatments joined into one gate."""
    wanted = set(severities)
    spec = exp.spec.spec
    variant_label = spec.variant_label
    groups: dict[tuple, list[AlertingRule]] = {}
    for rule in rules.alerts:
        intent = rule.intent
        if intent is None or not intent.rail.kind.gates(intent.rail):
            continue
        if rule.labels.get("severity") not in wanted:
            continue
        rest = tuple(sorted((k, v) for k, v in rule.labels.items() if k != variant_label))
        groups.setdefault((rule.alert, rest), []).append(rule)
    telling = {alert: _telling([dict(r) for a, r in groups if a == alert]) for alert, _ in groups}
    found, names = [], set()
    for (alert, rest), members in groups.items():
        labels = dict(rest)
        parts = [labels.get(k, "") for k in telling[alert]]
        name = naming.gate_name(alert, parts, labels["severity"])
        while name in names:
            name = naming.gate_name(alert, [*parts, str(len(names))], labels["severity"])
        names.add(name)
        first = members[0].intent
        assert first is not None
        found.append(
            Gate(
                name=name,
                alert=alert,
                severity=labels["severity"],
                series=tuple(r.intent.series for r in members if r.intent is not None),
                direction=first.direction,
                threshold=first.threshold,
                for_=members[0].for_ or "0s",
                variant_label=variant_label if first.per_variant else None,
            )
        )
    return found


def _telling(labels: list[dict[str, str]]) -> list[str]:
    """The fewest label keys (beside severity) that tell an alert's gates apart, e.g. an
    SLO's burn window or a comparison's metric: dropped one at a time while they still do."""
    keys = sorted({k for one in labels for k in one if k != "severity"})
    keys = [k for k in keys if len({one.get(k) for one in labels}) > 1]

    def distinct(kept: list[str]) -> bool:
        seen = {tuple(one.get(k) for k in [*kept, "severity"]) for one in labels}
        return len(seen) == len(labels)

    for key in list(keys):
        if distinct([k for k in keys if k != key]):
            keys.remove(key)
    return keys


def condition(gate: Gate) -> str:
    """Argo Rollouts' failure condition: the alert's comparison on the one value."""
    return f"result[0] {gate.failing} {number(gate.threshold)}"
