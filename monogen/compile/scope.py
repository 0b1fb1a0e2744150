"""How one experiment's queries select, group and record its series.

`Scope` scopes every query of an experiment; `Records` holds its recording rules and the
names alerts and dashboards read them by. Guardrail kinds build their alerts on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from monogen.compile import naming
from monogen.compile.matchers import merged
from monogen.compile.promql import Matcher, aggregate, number, one_of, selector
from monogen.model.rules import RecordingRule
from monogen.model.text import Label
from monogen.spec.metrics import Metric, Metrics, RequestsMetric, Variant

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
    selector: tuple[Matcher, ...]
    window: str
    # where its PrometheusRule lives: its alerts carry it as `namespace`, as the operator's
    # enforcedNamespaceLabel would, so the team's AlertmanagerConfig (whose routes the
    # operator matches on `namespace` by default) receives them
    namespace: str = "monitoring"

    def base(self, metric: Metric) -> list[Matcher]:
        """The experiment's selector and the metric's own."""
        return self.base_with(metric.matchers())

    def base_with(self, own: Sequence[Matcher]) -> list[Matcher]:
        """The experiment's selector and `own` (validation refuses a label that both match
        differently)."""
        return merged(self.selector, own)

    def matchers(self, metric: Metric, variants: tuple[str, ...] = ()) -> list[Matcher]:
        found = self.base(metric)
        if self.in_metrics:
            found.append(one_of(self.variant_label, variants or self.variants))
        return found

    def failed(self, metric: RequestsMetric, variants: tuple[str, ...] = ()) -> list[Matcher]:
        """The matchers of `metric`'s failed requests: its own and its error selector's (one
        on a label the others match too narrows it; one that repeats them is left out)."""
        found = self.matchers(metric, variants)
        return found + [m for m in metric.error_matchers() if m not in found]

    def variant_matchers(self, variants: tuple[str, ...] = ()) -> list[Matcher]:
        """The matcher picking the experiment's variants (or `variants` of them)."""
        return [one_of(self.variant_label, variants or self.variants)] if self.in_metrics else []

    def grouping(self, *extra: str) -> list[str]:
        return ([self.variant_label] if self.in_metrics else []) + list(extra)

    def recorded(self, name: str, variants: tuple[str, ...] = ()) -> str:
        matchers: list[Matcher] = [("experiment", "=", self.experiment)]
        if variants and self.in_metrics:
            matchers.append(one_of(self.variant_label, variants))
        return selector(name, matchers)

    def gauge(
        self, metric: Metric, agg: str, variants: tuple[str, ...], *by: str, extra: tuple = ()
    ) -> str:
        """`agg` of a gauge per variant (and `by` labels), scoped to the experiment."""
        matchers = self.matchers(metric, variants) + list(extra)
        return aggregate(agg, self.grouping(*by), selector(metric.name, matchers))

    def variant_of(self, labels: dict[str, str]) -> str:
        """The variant a query's result series belongs to: its variant label, or the one
        variant, whose series carry none."""
        return labels.get(self.variant_label, self.variants[0])

    @property
    def variant_ref(self) -> Label | str:
        """The variant in alert text. Templates see only the expression's labels, not
        the rule's, so a variant stamped by the rule is written out literally."""
        if self.in_metrics:
            return Label(self.variant_label)
        return self.variants[0]

    @property
    def static_labels(self) -> dict[str, str]:
        labels = {"experiment": self.experiment}
        if not self.in_metrics:
            labels[self.variant_label] = self.variants[0]
        return labels


@dataclass(frozen=True)
class RuleContext:
    """What a guardrail kind reads to write its alerts."""

    scope: Scope
    records: Records
    metrics: Metrics
    variants: tuple[Variant, ...]
    runbook_base: str
    grafana_url: str


@dataclass
class Records:
    """The recording rules of one experiment, and the names alerts use to read them."""

    scope: Scope
    rules: list[RecordingRule] = field(default_factory=list)
    request_rate: str | None = None
    error_ratio: str | None = None
    traffic_share: str | None = None
    quantiles: dict[float, str] = field(default_factory=dict)

    def add(
        self, name: str, expr: str, meaning: tuple[str, ...], labels: dict[str, str] | None = None
    ) -> str:
        """Record `expr` as `name` (with `labels` beside the experiment's), once: guardrails
        that need the same series share it."""
        labels = {**self.scope.static_labels, **(labels or {})}
        for rule in self.rules:
            if rule.record == name and rule.labels == labels:
                if rule.expr != expr:
                    raise ValueError(f"two recording rules named {name}")
                return name
        self.rules.append(RecordingRule(name, expr, labels, meaning))
        return name

    def rate(self, metric: str, matchers: list[Matcher]) -> str:
        return f"rate({selector(metric, matchers)}[{self.scope.window}])"

    def build(self, m: Metrics, quantiles: set[float]) -> None:
        """Record what `m` exposes; `quantiles` are latency quantiles guardrails judge."""
        s = self.scope
        rate = naming.window_suffix(s.window)
        level = "experiment_variant"
        if m.requests is not None:
            base = naming.counter_base(m.requests.name)
            self.request_rate = self.add(
                naming.record(level, base, rate),
                aggregate("sum", s.grouping(), self.rate(m.requests.name, s.matchers(m.requests))),
                ("requests",),
            )
            errors = None
            if m.requests.error_selector:
                matchers = s.failed(m.requests)
                errors = self.add(
                    naming.record(level, f"{base}_errors", rate),
                    aggregate("sum", s.grouping(), self.rate(m.requests.name, matchers)),
                    ("errors",),
                )
            elif m.errors is not None:
                errors = self.add(
                    naming.record(level, naming.counter_base(m.errors.name), rate),
                    aggregate("sum", s.grouping(), self.rate(m.errors.name, s.matchers(m.errors))),
                    ("errors",),
                )
            if errors:
                # `or ... * 0`: a variant with no failed request yet has an error ratio of 0,
                # not no ratio at all.
                requests = s.recorded(self.request_rate)
                self.error_ratio = self.add(
                    naming.record(level, f"{base}_errors", f"ratio_{rate}"),
                    f"({s.recorded(errors)} or {requests} * 0) / {requests}",
                    ("error_ratio",),
                )
            if s.in_metrics and len(s.variants) > 1:
                requests = s.recorded(self.request_rate)
                self.traffic_share = self.add(
                    naming.record(level, base, f"traffic_percent_{rate}"),
                    f"100 * {requests} / ignoring({s.variant_label}) group_left "
                    f"sum without({s.variant_label}) ({requests})",
                    ("traffic_percent",),
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
                ("traffic_percent",),
            )
        if m.latency is not None:
            buckets = self.add(
                naming.record(f"{level}_le", f"{m.latency.name}_bucket", rate),
                aggregate(
                    "sum",
                    s.grouping("le"),
                    self.rate(f"{m.latency.name}_bucket", s.matchers(m.latency)),
                ),
                ("buckets",),
            )
            for q in sorted(set(DASHBOARD_QUANTILES) | quantiles):
                self.quantiles[q] = self.add(
                    naming.record(level, m.latency.name, f"{naming.quantile_name(q)}_{rate}"),
                    f"histogram_quantile({number(q)}, {s.recorded(buckets)})",
                    ("quantile", number(q)),
                )
