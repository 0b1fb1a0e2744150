"""A team's own alert name, labels, category and text, per guardrail and level.

Resolved once per guardrail while validating (level > guardrail > experiment's
`alertDefaults` > project's `alertDefaults` > the kind's own), with every placeholder
checked against what the kind's alerts can show; then applied to each compiled rule of
that severity, the placeholders filled with the kind's parts (the value through the
unit's template function, the threshold in its unit, the variant's label ...)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from monogen.compile import naming
from monogen.compile.scope import RuleContext
from monogen.kinds.base import SEVERITIES, Guardrail, Kind, RailContext
from monogen.model.rules import AlertingRule
from monogen.model.text import AlertText
from monogen.spec.alert_text import COMMON, PER_VARIANT, Slot, SpecText, parse, unknown_slots
from monogen.spec.loader import PathKey


@dataclass(frozen=True)
class LevelIdentity:
    """What alerts of one severity are called and say; None: the kind's own."""

    alert: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    category: str | None = None
    summary: SpecText | None = None
    description: SpecText | None = None
    alert_at: PathKey | None = None  # where the spec names the alert


def placeholders(kind: Kind) -> tuple[str, ...]:
    """The placeholders alerts of `kind` can show."""
    return (*COMMON, *(PER_VARIANT if kind.per_variant else ()), *kind.placeholders)


def resolve(
    kind: Kind, spec: Any, ctx: RailContext, path: PathKey, severities: Sequence[str] = SEVERITIES
) -> dict[str, LevelIdentity]:
    """The identity of each severity of the guardrail written at `path` (`spec` and its
    levels), from the most specific setting to the least; errors are recorded in `ctx`."""
    layers: list[tuple[PathKey | None, Any]] = [(path, spec), *ctx.alert_defaults]
    found: dict[str, LevelIdentity] = {}
    allowed = placeholders(kind)
    for severity in severities:
        level = getattr(spec, severity, None)
        chain = [((*path, severity), level), *layers] if hasattr(level, "labels") else layers
        labels: dict[str, str] = {}
        for _, written in reversed(chain):
            labels.update(getattr(written, "labels", None) or {})
        for label in labels:
            if label == ctx.variant_label or label in {m[0] for m in ctx.selector}:
                at = next(a for a, w in chain if label in (getattr(w, "labels", None) or {}))
                ctx.err(
                    (*(at or path), "labels", label),
                    f"label {label!r} is the variant label or set by the experiment's selector",
                    "alert labels add to the series' own; choose another name",
                )
        texts = {}
        for key in ("summary", "description"):
            texts[key] = _text(chain, key, allowed, kind, path, ctx)
        found[severity] = LevelIdentity(
            alert=_first(chain, "alert"),
            alert_at=next(((*a, "alert") for a, w in chain if getattr(w, "alert", None)), None),
            labels=labels,
            category=_first(chain, "category"),
            **texts,
        )
    return found


def _first(chain: list[tuple[PathKey | None, Any]], key: str) -> Any:
    return next((getattr(w, key) for _, w in chain if getattr(w, key, None)), None)


def _text(
    chain: list[tuple[PathKey | None, Any]],
    key: str,
    allowed: tuple[str, ...],
    kind: Kind,
    path: PathKey,
    ctx: RailContext,
) -> SpecText | None:
    for at, written in chain:
        annotations = getattr(written, "annotations", None)
        text = getattr(annotations, key, None) if annotations else None
        if text is None:
            continue
        parsed = parse(text)
        for message, hint in unknown_slots(parsed, allowed):
            where = (*at, "annotations", key) if at is not None else path
            whose = "" if at is not None else " (the project's alertDefaults)"
            ctx.err(where, f"{message}{whose}: {kind.key} alerts have none", hint)
        return parsed
    return None


def apply(rule: AlertingRule, rail: Guardrail, ctx: RuleContext) -> AlertingRule:
    """`rule` with the name, labels, category and text its guardrail's level sets."""
    own = rail.text.get(rule.labels.get("severity", ""))
    if own is None:
        return rule
    alert = own.alert or rule.alert
    labels = {**own.labels, **rule.labels}
    if own.category:
        labels["category"] = own.category
    annotations = dict(rule.annotations)
    if own.summary or own.description:
        values = _values(rule, rail, ctx, alert, labels)
        for key in ("summary", "description"):
            text = getattr(own, key)
            if text is not None:
                annotations[key] = AlertText.of(
                    *(values[p.name] if isinstance(p, Slot) else p for p in text)
                )
    if alert != rule.alert and rail.runbook_url is None:
        base = ctx.runbook_base.rstrip("/")
        annotations["runbook_url"] = AlertText.of(f"{base}/{naming.runbook_anchor(alert)}")
    return replace(rule, alert=alert, labels=labels, annotations=annotations)


def _values(
    rule: AlertingRule, rail: Guardrail, ctx: RuleContext, alert: str, labels: dict[str, str]
) -> dict[str, AlertText]:
    scope = ctx.scope
    return {
        "experiment": AlertText.of(scope.experiment),
        "team": AlertText.of(scope.team),
        "alert": AlertText.of(alert),
        "severity": AlertText.of(labels["severity"]),
        "category": AlertText.of(labels["category"]),
        "for": AlertText.of(rule.for_ or "0s"),
        "variant": AlertText.of(scope.variant_ref),
        **rail.kind.text_values(rail, rule),
    }


def check_alert_names(rails: Sequence[Guardrail], doc: Any, err: Any) -> None:
    """An alert name belongs to one guardrail of the experiment: two guardrails raising
    one name would read as one alert (one rollout gate, one runbook, one inhibition)."""
    owners: dict[str, tuple[object, PathKey]] = {}
    for rail in rails:
        for level in rail.levels:
            own = rail.text.get(level.severity)
            name = rail.alert_of(level.severity)
            named = (own.alert_at if own else None) or rail.at
            # a kind's own name is shared by its guardrails (told apart by labels: a
            # comparison's metric, an SLO's name); a name the team gives is one guardrail's
            owner = rail.at if own and own.alert_at else rail.kind.key
            first = owners.setdefault(name, (owner, named))
            if first[0] != owner:
                err(
                    named,
                    f"alert name {name!r} is taken by another guardrail of the experiment",
                    f"first at {doc.where(first[1])}; give each guardrail names of its own",
                )
