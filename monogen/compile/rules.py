"""Experiment → Prometheus recording and alerting rules.

Recording rules aggregate each experiment's raw series per variant and stamp an `experiment`
label, so experiments that share metric names never mix. Alerts come from the guardrail
kinds: each guardrail compiles its own, reading the recorded series or the gauges.
"""

from __future__ import annotations

from monogen.compile import naming
from monogen.compile.matchers import of_selector
from monogen.compile.scope import DEFAULT_VARIANT_LABEL, Records, RuleContext, Scope
from monogen.kinds import identity
from monogen.model.rules import RuleFile, RuleGroup
from monogen.spec.validate import ExperimentDoc


def scope_of(exp: ExperimentDoc) -> Scope:
    spec = exp.spec.spec
    return Scope(
        experiment=exp.name,
        team=exp.spec.metadata.team,
        variant_label=spec.variant_label or DEFAULT_VARIANT_LABEL,
        in_metrics=spec.variant_label is not None,
        variants=tuple(v.name for v in spec.variants),
        selector=tuple(of_selector(spec.selector)),
        window=spec.rate_window,
        namespace=exp.spec.metadata.namespace,
    )


def recorded_series(exp: ExperimentDoc) -> Records:
    """The recording rules of an experiment and the names other targets read them by."""
    records = Records(scope_of(exp))
    quantiles = {q for rail in exp.guardrails for q in rail.kind.quantiles(rail)}
    metrics = exp.spec.spec.metrics
    records.build(metrics, quantiles)
    for rail in exp.guardrails:
        rail.kind.records(rail, records, metrics)
    return records


def rule_context(exp: ExperimentDoc, records: Records) -> RuleContext:
    spec = exp.spec.spec
    return RuleContext(
        records.scope,
        records,
        spec.metrics,
        tuple(spec.variants),
        spec.runbook_url,
        spec.grafana_url,
    )


def compile_rules(exp: ExperimentDoc) -> RuleFile:
    spec = exp.spec.spec
    records = recorded_series(exp)
    ctx = rule_context(exp, records)
    alerts = [
        identity.apply(rule, rail, ctx) for rail in exp.guardrails
        for rule in rail.kind.alerts(rail, ctx)
    ]  # fmt: skip
    groups = []
    if records.rules:
        groups.append(
            RuleGroup(
                naming.group_name(exp.name, "recording"),
                tuple(records.rules),
                spec.evaluation_interval,
            )
        )
    if alerts:
        groups.append(
            RuleGroup(
                naming.group_name(exp.name, "alerts"), tuple(alerts), spec.evaluation_interval
            )
        )
    meta = exp.spec.metadata
    return RuleFile(
        exp.name, exp.source, meta.namespace, meta.team, dict(meta.labels), tuple(groups)
    )
