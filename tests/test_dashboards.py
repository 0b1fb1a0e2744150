"""Generated Grafana dashboards: loadable by Grafana's own model, queries that parse as
PromQL, dashboard-linter rules, and thresholds equal to the alerts they stand beside."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import promql_parser
import pytest
import yaml
from grafana_foundation_sdk.models.dashboard import Dashboard

from tests.conftest import GENERATED, ROOT

DASHBOARDS = sorted((GENERATED / "grafana/dashboards").glob("*.json"))
BY_NAME = {p.stem: json.loads(p.read_text()) for p in DASHBOARDS}
EXPERIMENTS = [name for name in BY_NAME if not name.startswith("_") and "." not in name]
EXTRA = [name for name in BY_NAME if "." in name]  # <experiment>.<name>: a team's own
# the traffic split's alert, as monogen and specs/alert-text name it: a band, not a threshold
TRAFFIC_SPLIT = ("ExperimentTrafficImbalance", "ABTestTrafficImbalance")


def panels(dashboard: dict) -> list[dict]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def grafana_to_promql(expr: str) -> str:
    return (
        expr.replace("$__rate_interval", "5m")
        .replace("$__range", "1h")
        .replace("${variant:regex}", ".*")
    )


def test_one_dashboard_per_experiment_and_an_overview() -> None:
    assert sorted(EXPERIMENTS) == [
        "credit-risk-ab",
        "fraud-detector-ab",
        "fraud-pipeline",
        "model-serving-ab",
        "price-predictor-ab",
    ]
    assert "_overview" in BY_NAME
    assert sorted(EXTRA) == [
        "credit-risk-ab.simple",
        "fraud-pipeline.data-quality",
        "fraud-pipeline.performance",
    ]


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_grafana_foundation_sdk_loads_it(name: str) -> None:
    model = Dashboard.from_json(BY_NAME[name])
    assert model.uid == BY_NAME[name]["uid"]
    assert len(model.panels) == len(BY_NAME[name]["panels"])


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_query_parses_as_promql(name: str) -> None:
    exprs = [t["expr"] for p in panels(BY_NAME[name]) for t in p["targets"]]
    assert exprs
    for expr in exprs:
        promql_parser.parse(grafana_to_promql(expr))


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_dashboard_linter_rules(name: str) -> None:
    d = BY_NAME[name]
    assert d["schemaVersion"] >= 36
    variables = {v["name"]: v for v in d["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    ids = [p["id"] for p in d["panels"]]
    assert len(ids) == len(set(ids))
    for p in panels(d):
        assert p["title"], p
        assert p["datasource"] == {"type": "prometheus", "uid": "${datasource}"}, p["title"]
        assert p["fieldConfig"]["defaults"].get("unit"), p["title"]
        assert p["targets"], p["title"]
        for t in p["targets"]:
            assert t["datasource"] == p["datasource"]
            if "rate(" in t["expr"]:
                assert "[$__rate_interval]" in t["expr"], t["expr"]
            per_variant = "${variant:regex}" in t["expr"]  # experiment-wide: one series
            if p["type"] != "table" and "firing" not in t["legendFormat"] and per_variant:
                assert "{{" in t["legendFormat"] or name == "fraud-pipeline", t


def test_uids_are_unique_and_stable() -> None:
    uids = [d["uid"] for d in BY_NAME.values()]
    assert len(uids) == len(set(uids))
    assert BY_NAME["fraud-detector-ab"]["uid"] == "monogen-fraud-detector-ab"


def alert_thresholds(experiment: str) -> dict[str, set[float]]:
    rules = yaml.safe_load((GENERATED / f"prometheus/rules/{experiment}.rules.yaml").read_text())
    found: dict[str, set[float]] = {}
    for group in rules["groups"]:
        for rule in group["rules"]:
            # a band per variant, and comparisons whose panels draw one line each
            skipped = (*TRAFFIC_SPLIT, "TreatmentWorseThanControl")
            if "alert" in rule and rule["alert"] not in skipped:
                # a gated alert's threshold comes before its floor (`and on (...) ... >= n`)
                expr = re.sub(r" and on \([^)]*\) .* >= [0-9.e+-]+$", "", rule["expr"])
                match = re.search(r"[<>] (-?[0-9.e+-]+)$", expr)
                if match:
                    # each SLO has its own factors (scaled to its period)
                    slo = rule["labels"].get("slo")
                    key = f"{rule['alert']}/{slo}" if slo else rule["alert"]
                    found.setdefault(key, set()).add(float(match.group(1)))
    return found


def drawn_thresholds(dashboard: str, thresholds: dict[str, set[float]]) -> int:
    """Check each panel's thresholds against its alert's; how many were checked."""
    checked = 0
    for p in panels(BY_NAME[dashboard]):
        named = re.findall(r"Thresholds of alert (\w+)", p.get("description", ""))
        named = [a for a in named if a not in TRAFFIC_SPLIT]
        if named == ["SLOErrorBudgetBurn"]:  # "Burn rate: <slo> (…)"
            named = [f"{named[0]}/{p['title'].split(': ', 1)[1].split(' (')[0]}"]
        steps = [p["fieldConfig"]["defaults"]["thresholds"]["steps"]] + [
            prop["value"]["steps"]
            for o in p["fieldConfig"].get("overrides", [])
            for prop in o["properties"]
            if prop["id"] == "thresholds"
        ]
        values = [{s["value"] for s in group if s["value"] is not None} for group in steps]
        # an alert's levels are one group of steps; a guardrail whose levels have names
        # of their own draws them together (the note names each)
        drawn = set().union(*(thresholds[alert] for alert in named))
        for alert in named:
            assert thresholds[alert] in values or drawn in values, (p["title"], alert, values)
            checked += 1
    return checked


# alerts whose thresholds each extra dashboard draws, counted by hand from the specs: a
# guardrail whose levels have names of their own counts each (seed 004's accuracy and drift)
EXTRA_DRAWN = {
    "credit-risk-ab.simple": 3,  # built-in rows: accuracy stat and series, latency
    "fraud-pipeline.data-quality": 2,  # DataDriftDetected, SevereDataDrift
    "fraud-pipeline.performance": 2,  # ModelAccuracyDegraded, ModelAccuracyCritical
}


@pytest.mark.parametrize("dashboard", EXTRA)
def test_a_teams_panels_draw_the_thresholds_of_the_guardrail_they_name(dashboard: str) -> None:
    drawn = drawn_thresholds(dashboard, alert_thresholds(dashboard.split(".")[0]))
    assert drawn == EXTRA_DRAWN[dashboard]


@pytest.mark.parametrize("experiment", EXPERIMENTS)
def test_panel_thresholds_equal_alert_thresholds(experiment: str) -> None:
    thresholds = alert_thresholds(experiment)
    checked = drawn_thresholds(experiment, thresholds)
    guarded = {a for a in thresholds if a not in ("ModelServerDown",)}
    assert checked >= len(guarded)
    drawn = {
        alert
        for p in panels(BY_NAME[experiment])
        for alert in re.findall(r"Thresholds of alert (\w+)", p.get("description", ""))
    }
    assert {a.split("/")[0] for a in guarded} <= drawn, guarded - drawn


def test_traffic_panel_shows_each_variants_allowed_band() -> None:
    share = next(
        p for p in panels(BY_NAME["fraud-detector-ab"]) if p["title"] == "Traffic share vs target"
    )
    bands = {
        o["matcher"]["options"]: [s["value"] for s in o["properties"][0]["value"]["steps"]]
        for o in share["fieldConfig"]["overrides"]
    }
    assert bands == {"baseline-predictor": [None, 65, 75], "enhanced-predictor": [None, 25, 35]}


def test_every_alert_links_to_its_experiments_dashboard() -> None:
    uids = {d["uid"] for d in BY_NAME.values()}
    for experiment in EXPERIMENTS:
        rules = yaml.safe_load(
            (GENERATED / f"prometheus/rules/{experiment}.rules.yaml").read_text()
        )
        for group in rules["groups"]:
            for rule in group["rules"]:
                if "alert" in rule:
                    uid = rule["annotations"]["dashboard_url"].split("/d/")[1].split("/")[0]
                    assert uid == BY_NAME[experiment]["uid"] and uid in uids


def test_panels_follow_the_metrics_the_spec_declares() -> None:
    def titles(name: str) -> set[str]:
        return {p["title"] for p in panels(BY_NAME[name])}

    assert {
        "Traffic distribution",
        "Model accuracy",
        "Response time percentiles",
        "Error ratio",
        "Net business value",
    } <= titles("fraud-detector-ab")
    assert "Model accuracy" not in titles("price-predictor-ab")
    assert "Traffic distribution" not in titles("fraud-pipeline")  # a single model
    assert {
        "Data drift (PSI) by feature",
        "Precision vs recall",
        "Return on investment",
        "Disk usage",
    } <= titles("fraud-pipeline")


def test_overview_links_every_experiment_and_counts_firing_alerts() -> None:
    overview = BY_NAME["_overview"]
    assert {link["url"] for link in overview["links"]} == {f"/d/monogen-{n}" for n in EXPERIMENTS}
    exprs = [t["expr"] for p in panels(overview) for t in p["targets"]]
    assert any("ALERTS{" in e and 'alertstate="firing"' in e for e in exprs)


def test_sidecar_configmaps_and_provisioning() -> None:
    cm = yaml.safe_load(
        (GENERATED / "kubernetes/grafana-dashboards/fraud-detector-ab.yaml").read_text()
    )
    assert cm["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert cm["metadata"]["annotations"]["grafana_folder"] == "Financial MLOps"
    assert json.loads(cm["data"]["fraud-detector-ab.json"]) == BY_NAME["fraud-detector-ab"]
    prov = yaml.safe_load((GENERATED / "grafana/provisioning/dashboards.yaml").read_text())
    assert prov["providers"][0]["type"] == "file"


def test_grafanalib_is_imported_lazily() -> None:
    code = "import sys, monogen.cli, monogen.pipeline; print('grafanalib' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "False"
