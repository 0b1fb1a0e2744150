"""The `Experiment` kind: model variants, traffic split, the metrics they expose, guardrails."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from monogen.spec.base import (
    API_VERSION,
    Duration,
    LabelName,
    Labels,
    MetricName,
    Name,
    SpecModel,
)

# A threshold as the spec writes it: 75, 0.85, "5%", "200ms". Each guardrail family decides
# which forms it accepts and converts them into the unit of its metric.
ThresholdValue = Annotated[float | str, Field(description="A number, a percentage or a duration.")]


class Metadata(SpecModel):
    name: Name
    team: Annotated[str, Field(min_length=1, description="Owning team; routes select on it.")]
    namespace: Name = Field("monitoring", description="Namespace of the Kubernetes manifests.")
    labels: dict[str, str] = Field(
        default_factory=dict, description="Extra labels on Kubernetes manifests, e.g. release."
    )


class Variant(SpecModel):
    name: Annotated[str, Field(min_length=1, description="Value of the variant label.")]
    role: Literal["control", "treatment"] | None = None
    traffic: Annotated[float, Field(gt=0, le=100)] | None = Field(
        None, description="Declared share of traffic, in percent; all variants sum to 100."
    )


class Metric(SpecModel):
    name: MetricName
    selector: Labels = Field(
        default_factory=dict, description="Extra label matchers for this metric only."
    )


class RequestsMetric(Metric):
    """A counter of all requests; `errorSelector` picks out the failed ones."""

    error_selector: Labels | None = None


class GaugeMetric(Metric):
    scale: Literal["percent", "ratio"] = Field(
        "ratio", description="Whether the gauge reads 0-100 (percent) or 0-1 (ratio)."
    )


class PercentGauge(Metric):
    """A resource gauge that reads 0-100."""


class DriftMetric(Metric):
    feature_label: LabelName = "feature"


class BusinessImpactMetric(Metric):
    type_label: LabelName = "metric_type"


class FeedbackMetric(Metric):
    type_label: LabelName = "feedback_type"


class Metrics(SpecModel):
    requests: RequestsMetric | None = None
    errors: Metric | None = Field(None, description="A separate counter of failed requests.")
    latency: Metric | None = Field(None, description="A histogram in seconds (base name).")
    accuracy: GaugeMetric | None = None
    precision: GaugeMetric | None = None
    recall: GaugeMetric | None = None
    f1_score: GaugeMetric | None = None
    auc_roc: GaugeMetric | None = None
    precision_at_k: GaugeMetric | None = None
    traffic_share: GaugeMetric | None = Field(
        None, description="A gauge of each variant's share of traffic, if services export it."
    )
    drift: DriftMetric | None = Field(None, description="Population stability index per feature.")
    roi: Metric | None = None
    cost_savings: Metric | None = None
    business_impact: BusinessImpactMetric | None = None
    feedback: FeedbackMetric | None = None
    cpu: PercentGauge | None = None
    memory: PercentGauge | None = None
    disk: PercentGauge | None = None


class Level(SpecModel):
    """When one severity fires: a threshold crossed for a while."""

    below: ThresholdValue | None = None
    above: ThresholdValue | None = None
    for_: Duration | None = Field(None, alias="for")


class ThresholdGuardrail(SpecModel):
    """Severities with their thresholds; with none given, the family's documented defaults."""

    warning: Level | None = None
    critical: Level | None = None
    info: Level | None = None
    variants: list[str] | None = Field(None, description="Only these variants (default: all).")
    runbook_url: str | None = None


class LatencyGuardrail(ThresholdGuardrail):
    quantile: Annotated[float, Field(gt=0, lt=1)] = 0.95


class DriftGuardrail(ThresholdGuardrail):
    features: list[str] | None = Field(None, description="Only these features (default: all).")


class BusinessImpactGuardrail(ThresholdGuardrail):
    type: str = Field("net_business_value", description="Value of the metric's type label.")


class TrafficSplitGuardrail(SpecModel):
    tolerance: Annotated[float, Field(gt=0, lt=100)] = Field(
        5, description="Allowed deviation from the declared split, in percentage points."
    )
    severity: Literal["critical", "warning", "info"] = "warning"
    for_: Duration = Field("10m", alias="for")
    runbook_url: str | None = None


class ServerDownGuardrail(SpecModel):
    metric: MetricName = "up"
    selector: Labels = Field(default_factory=dict)
    severity: Literal["critical", "warning", "info"] = "critical"
    for_: Duration = Field("1m", alias="for")
    runbook_url: str | None = None


class Guardrails(SpecModel):
    accuracy: ThresholdGuardrail | None = None
    precision: ThresholdGuardrail | None = None
    recall: ThresholdGuardrail | None = None
    f1_score: ThresholdGuardrail | None = None
    auc_roc: ThresholdGuardrail | None = None
    precision_at_k: ThresholdGuardrail | None = None
    error_rate: ThresholdGuardrail | None = None
    latency: LatencyGuardrail | None = None
    traffic_split: TrafficSplitGuardrail | None = None
    server_down: ServerDownGuardrail | None = None
    cpu: ThresholdGuardrail | None = None
    memory: ThresholdGuardrail | None = None
    disk: ThresholdGuardrail | None = None
    drift: DriftGuardrail | None = None
    roi: ThresholdGuardrail | None = None
    business_impact: BusinessImpactGuardrail | None = None


DashboardRow = Literal[
    "traffic", "quality", "latency", "errors", "business", "drift", "infrastructure", "summary"
]


class DashboardLink(SpecModel):
    title: Annotated[str, Field(min_length=1)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")]


class DashboardOptions(SpecModel):
    """How the experiment's Grafana dashboard looks; every field has a default."""

    folder: Annotated[str, Field(min_length=1)] = "ML Experiments"
    tags: list[str] = Field(default_factory=list)
    refresh: Duration = "1m"
    time_from: Annotated[str, Field(pattern=r"^now-([0-9]+(s|m|h|d|w|y))+$")] = "now-6h"
    links: list[DashboardLink] = Field(default_factory=list)
    rows: list[DashboardRow] | None = Field(
        None, description="Rows to include, in this order (default: all that have data)."
    )


class ExperimentSpec(SpecModel):
    description: str = ""
    selector: Labels = Field(
        default_factory=dict, description="Label matchers that scope every query."
    )
    variant_label: LabelName | None = Field(
        None, description="Label naming the variant; may be omitted with a single variant."
    )
    variants: Annotated[list[Variant], Field(min_length=1)]
    metrics: Metrics
    guardrails: Guardrails = Field(default_factory=Guardrails)
    runbook_url: Annotated[str, Field(pattern=r"^https?://\S+$")] = Field(
        description="Base URL of the runbooks; each alert links to <base>/<alert-name>."
    )
    grafana_url: Annotated[str, Field(pattern=r"^https?://\S+$")] = Field(
        description="Base URL of Grafana, for each alert's dashboard link."
    )
    rate_window: Duration = Field("5m", description="Window of rate() in recording rules.")
    dashboard: DashboardOptions = Field(default_factory=DashboardOptions)
    evaluation_interval: Duration | None = Field(
        None, description="Rule group interval (default: Prometheus' global setting)."
    )


class Experiment(SpecModel):
    api_version: Literal[API_VERSION]  # type: ignore[valid-type]
    kind: Literal["Experiment"]
    metadata: Metadata
    spec: ExperimentSpec
