"""Every element of the five seed documents (../shared/seeds/), written out here by hand
from the documents, against what the example specs under specs/ generate: the documents'
alert names with their thresholds, `for`, severities, categories and text; their metric
names; their panels' types and what they read; their routing, walked by amtool.
docs/seeds.md maps each element to the spec field that expresses it. (Each alert is also
proven under promtool on every supported release: tests/test_prove.py.)"""

from __future__ import annotations

import json

import pytest
import yaml

from tests.conftest import GENERATED, run_tool

# (seed, experiment, alert, severity, for, the expression's comparison, category);
# None where the document does not say
ALERTS = [
    # 000: the example rule, and its alert categories
    ("000", "fraud-detector-ab", "ModelAccuracyDegraded", "warning", "5m", "< 75", "performance"),
    ("000", "fraud-detector-ab", "ModelHighLatency", "warning", None, None, "performance"),
    ("000", "fraud-detector-ab", "ModelHighErrorRate", "critical", None, None, "reliability"),
    (
        "000",
        "fraud-detector-ab",
        "ExperimentTrafficImbalance",
        "warning",
        None,
        None,
        "reliability",
    ),
    (
        "000",
        "fraud-detector-ab",
        "NegativeBusinessImpact",
        "warning",
        None,
        "< 0",
        "business_impact",
    ),
    (
        "000",
        "fraud-detector-ab",
        "TreatmentWorseThanControl",
        "warning",
        None,
        None,
        "business_impact",
    ),
    (
        "000",
        "fraud-detector-ab",
        "ExperimentRequestRateDrop",
        "warning",
        None,
        None,
        "operational",
    ),
    # 001: critical to PagerDuty, warnings to Slack; drift and confidence checks
    ("001", "model-serving-ab", "ModelCompleteFailure", "critical", "2m", "< 50", None),
    ("001", "model-serving-ab", "HighErrorRate", "critical", "1m", "> 0.05", None),
    ("001", "model-serving-ab", "ModelAccuracyDegraded", "warning", "5m", "< 75", None),
    ("001", "model-serving-ab", "HighResponseTime", "warning", "3m", "> 0.2", None),
    ("001", "model-serving-ab", "ABTestTrafficImbalance", "warning", None, None, None),
    ("001", "model-serving-ab", "PredictionDriftHigh", "warning", None, "> 0.3", None),
    ("001", "model-serving-ab", "ModelConfidenceLow", "warning", None, "< 0.7", None),
    # 003: the stack's PrometheusRule
    ("003", "credit-risk-ab", "ModelAccuracyDegraded", None, None, "< 55", None),
    ("003", "credit-risk-ab", "HighResponseTime", None, None, "> 0.2", None),
    ("003", "credit-risk-ab", "ABTestTrafficImbalance", None, None, None, None),
    ("003", "credit-risk-ab", "HighModelServerCPU", None, None, "> 80", None),
    ("003", "credit-risk-ab", "HighModelServerMemory", None, None, "> 85", None),
    ("003", "credit-risk-ab", "ModelServerDown", None, None, "== 0", None),
    # 004: the pipeline's alert_rules.yml, a ratio scale for accuracy
    (
        "004",
        "fraud-pipeline",
        "ModelAccuracyDegraded",
        "warning",
        "10m",
        "< 0.85",
        "model_performance",
    ),
    (
        "004",
        "fraud-pipeline",
        "ModelAccuracyCritical",
        "critical",
        "5m",
        "< 0.75",
        "model_performance",
    ),
    ("004", "fraud-pipeline", "DataDriftDetected", "warning", "5m", "> 0.1", "data_quality"),
    ("004", "fraud-pipeline", "SevereDataDrift", "critical", "1m", "> 0.2", "data_quality"),
    ("004", "fraud-pipeline", "ROIBelowThreshold", "warning", "30m", "< 1", "business_impact"),
    ("004", "fraud-pipeline", "HighCPUUsage", "warning", "10m", "> 80", "infrastructure"),
    ("004", "fraud-pipeline", "HighMemoryUsage", "critical", "5m", "> 90", "infrastructure"),
]

# (experiment, alert, severity) → annotations as the documents write them (Go templates
# where the document has one; monogen's humanized {value} where it has `{{ $value }}`)
TEXT = {
    ("fraud-detector-ab", "ModelAccuracyDegraded", "warning"): {
        "summary": "Model accuracy degraded"
    },
    ("model-serving-ab", "ModelCompleteFailure", "critical"): {
        "summary": "Model {{ $labels.model_name }} critically degraded",
        "runbook_url": "https://docs.company.com/runbooks/model-failure",
    },
    ("model-serving-ab", "ModelAccuracyDegraded", "warning"): {
        "summary": "Model accuracy below threshold"
    },
    ("fraud-pipeline", "ModelAccuracyDegraded", "warning"): {
        "summary": "Model accuracy below threshold",
        "description": "Model accuracy is {{ $value | humanizePercentage }}, below 85% threshold",
    },
    ("fraud-pipeline", "ModelAccuracyCritical", "critical"): {
        "summary": "Critical model accuracy degradation",
        "description": "Model accuracy is {{ $value | humanizePercentage }}, requiring "
        "immediate attention",
    },
    ("fraud-pipeline", "DataDriftDetected", "warning"): {
        "summary": "Data drift detected",
        "description": "PSI score is {{ $value | humanize }}, indicating distribution changes",
    },
    ("fraud-pipeline", "SevereDataDrift", "critical"): {
        "summary": "Severe data drift detected",
        "description": "PSI score is {{ $value | humanize }}, requiring immediate model retraining",
    },
    ("fraud-pipeline", "ROIBelowThreshold", "warning"): {
        "summary": "ROI below break-even",
        "description": "Current ROI is {{ $value | humanize }}, below 1 break-even point",
    },
    ("fraud-pipeline", "HighCPUUsage", "warning"): {
        "summary": "High CPU usage",
        "description": 'CPU usage is {{ $value | printf "%.1f" }}%',
    },
    ("fraud-pipeline", "HighMemoryUsage", "critical"): {
        "summary": "Critical memory usage",
        "description": 'Memory usage is {{ $value | printf "%.1f" }}%',
    },
}

# (seed, dashboard file, Grafana panel type, panel title, a series its queries read)
PANELS = [
    # 000's eight panels, and the reported traffic share
    ("000", "fraud-detector-ab", "piechart", "Traffic distribution", "ab_test_requests"),
    ("000", "fraud-detector-ab", "stat", "Model accuracy", "ab_test_model_accuracy"),
    ("000", "fraud-detector-ab", "stat", "Net business value", "ab_test_business_impact"),
    ("000", "fraud-detector-ab", "timeseries", "Request rate", "ab_test_requests"),
    (
        "000",
        "fraud-detector-ab",
        "timeseries",
        "Response time percentiles",
        "ab_test_response_time_seconds",
    ),
    ("000", "fraud-detector-ab", "heatmap", "Model performance heatmap", "ab_test_model_accuracy"),
    (
        "000",
        "fraud-detector-ab",
        "timeseries",
        "Business impact by type",
        "ab_test_business_impact",
    ),
    ("000", "fraud-detector-ab", "table", "Summary by variant", "ab_test_requests"),
    (
        "000",
        "fraud-detector-ab",
        "timeseries",
        "Traffic share: reported vs measured",
        "ab_test_traffic_percentage",
    ),
    # 001's five panels
    ("001", "model-serving-ab", "piechart", "Traffic distribution", "ab_test_requests"),
    ("001", "model-serving-ab", "stat", "Model Accuracy Comparison", "ab_test_model_accuracy"),
    (
        "001",
        "model-serving-ab",
        "timeseries",
        "Response time percentiles",
        "ab_test_response_time_seconds",
    ),
    ("001", "model-serving-ab", "stat", "Net business value", 'metric_type="net_business_value"'),
    ("001", "model-serving-ab", "timeseries", "Request rate", "ab_test_requests"),
    # 002's dashboard: rates, p95, errors by variant and by type, resources, mean latency
    ("002", "price-predictor-ab", "timeseries", "Request rate", "predictions"),
    (
        "002",
        "price-predictor-ab",
        "timeseries",
        "Response time percentiles",
        "prediction_duration_seconds",
    ),
    ("002", "price-predictor-ab", "timeseries", "Mean latency", "prediction_duration_seconds"),
    ("002", "price-predictor-ab", "timeseries", "Error ratio", "predictions_errors"),
    ("002", "price-predictor-ab", "timeseries", "Errors by type", "prediction_errors_total"),
    ("002", "price-predictor-ab", "timeseries", "CPU usage", "system_cpu_percent"),
    ("002", "price-predictor-ab", "timeseries", "Memory usage", "system_memory_percent"),
    # 003's complete dashboard: A/B panels, resources, pods and network; and a simple one
    ("003", "credit-risk-ab", "piechart", "Traffic distribution", "ab_test_requests"),
    ("003", "credit-risk-ab", "stat", "Model accuracy", "ab_test_model_accuracy"),
    ("003", "credit-risk-ab", "timeseries", "Error ratio", "ab_test_requests"),
    ("003", "credit-risk-ab", "timeseries", "CPU usage", "model_server_cpu_percent"),
    ("003", "credit-risk-ab", "timeseries", "Memory usage", "model_server_memory_percent"),
    ("003", "credit-risk-ab", "stat", "Model server pods by phase", "kube_pod_status_phase"),
    (
        "003",
        "credit-risk-ab",
        "timeseries",
        "Model server network traffic",
        "container_network_receive_bytes_total",
    ),
    ("003", "credit-risk-ab.simple", "piechart", "Traffic distribution", "ab_test_requests"),
    (
        "003",
        "credit-risk-ab.simple",
        "timeseries",
        "Response time percentiles",
        "ab_test_response_time_seconds",
    ),
    # 004's two dashboards
    ("004", "fraud-pipeline.performance", "stat", "Model Accuracy Over Time", "ml_model_accuracy"),
    ("004", "fraud-pipeline.performance", "xychart", "Precision vs Recall", "ml_model_recall"),
    ("004", "fraud-pipeline.performance", "table", "Business Metrics", "ml_business_roi"),
    (
        "004",
        "fraud-pipeline.data-quality",
        "timeseries",
        "Data Drift Score",
        "ml_data_drift_psi_score",
    ),
]

TITLES = {
    "credit-risk-ab": "Financial MLOps A/B Testing Dashboard",
    "fraud-pipeline.performance": "ML Model Performance",
    "fraud-pipeline.data-quality": "Data Quality Monitoring",
}

# (seed, labels of an alert, the receivers amtool says it reaches)
ROUTES = [
    (
        "000",
        {"team": "mlops", "severity": "critical", "category": "performance"},
        "mlops-pagerduty",
    ),
    ("000", {"team": "mlops", "severity": "warning", "category": "reliability"}, "mlops-slack"),
    (
        "001",
        {"team": "ab-platform", "severity": "critical", "category": "model_performance"},
        "ab-platform-pagerduty",
    ),
    (
        "001",
        {"team": "ab-platform", "severity": "warning", "category": "latency"},
        "ab-platform-slack",
    ),
    (
        "001",
        {"team": "ab-platform", "severity": "warning", "category": "prediction_drift"},
        "ab-platform-data-science,ab-platform-slack",
    ),
    (
        "004",
        {"team": "ml-platform", "severity": "critical", "category": "model_performance"},
        "ml-platform-pagerduty",
    ),
    (
        "004",
        {"team": "ml-platform", "severity": "warning", "category": "data_quality"},
        "ml-platform-data-quality,ml-platform-slack",
    ),
]


def _alerts(experiment: str) -> list[dict]:
    text = (GENERATED / f"prometheus/rules/{experiment}.rules.yaml").read_text()
    return [r for g in yaml.safe_load(text)["groups"] for r in g["rules"] if "alert" in r]


def _dashboard(name: str) -> dict:
    return json.loads((GENERATED / f"grafana/dashboards/{name}.json").read_text())


@pytest.mark.parametrize(
    ("seed", "experiment", "alert", "severity", "for_", "cmp", "category"), ALERTS
)
def test_each_alert_of_the_seeds(seed, experiment, alert, severity, for_, cmp, category) -> None:
    rules = [r for r in _alerts(experiment) if r["alert"] == alert]
    if severity is not None:
        rules = [r for r in rules if r["labels"]["severity"] == severity]
    assert rules, f"seed {seed}: no {alert} ({severity}) in {experiment}"
    for rule in rules:
        if for_ is not None:
            assert rule["for"] == for_
        if cmp is not None:
            assert rule["expr"].rstrip().endswith(cmp), rule["expr"]
        if category is not None:
            assert rule["labels"]["category"] == category


@pytest.mark.parametrize(("key", "annotations"), sorted(TEXT.items()))
def test_the_seeds_alert_text(key: tuple[str, str, str], annotations: dict[str, str]) -> None:
    experiment, alert, severity = key
    (rule,) = [
        r
        for r in _alerts(experiment)
        if r["alert"] == alert and r["labels"]["severity"] == severity
    ]
    assert {k: rule["annotations"][k] for k in annotations} == annotations


@pytest.mark.parametrize(("seed", "dashboard", "kind", "title", "reads"), PANELS)
def test_each_panel_of_the_seeds(seed, dashboard, kind, title, reads) -> None:
    panels = [
        p for p in _dashboard(dashboard)["panels"] if p["title"] == title and p["type"] != "row"
    ]
    assert len(panels) == 1, f"seed {seed}: panel {title!r} in {dashboard}"
    assert panels[0]["type"] == kind
    assert any(reads in t["expr"] for t in panels[0]["targets"]), panels[0]["targets"]


def test_the_seeds_dashboards_keep_their_titles_and_go_out_as_configmaps() -> None:
    for name, title in TITLES.items():
        assert _dashboard(name)["title"] == title
        configmap = yaml.safe_load(
            (GENERATED / f"kubernetes/grafana-dashboards/{name}.yaml").read_text()
        )
        assert json.loads(configmap["data"][f"{name}.json"])["title"] == title
    # 003's PrometheusRule in the monitoring namespace
    rule = yaml.safe_load(
        (GENERATED / "kubernetes/prometheusrules/credit-risk-ab.yaml").read_text()
    )
    assert rule["kind"] == "PrometheusRule" and rule["metadata"]["namespace"] == "monitoring"


def test_seed_001s_accuracy_stat_has_the_guides_colours() -> None:
    (panel,) = [
        p
        for p in _dashboard("model-serving-ab")["panels"]
        if p["title"] == "Model Accuracy Comparison"
    ]
    assert panel["fieldConfig"]["defaults"]["thresholds"]["steps"] == [
        {"color": "red", "value": None},
        {"color": "yellow", "value": 70},
        {"color": "green", "value": 80},
    ]


def test_seed_004s_drift_panel_draws_its_alert_levels() -> None:
    (panel,) = [
        p
        for p in _dashboard("fraud-pipeline.data-quality")["panels"]
        if p["title"] == "Data Drift Score"
    ]
    steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [s["value"] for s in steps] == [None, 0.1, 0.2]


@pytest.mark.parametrize(("seed", "labels", "receivers"), ROUTES)
def test_the_seeds_routing_as_amtool_walks_it(seed, labels, receivers) -> None:
    config = GENERATED / "alertmanager/alertmanager.yaml"
    args = [f'{k}="{v}"' for k, v in sorted(labels.items())]
    done = run_tool("amtool", "config", "routes", "test", f"--config.file={config}", *args)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == receivers


def test_the_seeds_channels_and_mail() -> None:
    config = yaml.safe_load((GENERATED / "alertmanager/alertmanager.yaml").read_text())
    receivers = {r["name"]: r for r in config["receivers"]}
    # 000: critical alerts to #mlops-alerts, an email list per severity
    assert receivers["mlops-pagerduty"]["slack_configs"][0]["channel"] == "#mlops-alerts"
    assert [
        r["email_configs"][0]["to"]
        for r in (receivers[n] for n in ("mlops-pagerduty", "mlops-slack", "mlops-email"))
    ] == ["mlops-oncall@example.com", "mlops-warnings@example.com", "mlops-team@example.com"]
    # 004: warnings to #ml-alerts, grouped by alert name and category every 10s
    assert receivers["ml-platform-slack"]["slack_configs"][0]["channel"] == "#ml-alerts"
    (team,) = [r for r in config["route"]["routes"] if r["matchers"] == ['team="ml-platform"']]
    assert {"alertname", "category"} <= set(team["group_by"])
    assert (team["group_wait"], team["group_interval"], team["repeat_interval"]) == (
        "10s",
        "10s",
        "1h",
    )
