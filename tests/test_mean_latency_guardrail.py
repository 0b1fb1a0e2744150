"""The meanLatency guardrail: the request-duration histogram's `_sum` over its `_count`
per variant (seed 002's average response time). Exact rules and panel, errors at their
line, a proof on the oldest and newest promtool, and mutants its proof catches."""

from __future__ import annotations

import pytest

from monogen.compile.panels import PanelBuilder
from monogen.pipeline import compile_targets, load
from tests.conftest import RELEASE_ENDS
from tests.mutants import assert_caught, assert_proven, proof_groups, refusal

SPEC = """\
apiVersion: monogen/v1
kind: Experiment
metadata: {name: price-ab, team: recsys}
spec:
  selector: {job: "=~predictor-.+"}
  variantLabel: variant
  variants:
    - {name: best_model, role: control}
    - {name: candidate_model, role: treatment}
  metrics:
    requests: {name: predictions_total}
    latency: {name: prediction_duration_seconds, selector: {endpoint: "!=health"}}
  guardrails:
    meanLatency:
      warning: {above: 150ms, for: 5m}
      critical: {above: 400ms, for: 2m}
  runbookUrl: https://runbooks.example.com/recsys
  grafanaUrl: https://grafana.example.com
"""

SEL = 'job=~"predictor-.+", endpoint!="health", variant=~"best_model|candidate_model"'
MEAN = (
    f"sum by (variant) (rate(prediction_duration_seconds_sum{{{SEL}}}[5m])) / "
    f"sum by (variant) (rate(prediction_duration_seconds_count{{{SEL}}}[5m]))"
)


def test_the_rules_are_exact(write_spec) -> None:
    rules = compile_targets(load([write_spec(SPEC)])).rules["price-ab"]
    found = [(r.alert, r.expr, r.for_, r.labels["severity"]) for r in rules.alerts]
    assert sorted(found) == [
        ("ModelHighMeanLatency", f"{MEAN} > 0.15", "5m", "warning"),
        ("ModelHighMeanLatency", f"{MEAN} > 0.4", "2m", "critical"),
    ]
    warning = next(r for r in rules.alerts if r.labels["severity"] == "warning")
    assert warning.annotations["summary"].go_template() == (
        "Mean latency of variant {{ $labels.variant }} is above 150ms in experiment price-ab"
    )


def test_the_latency_row_draws_the_mean_with_its_thresholds(write_spec) -> None:
    exp = load([write_spec(SPEC)]).experiments[0]
    rows = PanelBuilder(exp).rows()
    (panel,) = [p for p in rows["latency"] if p.title == "Mean latency"]
    sel = 'job=~"predictor-.+", endpoint!="health", variant=~"${variant:regex}"'
    assert panel.targets == [
        (
            f"sum by (variant) (rate(prediction_duration_seconds_sum{{{sel}}}[$__rate_interval]))"
            f" / sum by (variant) (rate(prediction_duration_seconds_count{{{sel}}}"
            "[$__rate_interval]))",
            "{{variant}}",
        )
    ]
    assert panel.unit == "s"
    assert panel.thresholds == [
        {"color": "green", "value": None},
        {"color": "orange", "value": 0.15},
        {"color": "red", "value": 0.4},
    ]


ERRORS = [
    (
        '    latency: {name: prediction_duration_seconds, selector: {endpoint: "!=health"}}\n',
        "",
        "spec.yaml:14:7: error: guardrail 'meanLatency' needs `metrics.latency` (at "
        "spec.guardrails.meanLatency)\n  hint: declare the metric that exposes the mean "
        "latency, or remove the guardrail",
    ),
    (
        "warning: {above: 150ms, for: 5m}",
        "warning: {below: 150ms, for: 5m}",
        "spec.yaml:15:24: error: mean latency alerts fire above a threshold, not below it "
        "(at spec.guardrails.meanLatency.warning.below)\n  hint: write `above: ...`",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERRORS)
def test_mistakes_are_refused_at_their_position(write_spec, old, new, expected) -> None:
    errors = refusal(write_spec, SPEC, old, new)
    assert expected in errors, errors


def test_the_proof_grows_sum_and_count_so_the_mean_is_the_probe(write_spec) -> None:
    """Just past 150ms: 155ms (the threshold plus 5ms, the smallest margin in seconds, as
    2% of 150ms is less): _count grows 600 a step and _sum 600 × 0.155 = 93 (by hand)."""
    by_name = proof_groups(compile_targets(load([write_spec(SPEC)])), "price-ab")
    fires = by_name["ModelHighMeanLatency (warning): crosses and holds past `for`: fires"]
    values = {s["series"].split("{")[0]: s["values"] for s in fires["input_series"]}
    assert values["prediction_duration_seconds_count"].startswith("0+600x")
    assert values["prediction_duration_seconds_sum"].startswith("0+93x")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_proves_every_level(write_spec, version: str) -> None:
    assert_proven(write_spec(SPEC), version, "price-ab    2/2   alerts proven (100%)  ok")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize(
    ("old", "new", "caught"),
    [
        ("> 0.15", "> 0.16", "(warning): crosses and holds"),  # the threshold
        ("> 0.15", "> 0.14", "(warning): stays just inside"),
        ("_sum{", "_count{", "(warning): crosses and holds"),  # count over count: 1s
        ('endpoint!="health", ', "", "(warning): stays just inside"),  # the matcher
    ],
)
def test_a_mutant_fails_the_proof(write_spec, old, new, caught, version) -> None:
    assert_caught(write_spec(SPEC), "ModelHighMeanLatency", old, new, caught, version)
