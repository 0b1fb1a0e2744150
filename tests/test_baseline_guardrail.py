"""The baselines guardrail: a quality gauge's drop below a fixed baseline value, relative
to it (5% warning and 10% critical by default) or in the gauge's points. Exact rules,
errors at their line and column, a proof on the oldest and newest promtool, and mutants of
its threshold, baseline and matcher that the proof catches."""

from __future__ import annotations

import pytest
import yaml

from monogen.compile.panels import PanelBuilder
from monogen.pipeline import compile_targets, load
from tests.conftest import GENERATED, RELEASE_ENDS
from tests.mutants import assert_caught, assert_proven, proof_groups, refusal

SPEC = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: price-ab, team: recsys}
spec:
  variantLabel: variant
  variants:
    - {name: best_model, role: control}
    - {name: candidate_model, role: treatment}
  metrics:
    requests: {name: predictions_total}
    accuracy: {name: model_accuracy, selector: {source: "!=shadow"}}
    recall: {name: model_recall, scale: percent}
  guardrails:
    baselines:
      - metric: accuracy
        baseline: 0.92
      - metric: recall
        baseline: 80
        relative: false
        warning: {drop: 3, for: 10m}
  runbookUrl: https://runbooks.example.com/recsys
  grafanaUrl: https://grafana.example.com
"""

V = 'variant=~"best_model|candidate_model"'
ACCURACY = f'min by (variant) (model_accuracy{{source!="shadow", {V}}})'
RECALL = f"min by (variant) (model_recall{{{V}}})"


def test_the_rules_are_exact(write_spec) -> None:
    rules = compile_targets(load([write_spec(SPEC)])).rules["price-ab"]
    found = [(r.alert, r.expr, r.for_, r.labels["severity"]) for r in rules.alerts]
    assert found == [
        ("ModelAccuracyBelowBaseline", f"(0.92 - {ACCURACY}) / 0.92 > 0.05", "10m", "warning"),
        ("ModelAccuracyBelowBaseline", f"(0.92 - {ACCURACY}) / 0.92 > 0.1", "5m", "critical"),
        ("ModelRecallBelowBaseline", f"80 - {RECALL} > 3", "10m", "warning"),
    ]
    assert rules.alerts[0].annotations["summary"].go_template() == (
        "Accuracy drop from its baseline of 0.92 of variant {{ $labels.variant }} is above 5% "
        "in experiment price-ab"
    )


def test_the_dashboard_draws_the_drop_with_its_thresholds(write_spec) -> None:
    exp = load([write_spec(SPEC)]).experiments[0]
    by_title = {p.title: p for p in PanelBuilder(exp).rows()["quality"]}
    panel = by_title["Accuracy drop from its baseline of 0.92"]
    picked = ACCURACY.replace(V, 'variant=~"${variant:regex}"')
    assert panel.targets == [(f"(0.92 - {picked}) / 0.92", "{{variant}}")]
    assert panel.unit == "percentunit"
    assert [s["value"] for s in panel.thresholds] == [None, 0.05, 0.1]


ERRORS = [
    (
        "baseline: 0.92",
        "baseline: 92",
        "spec.yaml:16:19: error: 92.0 is outside 0-1, the scale of this ratio gauge (at "
        "spec.guardrails.baselines[0].baseline)\n  hint: the gauge reads 0-1: write 0.92 (or 92%)",
    ),
    (
        "baseline: 80",
        "baseline: 0.8",
        "spec.yaml:18:19: error: 0.8 on a gauge that reads 0-100 is 0.8%; did you mean 80 (or "
        "80%)? (at spec.guardrails.baselines[1].baseline)",
    ),
    (
        "baseline: 0.92",
        "baseline: 1e-17",
        "spec.yaml:16:19: error: a baseline of 1e-17 reads as 0.0 in the rules: the drop would "
        "divide by 0 (at spec.guardrails.baselines[0].baseline)\n  hint: rules keep 12 decimal "
        "places: judge the gauge in a larger unit, or round the baseline to a billionth of "
        "itself",
    ),
    (
        "baseline: 0.92",
        "baseline: 1.234567e-11",
        "spec.yaml:16:19: error: a baseline of 1.234567e-11 reads as 1.2e-11 in the rules (at "
        "spec.guardrails.baselines[0].baseline)\n  hint: rules keep 12 decimal places: judge "
        "the gauge in a larger unit, or round the baseline to a billionth of itself",
    ),
    (
        "baseline: 0.92",
        "baseline: 0",
        "spec.yaml:16:19: error: a baseline of 0 leaves no drop to judge (at "
        "spec.guardrails.baselines[0].baseline)",
    ),
    (
        "metric: recall",
        "metric: precision",
        "spec.yaml:17:17: error: `metrics.precision` is not declared (at "
        "spec.guardrails.baselines[1].metric)\n  hint: declare the precision gauge, or judge a "
        "declared one",
    ),
    (
        "metric: recall",
        "metric: accuracy",
        "spec.yaml:17:17: error: accuracy has a baseline already (at "
        "spec.guardrails.baselines[1].metric)",
    ),
    (
        "warning: {drop: 3, for: 10m}",
        "warning: {drop: 85, for: 10m}",
        "spec.yaml:20:25: error: a drop of 85 from a baseline of 80 could never be judged (at "
        "spec.guardrails.baselines[1].warning.drop)",
    ),
    (
        "baseline: 0.92",
        "baseline: 0.92\n        warning: {drop: 120%}",
        "spec.yaml:17:25: error: 120% is not a share between 0% and 100% (at "
        "spec.guardrails.baselines[0].warning.drop)",
    ),
    (
        "baseline: 0.92",
        "baseline: 0.92\n        warning: {drop: 10%}\n        critical: {drop: 5%}",
        "spec.yaml:18:19: error: the critical threshold (0.05) is milder than the warning one "
        "(0.1) (at spec.guardrails.baselines[0].critical)",
    ),
    (
        "baseline: 0.92",
        "baseline: 0.92\n        warning: {below: 5%}",
        "spec.yaml:17:18: error: missing required key 'drop' (at "
        "spec.guardrails.baselines[0].warning)",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERRORS)
def test_mistakes_are_refused_at_their_position(write_spec, old, new, expected) -> None:
    errors = refusal(write_spec, SPEC, old, new)
    assert expected in errors, errors


def test_the_proof_sets_the_gauge_from_the_baseline(write_spec) -> None:
    """Just past the 5% warning: a drop of 5.5% (the threshold plus 0.005, the smallest
    margin on a ratio) is the gauge at 0.92 * (1 - 0.055) = 0.8694, as the input holds it."""
    by_name = proof_groups(compile_targets(load([write_spec(SPEC)])), "price-ab")
    fires = by_name["ModelAccuracyBelowBaseline (warning): crosses and holds past `for`: fires"]
    assert fires["input_series"][0] == {
        "series": 'model_accuracy{instance="model-0", source="other", variant="best_model"}',
        "values": "0.8694x15",
    }
    inside = by_name["ModelAccuracyBelowBaseline (warning): stays just inside: silent"]
    assert inside["input_series"][0]["values"] == "0.8786x15"  # 0.92 * (1 - 0.045)


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_proves_every_level(write_spec, version: str) -> None:
    assert_proven(write_spec(SPEC), version, "price-ab    3/3   alerts proven (100%)  ok")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize(
    ("alert", "old", "new", "caught"),
    [
        ("ModelAccuracyBelowBaseline", "> 0.05", "> 0.056", "(warning): crosses and holds"),
        ("ModelAccuracyBelowBaseline", "> 0.05", "> 0.044", "(warning): stays just inside"),
        ("ModelAccuracyBelowBaseline", "(0.92 - ", "(0.93 - ", "(warning)"),  # the baseline
        ("ModelAccuracyBelowBaseline", 'source!="shadow", ', "", "(warning): stays just inside"),
        ("ModelRecallBelowBaseline", "> 3", "> 3.6", "(warning): crosses and holds"),
        ("ModelRecallBelowBaseline", "80 - ", "81 - ", "(warning)"),
    ],
)
def test_a_mutant_fails_the_proof(write_spec, alert, old, new, caught, version) -> None:
    assert_caught(write_spec(SPEC), alert, old, new, caught, version)


def test_text_names_the_gauge_as_people_write_it() -> None:
    """`aucRoc` is a spec key; the alert and its panel say AUC-ROC (the quality kind's noun)."""
    rules = yaml.safe_load((GENERATED / "prometheus/rules/fraud-pipeline.rules.yaml").read_text())
    summaries = {
        r["annotations"]["summary"]
        for g in rules["groups"]
        for r in g["rules"]
        if r.get("alert") == "ModelAucRocBelowBaseline"
    }
    assert summaries == {
        "AUC-ROC drop from its baseline of 0.92 of variant production is above 5% in "
        "experiment fraud-pipeline",
        "AUC-ROC drop from its baseline of 0.92 of variant production is above 10% in "
        "experiment fraud-pipeline",
    }
