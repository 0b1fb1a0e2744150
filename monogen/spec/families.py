"""The guardrail families: what each judges, in which direction and unit, and its defaults.

Defaults are the values ML teams run today (see the seeds): a guardrail written as `{}` gets
them. Thresholds are converted here into the unit of the metric the rule compares against.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from monogen.spec.quantities import parse_number, parse_percent, parse_seconds

Severity = Literal["critical", "warning", "info"]
Direction = Literal["below", "above"]
# scaled: in the gauge's own scale (percent or ratio), `75%` converted to it;
# ratio: 0-1, `5%` allowed; seconds: `200ms` allowed; percent: 0-100; number: as is.
Unit = Literal["scaled", "ratio", "seconds", "percent", "number"]


@dataclass(frozen=True)
class Family:
    key: str  # field of Guardrails (snake_case)
    spec_key: str  # as written in specs (camelCase)
    metric: str | None  # field of Metrics it needs
    alert: str
    category: str
    direction: Direction
    unit: Unit
    noun: str
    defaults: tuple[tuple[Severity, float | str, str], ...] = ()


FAMILIES: dict[str, Family] = {
    f.key: f
    for f in (
        Family("accuracy", "accuracy", "accuracy", "ModelAccuracyDegraded",
               "model_performance", "below", "scaled", "accuracy",
               (("warning", "75%", "5m"), ("critical", "50%", "2m"))),
        Family("precision", "precision", "precision", "ModelPrecisionDegraded",
               "model_performance", "below", "scaled", "precision"),
        Family("recall", "recall", "recall", "ModelRecallDegraded",
               "model_performance", "below", "scaled", "recall"),
        Family("f1_score", "f1Score", "f1_score", "ModelF1ScoreDegraded",
               "model_performance", "below", "scaled", "F1 score"),
        Family("auc_roc", "aucRoc", "auc_roc", "ModelAucRocDegraded",
               "model_performance", "below", "scaled", "AUC-ROC"),
        Family("precision_at_k", "precisionAtK", "precision_at_k", "FraudPrecisionAtKDegraded",
               "model_performance", "below", "scaled", "precision at k"),
        Family("error_rate", "errorRate", "requests", "ModelHighErrorRate",
               "reliability", "above", "ratio", "error rate",
               (("critical", "5%", "1m"),)),
        Family("latency", "latency", "latency", "ModelHighLatency",
               "latency", "above", "seconds", "latency",
               (("warning", "200ms", "3m"),)),
        Family("cpu", "cpu", "cpu", "ModelServerHighCpu",
               "infrastructure", "above", "percent", "CPU usage",
               (("warning", 80, "10m"),)),
        Family("memory", "memory", "memory", "ModelServerHighMemory",
               "infrastructure", "above", "percent", "memory usage",
               (("warning", 85, "5m"), ("critical", 90, "5m"))),
        Family("disk", "disk", "disk", "ModelServerHighDisk",
               "infrastructure", "above", "percent", "disk usage",
               (("warning", 85, "15m"),)),
        Family("drift", "drift", "drift", "FeatureDataDrift",
               "data_quality", "above", "number", "population stability index",
               (("warning", 0.1, "5m"), ("critical", 0.2, "1m"))),
        Family("roi", "roi", "roi", "BusinessRoiBelowBreakEven",
               "business_impact", "below", "number", "return on investment",
               (("warning", 1.0, "30m"),)),
        Family("business_impact", "businessImpact", "business_impact",
               "NegativeBusinessImpact", "business_impact", "below", "number",
               "business impact", (("warning", 0, "15m"),)),
    )
}  # fmt: skip

# Families with a shape of their own (no threshold levels).
TRAFFIC_SPLIT = Family("traffic_split", "trafficSplit", None, "ExperimentTrafficImbalance",
                       "traffic", "above", "percent", "traffic share")  # fmt: skip
SERVER_DOWN = Family("server_down", "serverDown", None, "ModelServerDown",
                     "reliability", "below", "number", "availability")  # fmt: skip


def to_threshold(family: Family, value: float | str, scale: str = "ratio") -> float:
    """A spec threshold in the unit of the metric; ValueError says what was expected."""
    if isinstance(value, bool):
        raise ValueError(f"expected a {_expected(family)}, got a boolean")
    try:
        if family.unit == "scaled":
            if isinstance(value, str) and value.strip().endswith("%"):
                ratio = parse_percent(value)
                return ratio * 100 if scale == "percent" else ratio
            number = parse_number(value) if isinstance(value, str) else float(value)
            if scale == "ratio" and not 0 <= number <= 1:
                raise ValueError(f"{value} is outside 0-1, the scale of this ratio gauge")
            if scale == "percent" and not 0 <= number <= 100:
                raise ValueError(f"{value} is outside 0-100, the scale of this percent gauge")
            return number
        if family.unit == "ratio":
            ratio = parse_percent(value)
            if not 0 <= ratio <= 1:
                raise ValueError(f"{value} is not a share between 0% and 100%")
            return ratio
        if family.unit == "seconds":
            seconds = parse_seconds(value)
            if seconds <= 0:
                raise ValueError(f"{value} is not a positive duration")
            return seconds
        if family.unit == "percent":
            if isinstance(value, str) and value.strip().endswith("%"):
                number = parse_percent(value) * 100
            else:
                number = parse_number(value) if isinstance(value, str) else float(value)
            if not 0 <= number <= 100:
                raise ValueError(f"{value} is outside 0-100")
            return number
        return parse_number(value) if isinstance(value, str) else float(value)
    except ValueError as exc:
        message = str(exc)
        if "expected" in message or "outside" in message or "between" in message:
            raise
        raise ValueError(f"{message}; expected a {_expected(family)}") from None


def _expected(family: Family) -> str:
    return {
        "scaled": "number in the gauge's scale, or a percentage such as 75%",
        "ratio": "percentage such as 5% or a ratio such as 0.05",
        "seconds": "duration such as 200ms or a number of seconds",
        "percent": "percentage from 0 to 100",
        "number": "number",
    }[family.unit]
