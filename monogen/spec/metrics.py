"""What an experiment measures: its variants and the metrics their services expose.

Guardrail kinds read these models; they live apart from `experiment.py`, which assembles
the guardrail kinds into the spec, so that kinds can import them without a cycle.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator

from monogen.compile.matchers import Matcher, of_selector
from monogen.spec.base import SpecModel
from monogen.spec.names import AlertLabelName, LabelValue, MetricName, Selector
from monogen.spec.quantities import format_number, parse_seconds


class Variant(SpecModel):
    name: Annotated[
        LabelValue, Field(min_length=1, max_length=200, description="Value of the variant label.")
    ]
    role: Literal["control", "treatment"] | None = Field(
        None, description="control (one) or treatment: comparisons judge treatments against it."
    )
    traffic: Annotated[float, Field(gt=0, le=100)] | None = Field(
        None, description="Declared share of traffic, in percent; all variants sum to 100."
    )


class Metric(SpecModel):
    name: MetricName
    selector: Selector = Field(
        default_factory=dict,
        description='Extra label matchers for this metric only, e.g. {verb: "!=WATCH"}.',
    )

    def matchers(self) -> list[Matcher]:
        """Its own selector's matchers (the experiment's come first in queries)."""
        return of_selector(self.selector)


class RequestsMetric(Metric):
    """A counter of all requests; `errorSelector` picks out the failed ones."""

    error_selector: Selector | None = Field(
        None,
        description="Matchers picking the failed requests among them, e.g. {status: error} "
        'or {code: "=~5..|429"}.',
    )

    def error_matchers(self) -> list[Matcher]:
        return of_selector(self.error_selector or {})


class GaugeMetric(Metric):
    scale: Literal["percent", "ratio"] = Field(
        "ratio", description="Whether the gauge reads 0-100 (percent) or 0-1 (ratio)."
    )


class PercentGauge(Metric):
    """A resource gauge that reads 0-100."""


class DriftMetric(Metric):
    feature_label: AlertLabelName = "feature"


# The model-quality gauges (fields of Metrics): what a comparison may judge besides the
# error rate and latency.
QUALITY_METRICS = ("accuracy", "precision", "recall", "f1_score", "auc_roc", "precision_at_k")

# The impact type judged and shown when a spec names none.
DEFAULT_IMPACT_TYPE = "net_business_value"


class BusinessImpactMetric(Metric):
    type_label: AlertLabelName = "metric_type"


class FeedbackMetric(Metric):
    type_label: AlertLabelName = "feedback_type"


class HistogramMetric(Metric):
    """A histogram, named by its base name: the queries add `_bucket`, `_sum`, `_count`."""

    buckets: list[float | str] | None = Field(
        None,
        description="The bucket bounds the service exports, in seconds (0.5 or 500ms; +Inf "
        "implied): a latency SLO's bound must be one of them.",
    )

    @field_validator("buckets")
    @classmethod
    def _bounds(cls, buckets: list[float | str] | None) -> list[float] | None:
        if buckets is None:
            return None
        found = [parse_seconds(b) for b in buckets]
        for b in found:
            if not (math.isfinite(b) and b > 0):
                raise ValueError(
                    f"{format_number(b)} is not a bucket bound: give finite bounds above 0"
                )
        if found != sorted(set(found)):
            raise ValueError("list the bucket bounds once each, in increasing order")
        return found

    @field_validator("name")
    @classmethod
    def _base_name(cls, name: str) -> str:
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix):
                raise ValueError(
                    f"{name!r} is one series of a histogram: name the histogram, did you mean "
                    f"{name.removesuffix(suffix)!r}? (monogen reads its _bucket, _sum and "
                    "_count series itself)"
                )
        return name


class Metrics(SpecModel):
    requests: RequestsMetric | None = None
    errors: Metric | None = Field(None, description="A separate counter of failed requests.")
    latency: HistogramMetric | None = Field(
        None, description="A histogram in seconds (base name, without _bucket)."
    )
    accuracy: GaugeMetric | None = Field(None, description="A model accuracy gauge.")
    precision: GaugeMetric | None = Field(None, description="A precision gauge.")
    recall: GaugeMetric | None = Field(None, description="A recall gauge.")
    f1_score: GaugeMetric | None = Field(None, description="An F1 score gauge.")
    auc_roc: GaugeMetric | None = Field(None, description="An AUC-ROC gauge.")
    precision_at_k: GaugeMetric | None = Field(None, description="A precision-at-k gauge.")
    traffic_share: GaugeMetric | None = Field(
        None, description="A gauge of each variant's share of traffic, if services export it."
    )
    drift: DriftMetric | None = Field(None, description="Population stability index per feature.")
    roi: Metric | None = Field(None, description="A return-on-investment gauge (1 = break-even).")
    cost_savings: Metric | None = Field(None, description="A cost-savings gauge.")
    business_impact: BusinessImpactMetric | None = Field(
        None, description="A business-impact gauge per impact type."
    )
    feedback: FeedbackMetric | None = Field(
        None, description="A counter of user feedback per feedback type."
    )
    cpu: PercentGauge | None = None
    memory: PercentGauge | None = None
    disk: PercentGauge | None = None


def field_of(key: str) -> str:
    """The Metrics field of a metric as specs write it: `f1Score` → `f1_score`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in key)
