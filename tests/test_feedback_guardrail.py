"""The negativeFeedback guardrail: the share of negative feedback types among a variant's
feedback, judged from a minimum feedback volume on. Exact rules, errors at their line and
column, a proof on the oldest and newest promtool, and mutants of its threshold, minimum,
window and matchers that the proof catches."""

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
  selector: {env: "!=dev"}
  variantLabel: variant
  variants:
    - {name: best_model, role: control}
    - {name: candidate_model, role: treatment}
  metrics:
    requests: {name: predictions_total}
    feedback: {name: feedback_total}
  guardrails:
    negativeFeedback:
      negative: {feedback_type: "=~too_high|too_low"}
      among: {feedback_type: "!=rating"}
      minFeedback: 50
      window: 1h
      warning: {above: 30%, for: 15m}
      critical: {above: 50%, for: 5m}
  runbookUrl: https://runbooks.example.com/recsys
  grafanaUrl: https://grafana.example.com
"""

V = 'variant=~"best_model|candidate_model"'
NEGATIVE = f'feedback_total{{env!="dev", feedback_type=~"too_high|too_low", {V}}}'
AMONG = f'feedback_total{{env!="dev", feedback_type!="rating", {V}}}'
SHARE = f"sum by (variant) (rate({NEGATIVE}[1h])) / sum by (variant) (rate({AMONG}[1h]))"
VOLUME = f"sum by (variant) (increase({AMONG}[1h]))"


def _rules(specs):
    return compile_targets(load([specs]))


def test_the_rules_are_exact(write_spec) -> None:
    rules = _rules(write_spec(SPEC)).rules["price-ab"]
    found = [(r.expr, r.for_, r.labels["severity"]) for r in rules.alerts]
    assert found == [
        (f"{SHARE} > 0.5 and on (variant) {VOLUME} >= 50", "5m", "critical"),
        (f"{SHARE} > 0.3 and on (variant) {VOLUME} >= 50", "15m", "warning"),
    ]
    assert rules.alerts[1].annotations["description"].go_template() == (
        "Share of negative feedback over 1h of variant {{ $labels.variant }} in experiment "
        "price-ab is {{ $value | humanizePercentage }}, above the warning threshold of 30% "
        "(at least 50 feedback events in 1h) for more than 15m."
    )


def test_the_dashboard_shows_the_share_and_the_volume(write_spec) -> None:
    exp = load([write_spec(SPEC)]).experiments[0]
    panels = PanelBuilder(exp).rows()["quality"]
    by_title = {p.title: p for p in panels}
    picked = 'variant=~"${variant:regex}"'
    share = by_title["Negative feedback share"]
    assert share.targets == [
        (SHARE.replace(V, picked).replace("[1h]", "[$__rate_interval]"), "{{variant}}")
    ]
    assert [s["value"] for s in share.thresholds] == [None, 0.3, 0.5]
    volume = by_title["Feedback events per 1h"]
    among = AMONG.replace(V, picked)
    assert volume.targets == [
        (f"sum by (variant) (rate({among}[$__rate_interval])) * 3600", "{{variant}}")
    ]
    assert [s["value"] for s in volume.thresholds] == [None, 50]


ERRORS = [
    (
        "    feedback: {name: feedback_total}\n",
        "",
        "spec.yaml:14:7: error: guardrail 'negativeFeedback' needs `metrics.feedback` "
        "(at spec.guardrails.negativeFeedback)\n  hint: declare the metric that exposes the "
        "negative feedback share, or remove the guardrail",
    ),
    (
        'negative: {feedback_type: "=~too_high|too_low"}',
        "negative: {}",
        "spec.yaml:15:17: error: give the matchers that pick negative feedback (at "
        "spec.guardrails.negativeFeedback.negative)\n  hint: e.g. negative: {feedback_type: "
        '"=~too_high|too_low"}',
    ),
    (
        'among: {feedback_type: "!=rating"}',
        'among: {feedback_type: "=~too_high|accurate"}',
        "spec.yaml:16:30: error: some negative feedback is not counted among the feedback "
        "('=~too_high|accurate' leaves out feedback the negative matchers pick): the share "
        "could exceed 100% (at spec.guardrails.negativeFeedback.among.feedback_type)",
    ),
    (
        'among: {feedback_type: "!=rating"}',
        'among: {feedback_type: "=~too_high|too_low"}',
        "spec.yaml:15:17: error: the negative matchers pick every feedback the share is taken "
        "of: the share would be 100% for ever (at spec.guardrails.negativeFeedback.negative)",
    ),
    (
        'among: {feedback_type: "!=rating"}',
        "among: {feedback_type: rating}",
        "spec.yaml:15:17: error: the negative matchers pick no feedback the share is taken "
        "of: the share would be 0% for ever (at spec.guardrails.negativeFeedback.negative)",
    ),
    (
        'negative: {feedback_type: "=~too_high|too_low"}',
        'negative: {env: "=~too_high|too_low"}',
        "spec.yaml:15:23: error: label 'env' is matched by '=~too_high|too_low' here but by "
        "'!=dev' by an enclosing selector",
    ),
    (
        'negative: {feedback_type: "=~too_high|too_low"}',
        "negative: {variant: best_model}",
        "spec.yaml:15:27: error: 'variant' is the variant label (at spec.guardrails."
        "negativeFeedback.negative.variant)",
    ),
    (
        "window: 1h",
        "window: 1m",
        "spec.yaml:18:15: error: the window (1m) is shorter than the rate window (5m) (at "
        "spec.guardrails.negativeFeedback.window)\n  hint: write `window: 5m` or more",
    ),
    (
        "minFeedback: 50",
        "minFeedback: 0",
        "spec.yaml:17:20: error: input should be greater than 0, got 0 (at spec.guardrails."
        "negativeFeedback.minFeedback)",
    ),
    (
        "warning: {above: 30%, for: 15m}",
        "warning: {below: 30%, for: 15m}",
        "spec.yaml:19:24: error: negative feedback share alerts fire above a threshold, not "
        "below it (at spec.guardrails.negativeFeedback.warning.below)",
    ),
    (
        "warning: {above: 30%, for: 15m}",
        "warning: {above: 30, for: 15m}",
        "spec.yaml:19:24: error: 30 is not a share between 0% and 100%; did you mean 30%? (at "
        "spec.guardrails.negativeFeedback.warning.above)",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERRORS)
def test_mistakes_are_refused_at_their_position(write_spec, old, new, expected) -> None:
    errors = refusal(write_spec, SPEC, old, new)
    assert expected in errors, errors


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_proves_both_levels(write_spec, version: str) -> None:
    assert_proven(write_spec(SPEC), version, "price-ab    2/2   alerts proven (100%)  ok")


def test_the_proof_holds_the_floor_cases(write_spec) -> None:
    """Every feedback negative, on volumes either side of the minimum of 50: 53/64 and
    54/64 feedback a step, over the 60 steps of the hour."""
    groups = proof_groups(_rules(write_spec(SPEC)), "price-ab")
    floor = {name: t for name, t in groups.items() if "every feedback negative" in name}
    assert sorted(floor) == [
        "ModelNegativeFeedbackHigh (critical): every feedback negative, 49.6875 events: silent",
        "ModelNegativeFeedbackHigh (critical): every feedback negative, 50.625 events: fires",
        "ModelNegativeFeedbackHigh (warning): every feedback negative, 49.6875 events: silent",
        "ModelNegativeFeedbackHigh (warning): every feedback negative, 50.625 events: fires",
    ]
    assert 53 * 60 / 64 == 49.6875 and 54 * 60 / 64 == 50.625
    silent = floor[
        "ModelNegativeFeedbackHigh (warning): every feedback negative, 49.6875 events: silent"
    ]
    assert silent["input_series"] == [
        {
            "series": 'feedback_total{env="other", feedback_type="too_high", variant="best_model"}',
            "values": "0+0.828125x81",
        }
    ]


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize(
    ("old", "new", "caught"),
    [
        ("> 0.3 ", "> 0.31 ", "crosses and holds past `for`: fires"),  # threshold
        ("> 0.3 ", "> 0.29 ", "stays just inside: silent"),
        (">= 50", ">= 49", "events: silent"),  # minimum volume
        (">= 50", ">= 51", "events: fires"),
        ("[1h])) >= 50", "[30m])) >= 50", "events: fires"),  # the volume's window
        (', feedback_type!="rating"', "", "crosses and holds past `for`: fires"),  # among
        ('feedback_type=~"too_high|too_low", ', "", "(warning)"),  # negative
        ('env!="dev", ', "", "stays just inside: silent"),  # the experiment's selector
    ],
)
def test_a_mutant_fails_the_proof(write_spec, old: str, new: str, caught: str, version) -> None:
    assert_caught(write_spec(SPEC), "ModelNegativeFeedbackHigh", old, new, caught, version)
