"""Golden output: the committed generated/ is exactly what the example specs compile to.

Refresh on purpose with `make golden` (monogen build specs/) and review the diff."""

from __future__ import annotations

import re

import pytest
import yaml

from monogen.output.compare import diff_tree
from monogen.output.write import MARKER
from monogen.pipeline import compile_specs, load
from tests.conftest import GENERATED, SPECS

RECORD_NAME = re.compile(r"^[a-z_]+:[a-zA-Z0-9_]+:[a-z0-9_]+$")
CATEGORIES = {
    "model_performance",
    "latency",
    "reliability",
    "traffic",
    "data_quality",
    "business_impact",
    "infrastructure",
    # the teams' own (seed 000's categories, seed 001's drift check)
    "performance",
    "operational",
    "prediction_drift",
}


@pytest.fixture(scope="module")
def files() -> dict[str, str]:
    return compile_specs(load([SPECS]))


def test_generated_tree_matches_byte_for_byte(files: dict[str, str]) -> None:
    diffs = diff_tree(GENERATED, files)
    assert not diffs, "generated/ is stale; run `make golden` and review:\n" + "".join(diffs)
    for rel, text in files.items():
        if rel != MARKER:  # the committed marker also carries the build's stamps
            assert (GENERATED / rel).read_bytes() == text.encode()


def test_second_compile_is_identical(files: dict[str, str]) -> None:
    assert compile_specs(load([SPECS])) == files


def alerts_of(files: dict[str, str], experiment: str) -> list[dict]:
    doc = yaml.safe_load(files[f"prometheus/rules/{experiment}.rules.yaml"])
    return [r for g in doc["groups"] for r in g["rules"] if "alert" in r]


def records_of(files: dict[str, str], experiment: str) -> list[dict]:
    doc = yaml.safe_load(files[f"prometheus/rules/{experiment}.rules.yaml"])
    return [r for g in doc["groups"] for r in g["rules"] if "record" in r]


EXPECTED_ALERTS = {
    "fraud-detector-ab": {
        ("ModelAccuracyDegraded", "warning"),
        ("ModelAccuracyDegraded", "critical"),
        ("ModelHighErrorRate", "critical"),
        ("ModelHighLatency", "warning"),
        ("ExperimentTrafficImbalance", "warning"),
        ("ExperimentSampleRatioMismatch", "warning"),
        ("TreatmentWorseThanControl", "warning"),
        ("ExperimentMetricMissing", "warning"),
        ("ExperimentLowTraffic", "warning"),
        ("ModelConfidenceLow", "warning"),
        ("SLOErrorBudgetBurn", "critical"),
        ("SLOErrorBudgetBurn", "warning"),
        ("NegativeBusinessImpact", "warning"),
        ("ExperimentRequestRateDrop", "warning"),
    },
    "credit-risk-ab": {
        ("ModelAccuracyDegraded", "warning"),
        ("HighResponseTime", "warning"),
        ("ABTestTrafficImbalance", "warning"),
        ("HighModelServerCPU", "warning"),
        ("HighModelServerMemory", "warning"),
        ("ModelServerDown", "critical"),
    },
    "price-predictor-ab": {
        ("ModelNegativeFeedbackHigh", "warning"),
        ("ExperimentRequestRateDrop", "warning"),
        ("ExperimentRequestRateDrop", "critical"),
        ("ExperimentRequestRateSurge", "warning"),
        ("SLOErrorBudgetBurn", "critical"),
        ("SLOErrorBudgetBurn", "warning"),
        ("ModelHighErrorRate", "warning"),
        ("ModelHighErrorRate", "critical"),
        ("ModelHighLatency", "warning"),
        ("ModelHighLatency", "critical"),
        ("ModelHighMeanLatency", "warning"),
        ("ModelServerHighCpu", "warning"),
        ("ModelServerHighMemory", "warning"),
        ("ModelServerHighMemory", "critical"),
    },
    "fraud-pipeline": {
        ("ModelAccuracyBelowBaseline", "warning"),
        ("ModelAccuracyBelowBaseline", "critical"),
        ("ModelAucRocBelowBaseline", "warning"),
        ("ModelAucRocBelowBaseline", "critical"),
        ("ExperimentRequestRateDrop", "warning"),
        ("FeatureDriftKsPValueLow", "warning"),
        ("FeatureDriftJsDivergenceHigh", "warning"),
        ("FeatureDriftJsDivergenceHigh", "critical"),
        ("ModelAccuracyDegraded", "warning"),
        ("ModelAccuracyCritical", "critical"),
        ("ModelPrecisionDegraded", "warning"),
        ("ModelRecallDegraded", "warning"),
        ("ModelF1ScoreDegraded", "warning"),
        ("ModelAucRocDegraded", "warning"),
        ("ModelAucRocDegraded", "critical"),
        ("FraudPrecisionAtKDegraded", "warning"),
        ("DataDriftDetected", "warning"),
        ("SevereDataDrift", "critical"),
        ("ROIBelowThreshold", "warning"),
        ("HighCPUUsage", "warning"),
        ("HighMemoryUsage", "critical"),
        ("ModelServerHighDisk", "warning"),
    },
}


@pytest.mark.parametrize("experiment", sorted(EXPECTED_ALERTS))
def test_every_guardrail_becomes_its_alerts(files: dict[str, str], experiment: str) -> None:
    got = {(a["alert"], a["labels"]["severity"]) for a in alerts_of(files, experiment)}
    assert got == EXPECTED_ALERTS[experiment]


@pytest.mark.parametrize("experiment", sorted(EXPECTED_ALERTS))
def test_alert_labels_and_annotations(files: dict[str, str], experiment: str) -> None:
    for alert in alerts_of(files, experiment):
        labels = alert["labels"]
        assert labels["experiment"] == experiment
        assert labels["team"]
        assert labels["category"] in CATEGORIES
        assert labels["severity"] in {"critical", "warning", "info"}
        assert set(alert["annotations"]) == {
            "summary",
            "description",
            "runbook_url",
            "dashboard_url",
        }
        assert (
            "{{ $value" in alert["annotations"]["description"]
            or alert["alert"] in ("ModelServerDown", "ExperimentMetricMissing")  # no value
        )
        assert alert["annotations"]["runbook_url"].startswith("https://runbooks.example.com/")


def test_seed_thresholds_reach_the_expressions(files: dict[str, str]) -> None:
    exprs = {
        (a["alert"], a["labels"]["severity"]): a for a in alerts_of(files, "fraud-detector-ab")
    }
    assert exprs[("ModelAccuracyDegraded", "warning")]["expr"].endswith("< 75")
    assert exprs[("ModelAccuracyDegraded", "warning")]["for"] == "5m"
    assert exprs[("ModelAccuracyDegraded", "critical")]["expr"].endswith("< 50")
    assert exprs[("ModelAccuracyDegraded", "critical")]["for"] == "2m"
    assert exprs[("ModelHighErrorRate", "critical")]["expr"].endswith("> 0.05")
    assert exprs[("ModelHighLatency", "warning")]["expr"].endswith("> 0.2")
    pipeline = {
        (a["alert"], a["labels"]["severity"]): a for a in alerts_of(files, "fraud-pipeline")
    }
    # seed 004 reads accuracy as a 0-1 ratio: 85% becomes 0.85
    assert pipeline[("ModelAccuracyDegraded", "warning")]["expr"].endswith("< 0.85")
    assert pipeline[("SevereDataDrift", "critical")]["expr"].endswith("> 0.2")
    assert (
        'feature=~"transaction_amount|merchant_category|transaction_hour|days_since_last_transaction"'
        in (pipeline[("DataDriftDetected", "warning")]["expr"])
    )
    # one production model: the variant label is stamped, not read from the series
    assert pipeline[("ModelAccuracyDegraded", "warning")]["labels"]["variant"] == "production"


@pytest.mark.parametrize("experiment", sorted(EXPECTED_ALERTS))
def test_recording_rules_follow_prometheus_naming(files: dict[str, str], experiment: str) -> None:
    records = records_of(files, experiment)
    assert records
    for rule in records:
        assert RECORD_NAME.match(rule["record"]), rule["record"]
        assert rule["labels"]["experiment"] == experiment


def test_queries_are_scoped_by_the_experiment_selector(files: dict[str, str]) -> None:
    for rule in records_of(files, "fraud-detector-ab") + alerts_of(files, "fraud-detector-ab"):
        expr = rule["expr"]
        assert 'namespace="seldon"' in expr or 'experiment="fraud-detector-ab"' in expr, expr


def test_prometheus_rule_manifest(files: dict[str, str]) -> None:
    doc = yaml.safe_load(files["kubernetes/prometheusrules/fraud-detector-ab.yaml"])
    assert doc["apiVersion"] == "monitoring.coreos.com/v1"
    assert doc["metadata"]["namespace"] == "monitoring"
    assert doc["metadata"]["labels"]["release"] == "kube-prometheus"
    assert doc["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "monogen"
    rules = yaml.safe_load(files["prometheus/rules/fraud-detector-ab.rules.yaml"])
    assert doc["spec"] == rules


def test_headers_name_the_source_spec(files: dict[str, str]) -> None:
    text = files["prometheus/rules/fraud-pipeline.rules.yaml"]
    assert text.startswith(
        "# Generated by monogen from specs/ml-pipeline/fraud-pipeline.yaml. Do not edit"
    )
