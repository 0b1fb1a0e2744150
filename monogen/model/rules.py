"""Prometheus rule files as values: groups of recording and alerting rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monogen.compile.gotemplate import literal
from monogen.model.text import AlertText


@dataclass(frozen=True)
class RecordingRule:
    record: str
    expr: str
    labels: dict[str, str] = field(default_factory=dict)
    # What the series holds, e.g. ("quantile", "0.95"), kept for tests: not rendered.
    meaning: tuple[str, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"record": self.record, "expr": self.expr}
        if self.labels:
            out["labels"] = dict(sorted(self.labels.items()))
        return out


@dataclass(frozen=True)
class AlertingRule:
    alert: str
    expr: str
    for_: str
    labels: dict[str, str]
    annotations: dict[str, AlertText]  # rendered by the rule file's language
    # What the rule judges, kept for tests and coverage: not rendered.
    intent: AlertIntent | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"alert": self.alert, "expr": self.expr}
        if self.for_ and self.for_ != "0s":
            out["for"] = self.for_
        # Prometheus expands templates in alert labels: values are text, never actions.
        out["labels"] = {k: literal(v) for k, v in sorted(self.labels.items())}
        out["annotations"] = {k: v.go_template() for k, v in self.annotations.items()}
        return out


@dataclass(frozen=True)
class AlertIntent:
    """The meaning behind an alert expression: series compared, direction and threshold.

    `series` is the judged value as a PromQL vector, without the comparison: one series
    per variant carrying the variant label (when the experiment's series carry one and
    `per_variant`), or the experiment's value. The alert fires while it is past the
    threshold in `direction` for the rule's `for`; rollout gates ask the same question."""

    rail: Any  # the guardrail it was compiled from (a monogen.kinds.base.Guardrail)
    series: str  # the judged value (see above)
    direction: str  # below | above
    threshold: float
    variants: tuple[str, ...]  # limited to these variants; empty: all
    per_variant: bool = True  # False: the alert carries no variant label (e.g. server down)


@dataclass(frozen=True)
class RuleGroup:
    name: str
    rules: tuple[RecordingRule | AlertingRule, ...]
    interval: str | None = None

    def to_dict(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """The group; `options` are a ruler's own group fields, written before the rules."""
        out: dict[str, Any] = {"name": self.name}
        if self.interval:
            out["interval"] = self.interval
        out.update(options or {})
        out["rules"] = [r.to_dict() for r in self.rules]
        return out


@dataclass(frozen=True)
class RuleFile:
    experiment: str
    source: str
    namespace: str
    team: str
    k8s_labels: dict[str, str]
    groups: tuple[RuleGroup, ...]

    def to_dict(self, options: dict[str, Any] | None = None) -> dict[str, Any]:
        """The rule file; `options` go into every group (a ruler's own group fields)."""
        return {"groups": [g.to_dict(options) for g in self.groups]}

    @property
    def alerts(self) -> list[AlertingRule]:
        return [r for g in self.groups for r in g.rules if isinstance(r, AlertingRule)]

    @property
    def records(self) -> list[RecordingRule]:
        return [r for g in self.groups for r in g.rules if isinstance(r, RecordingRule)]
