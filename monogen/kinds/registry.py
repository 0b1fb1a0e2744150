"""Every guardrail kind, in the order specs list them and rule files hold their alerts.
Adding a kind: one module in this package and one line here."""

from __future__ import annotations

from monogen.kinds.base import Kind
from monogen.kinds.baseline import BaselineDegradation
from monogen.kinds.business_impact import BusinessImpact
from monogen.kinds.comparison import TreatmentComparison
from monogen.kinds.custom_metrics import CustomMetrics
from monogen.kinds.drift import Drift
from monogen.kinds.error_rate import ErrorRate
from monogen.kinds.feedback import NegativeFeedback
from monogen.kinds.latency import Latency
from monogen.kinds.low_traffic import LowTraffic
from monogen.kinds.mean_latency import MeanLatency
from monogen.kinds.missing_data import MissingData
from monogen.kinds.quality import Accuracy, AucRoc, F1Score, Precision, PrecisionAtK, Recall
from monogen.kinds.request_rate import RequestRateAnomaly
from monogen.kinds.resources import Cpu, Disk, Memory
from monogen.kinds.roi import Roi
from monogen.kinds.sample_ratio import SampleRatioMismatch
from monogen.kinds.server_down import ServerDown
from monogen.kinds.slo import ServiceLevelObjectives
from monogen.kinds.traffic_split import TrafficSplit

KINDS: tuple[Kind, ...] = (
    Accuracy(),
    Precision(),
    Recall(),
    F1Score(),
    AucRoc(),
    PrecisionAtK(),
    ErrorRate(),
    Latency(),
    MeanLatency(),
    Cpu(),
    Memory(),
    Disk(),
    Drift(),
    Roi(),
    BusinessImpact(),
    TrafficSplit(),
    ServerDown(),
    SampleRatioMismatch(),
    TreatmentComparison(),
    MissingData(),
    LowTraffic(),
    CustomMetrics(),
    ServiceLevelObjectives(),
    NegativeFeedback(),
    BaselineDegradation(),
    RequestRateAnomaly(),
)
