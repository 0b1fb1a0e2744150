"""Experiment → Prometheus recording and alerting rules.

Recording rules aggregate each experiment's raw series per variant and stamp an `experiment`
label, so experiments that share metric names never mix. Alerts on rates, ratios and
quantiles read those recorded series; alerts on gauges read the gauges directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from monogen.compile import naming
from monogen.compile.promql import Matcher, aggregate, equals, number, one_of, selector
from monogen.spec.experiment import Metric
from monogen.spec.families import Family
from monogen.spec.quantities import format_duration
from monogen.spec.validate import AlertLevel, ExperimentDoc, Guardrail
from monogen.targets.rules import (
    AlertingRule,
    AlertIntent,
    RecordingRule,
    RuleFile,
    RuleGroup,
)

DEFAULT_VARIANT_LABEL = "variant"
DASHBOARD_QUANTILES = (0.5, 0.95, 0.99)


@dataclass(frozen=True)
class Scope:
    """How one experiment's queries select and group its series."""

    experiment: str
    team: str
    variant_label: str  # label naming the variant in outputs
    in_metrics: bool  # False: a single variant whose series carry no variant label
    variants: tuple[str, ...]
    selector: dict[str, str]
    window: str

    def matchers(self, metric: Metric, variants: tuple[str, ...] = ()) -> list[Matcher]:
        found = equals(self.selector) + [
            m for m in equals(metric.selector) if m[0] not in self.selector
        ]
        if self.in_metrics:
            found.append(one_of(self.variant_label, variants or self.variants))
        return found

    def grouping(self, *extra: str) -> list[str]:
        return ([self.variant_label] if self.in_metrics else []) + list(extra)

    def recorded(self, name: str, variants: tuple[str, ...] = ()) -> str:
        matchers: list[Matcher] = [("experiment", "=", self.experiment)]
        if variants and self.in_metrics:
            matchers.append(one_of(self.variant_label, variants))
        return selector(name, matchers)

    @property
    def variant_ref(self) -> str:
        """The variant as annotation text. Templates see only the expression's labels, not
        the rule's, so a variant stamped by the rule is written out literally."""
        if self.in_metrics:
            return f"{{{{ $labels.{self.variant_label} }}}}"
        return _template_literal(self.variants[0])

    @property
    def static_labels(self) -> dict[str, str]:
        labels = {"experiment": self.experiment}
        if not self.in_metrics:
            labels[self.variant_label] = self.variants[0]
        return labels


def scope_of(exp: ExperimentDoc) -> Scope:
    spec = exp.spec.spec
    return Scope(
        experiment=exp.name,
        team=exp.spec.metadata.team,
        variant_label=spec.variant_label or DEFAULT_VARIANT_LABEL,
        in_metrics=spec.variant_label is not None,
        variants=tuple(v.name for v in spec.variants),
        selector=dict(spec.selector),
        window=spec.rate_window,
    )


def recorded_series(exp: ExperimentDoc) -> Records:
    """The recording rules of an experiment and the names other targets read them by."""
    records = Records(scope_of(exp))
    records.build(exp)
    return records


def compile_rules(exp: ExperimentDoc) -> RuleFile:
    spec = exp.spec.spec
    records = recorded_series(exp)
    scope = records.scope
    alerts = [rule for rail in exp.guardrails for rule in _alerts(exp, scope, records, rail)]
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


class Records:
    """The recording rules of one experiment, and the names alerts use to read them."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.rules: list[RecordingRule] = []
        self.request_rate: str | None = None
        self.error_ratio: str | None = None
        self.traffic_share: str | None = None
        self.quantiles: dict[float, str] = {}

    def add(self, name: str, expr: str) -> str:
        self.rules.append(RecordingRule(name, expr, self.scope.static_labels))
        return name

    def rate(self, metric: str, matchers: list[Matcher]) -> str:
        return f"rate({selector(metric, matchers)}[{self.scope.window}])"

    def build(self, exp: ExperimentDoc) -> None:
        spec = exp.spec.spec
        m = spec.metrics
        s = self.scope
        rate = naming.window_suffix(s.window)
        level = "experiment_variant"
        if m.requests is not None:
            base = naming.counter_base(m.requests.name)
            self.request_rate = self.add(
                naming.record(level, base, rate),
                aggregate("sum", s.grouping(), self.rate(m.requests.name, s.matchers(m.requests))),
            )
            errors = None
            if m.requests.error_selector:
                matchers = s.matchers(m.requests) + equals(m.requests.error_selector)
                errors = self.add(
                    naming.record(level, f"{base}_errors", rate),
                    aggregate("sum", s.grouping(), self.rate(m.requests.name, matchers)),
                )
            elif m.errors is not None:
                errors = self.add(
                    naming.record(level, naming.counter_base(m.errors.name), rate),
                    aggregate("sum", s.grouping(), self.rate(m.errors.name, s.matchers(m.errors))),
                )
            if errors:
                # `or ... * 0`: a variant with no failed request yet has an error ratio of 0,
                # not no ratio at all.
                requests = s.recorded(self.request_rate)
                self.error_ratio = self.add(
                    naming.record(level, f"{base}_errors", f"ratio_{rate}"),
                    f"({s.recorded(errors)} or {requests} * 0) / {requests}",
                )
            if s.in_metrics and len(s.variants) > 1:
                requests = s.recorded(self.request_rate)
                self.traffic_share = self.add(
                    naming.record(level, base, f"traffic_percent_{rate}"),
                    f"100 * {requests} / ignoring({s.variant_label}) group_left "
                    f"sum without({s.variant_label}) ({requests})",
                )
        elif m.traffic_share is not None and s.in_metrics:
            factor = "" if m.traffic_share.scale == "percent" else "100 * "
            self.traffic_share = self.add(
                naming.record(level, m.traffic_share.name, "traffic_percent"),
                factor
                + aggregate(
                    "max",
                    s.grouping(),
                    selector(m.traffic_share.name, s.matchers(m.traffic_share)),
                ),
            )
        if m.latency is not None:
            buckets = self.add(
                naming.record(f"{level}_le", f"{m.latency.name}_bucket", rate),
                aggregate(
                    "sum",
                    s.grouping("le"),
                    self.rate(f"{m.latency.name}_bucket", s.matchers(m.latency)),
                ),
            )
            wanted = set(DASHBOARD_QUANTILES)
            if spec.guardrails.latency is not None:
                wanted.add(spec.guardrails.latency.quantile)
            for q in sorted(wanted):
                self.quantiles[q] = self.add(
                    naming.record(level, m.latency.name, f"{naming.quantile_name(q)}_{rate}"),
                    f"histogram_quantile({number(q)}, {s.recorded(buckets)})",
                )


def _alerts(
    exp: ExperimentDoc, scope: Scope, records: Records, rail: Guardrail
) -> list[AlertingRule]:
    spec = exp.spec.spec
    m = spec.metrics
    family = rail.family
    variants = rail.variants
    cmp = "<" if family.direction == "below" else ">"
    key = family.key

    def gauge(metric: Metric, agg: str, *extra_group: str, extra: list[Matcher] = ()) -> str:
        matchers = scope.matchers(metric, variants) + list(extra)
        return aggregate(agg, scope.grouping(*extra_group), selector(metric.name, matchers))

    scale = "ratio"
    if key == "error_rate":
        series = scope.recorded(records.error_ratio or "", variants)
    elif key == "latency":
        q = spec.guardrails.latency.quantile if spec.guardrails.latency else 0.95
        series = scope.recorded(records.quantiles[q], variants)
    elif key == "drift":
        metric = m.drift
        feats = spec.guardrails.drift.features if spec.guardrails.drift else None
        extra = [one_of(metric.feature_label, feats)] if feats else []
        series = gauge(metric, "max", metric.feature_label, extra=extra)
    elif key == "business_impact":
        metric = m.business_impact
        kind = spec.guardrails.business_impact.type if spec.guardrails.business_impact else ""
        series = gauge(metric, "min", extra=[(metric.type_label, "=", kind)])
    elif key == "traffic_split":
        return [_traffic_alert(exp, scope, records, rail)]
    elif key == "server_down":
        return [_server_down_alert(exp, scope, rail)]
    else:
        metric = getattr(m, family.metric)
        scale = getattr(metric, "scale", "ratio")
        series = gauge(metric, "min" if family.direction == "below" else "max")

    rules = []
    for level in rail.levels:
        expr = f"{series} {cmp} {number(level.threshold)}"
        rules.append(
            AlertingRule(
                alert=family.alert,
                expr=expr,
                for_=level.for_,
                labels=_labels(scope, family, level),
                annotations=_annotations(exp, scope, rail, level, scale),
                intent=AlertIntent(key, series, family.direction, level.threshold, variants),
            )
        )
    return rules


def _labels(scope: Scope, family: Family, level: AlertLevel) -> dict[str, str]:
    labels = {
        "severity": level.severity,
        "category": family.category,
        "experiment": scope.experiment,
        "team": scope.team,
    }
    if not scope.in_metrics:
        labels[scope.variant_label] = scope.variants[0]
    return labels


def _annotations(
    exp: ExperimentDoc, scope: Scope, rail: Guardrail, level: AlertLevel, scale: str
) -> dict[str, str]:
    family = rail.family
    spec = exp.spec.spec
    who = f"variant {scope.variant_ref}"
    if family.key == "drift":
        feature = spec.metrics.drift.feature_label if spec.metrics.drift else "feature"
        who = f"feature {{{{ $labels.{feature} }}}} of {who}"
    value = _humanized_value(family, scale)
    limit = _threshold_text(family, level.threshold, scale)
    noun = family.noun[0].upper() + family.noun[1:]
    if family.key == "latency":
        q = spec.guardrails.latency.quantile if spec.guardrails.latency else 0.95
        noun = f"{naming.quantile_name(q)} latency"
        noun = noun[0].upper() + noun[1:]
    return {
        "summary": f"{noun} of {who} is {family.direction} {limit} in experiment "
        f"{scope.experiment}",
        "description": f"{noun} of {who} in experiment {scope.experiment} is {value}, "
        f"{family.direction} the {level.severity} threshold of {limit} "
        f"for more than {level.for_}.",
        "runbook_url": _runbook(spec.runbook_url, rail),
        "dashboard_url": _dashboard(spec.grafana_url, scope.experiment),
    }


def _dashboard(grafana_url: str, experiment: str) -> str:
    return _template_literal(naming.dashboard_url(grafana_url, experiment))


def _runbook(base: str, rail: Guardrail) -> str:
    url = rail.runbook_url or f"{base.rstrip('/')}/{naming.runbook_anchor(rail.family.alert)}"
    return _template_literal(url)


def _template_literal(text: str) -> str:
    """Spec text placed in an annotation must not be read as a Go template action."""
    return text.replace("{{", '{{ "{{" }}')


def _humanized_value(family: Family, scale: str) -> str:
    if family.unit == "seconds":
        return "{{ $value | humanizeDuration }}"
    if family.unit == "ratio" or (family.unit == "scaled" and scale == "ratio"):
        return "{{ $value | humanizePercentage }}"
    if family.unit in ("percent", "scaled"):
        return '{{ $value | printf "%.1f" }}%'
    return "{{ $value | humanize }}"


def _threshold_text(family: Family, threshold: float, scale: str) -> str:
    if family.unit == "seconds":
        return format_duration(threshold)
    if family.unit == "ratio" or (family.unit == "scaled" and scale == "ratio"):
        return f"{number(round(threshold * 100, 10))}%"
    if family.unit in ("percent", "scaled"):
        return f"{number(threshold)}%"
    return number(threshold)


def _traffic_alert(
    exp: ExperimentDoc, scope: Scope, records: Records, rail: Guardrail
) -> AlertingRule:
    level = rail.levels[0]
    tolerance = level.threshold
    parts = []
    targets = []
    for variant in exp.spec.spec.variants:
        target = variant.traffic or 0
        series = scope.recorded(records.traffic_share or "", (variant.name,))
        low, high = max(target - tolerance, 0), min(target + tolerance, 100)
        parts.append(f"({series} < {number(low)} or {series} > {number(high)})")
        targets.append(f"{variant.name} {number(target)}%")
    family = rail.family
    return AlertingRule(
        alert=family.alert,
        expr=" or ".join(parts),
        for_=level.for_,
        labels=_labels(scope, family, level),
        annotations={
            "summary": f"Traffic share of variant {{{{ $labels.{scope.variant_label} }}}} is "
            f"off its target in experiment {scope.experiment}",
            "description": f"Variant {{{{ $labels.{scope.variant_label} }}}} receives "
            f'{{{{ $value | printf "%.1f" }}}}% of the traffic of experiment '
            f"{scope.experiment}, more than {number(tolerance)} points from the declared "
            f"split ({', '.join(targets)}) for more than {level.for_}.",
            "runbook_url": _runbook(exp.spec.spec.runbook_url, rail),
            "dashboard_url": _dashboard(exp.spec.spec.grafana_url, scope.experiment),
        },
        intent=AlertIntent("traffic_split", records.traffic_share or "", "above", tolerance, ()),
    )


def _server_down_alert(exp: ExperimentDoc, scope: Scope, rail: Guardrail) -> AlertingRule:
    guard = exp.spec.spec.guardrails.server_down
    assert guard is not None
    level = rail.levels[0]
    matchers = equals(scope.selector) + [
        m for m in equals(guard.selector) if m[0] not in scope.selector
    ]
    expr = f"{selector(guard.metric, matchers)} == 0"
    family = rail.family
    return AlertingRule(
        alert=family.alert,
        expr=expr,
        for_=level.for_,
        labels=_labels(scope, family, level),
        annotations={
            "summary": f"Model server {{{{ $labels.instance }}}} of experiment "
            f"{scope.experiment} is down",
            "description": f"Prometheus cannot scrape {{{{ $labels.instance }}}} (job "
            f"{{{{ $labels.job }}}}) of experiment {scope.experiment} for more than "
            f"{level.for_}.",
            "runbook_url": _runbook(exp.spec.spec.runbook_url, rail),
            "dashboard_url": _dashboard(exp.spec.spec.grafana_url, scope.experiment),
        },
        intent=AlertIntent("server_down", guard.metric, "below", 1, (), per_variant=False),
    )
