"""The requestRateAnomaly guardrail: a variant's request rate against its own rate the
same window a week (or a day) earlier, judged from a traffic floor then. Exact rules, the
proof's rule file (the same expressions with a shorter offset, said in both files'
comments), errors at their line and column, a proof on the oldest and newest promtool, and
mutants of its threshold, floor, offset, window and matcher that the proof catches."""

from __future__ import annotations

import pytest

from monogen.compile.panels import PanelBuilder
from monogen.pipeline import compile_specs, compile_targets, load
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
  guardrails:
    requestRateAnomaly:
      offset: 1w
      minRate: 2
      warning: {below: 50%, for: 15m}
      critical: {below: 20%, for: 5m}
  runbookUrl: https://runbooks.example.com/recsys
  grafanaUrl: https://grafana.example.com
"""

REQUESTS = 'predictions_total{env!="dev", variant=~"best_model|candidate_model"}'
NOW = f"sum by (variant) (rate({REQUESTS}[5m]))"
THEN = f"sum by (variant) (rate({REQUESTS}[5m] offset 1w))"
ALERT = "ExperimentRequestRateDrop"


def test_the_rules_are_exact(write_spec) -> None:
    rules = compile_targets(load([write_spec(SPEC)])).rules["price-ab"]
    found = [(r.expr, r.for_, r.labels["severity"]) for r in rules.alerts]
    assert found == [
        (f"{NOW} / {THEN} < 0.2 and on (variant) {THEN} >= 2", "5m", "critical"),
        (f"{NOW} / {THEN} < 0.5 and on (variant) {THEN} >= 2", "15m", "warning"),
    ]
    assert rules.alerts[1].annotations["description"].go_template() == (
        "Request rate against 1w earlier of variant {{ $labels.variant }} in experiment "
        "price-ab is {{ $value | humanizePercentage }}, below the warning threshold of 50% "
        "(from 2 requests/s or more then) for more than 15m."
    )


def test_the_proof_reads_the_rules_with_a_shorter_offset_and_says_so(write_spec) -> None:
    """The proof's offset: the 5m window, the longest `for` (15m) and a step: 21m."""
    files = compile_specs(load([write_spec(SPEC)]))
    rules = files["prometheus/rules/price-ab.rules.yaml"]
    proof = files["prometheus/tests/price-ab.proof.rules.yaml"]
    tests = files["prometheus/tests/price-ab.test.yaml"]
    assert rules.count("offset 1w") == 4 and "offset 21m" not in rules
    assert proof == rules.replace("offset 1w", "offset 21m").replace(
        "run `monogen build`.\n",
        "run `monogen build`.\n# The rules of price-ab.rules.yaml with `offset 1w` read as "
        "`offset 21m`, for the promtool tests\n# beside it: the same expressions over a "
        "shorter history\n# (promtool evaluates every rule each minute of the history a "
        "test needs).\n",
        1,
    )
    assert tests.splitlines()[1:5] == [
        "# These tests read price-ab.proof.rules.yaml: the rules of price-ab.rules.yaml with",
        "# `offset 1w` read as `offset 21m`: the same expressions over a shorter history",
        "# (promtool evaluates every rule each minute of the history a test needs).",
        "rule_files:",
    ]
    assert "  - price-ab.proof.rules.yaml\n" in tests


def test_the_proof_rewrites_the_offset_not_a_label_value_reading_like_one(write_spec) -> None:
    """A selector value `dev offset 1w` is data: the proof's rule keeps it as written and
    reads the alert's own offsets as 21m, so it proves the rule deployed."""
    spec = SPEC.replace('selector: {env: "!=dev"}', 'selector: {env: "!=dev offset 1w"}')
    files = compile_specs(load([write_spec(spec)]))
    rules = files["prometheus/rules/price-ab.rules.yaml"]
    proof = files["prometheus/tests/price-ab.proof.rules.yaml"]
    assert rules.count('env!="dev offset 1w"') == 7 and rules.count("] offset 1w)") == 4
    assert proof.count('env!="dev offset 1w"') == 7 and proof.count("] offset 21m)") == 4
    assert "] offset 1w)" not in proof
    body = proof.split("\ngroups:", 1)[1]
    assert body == rules.split("\ngroups:", 1)[1].replace("] offset 1w)", "] offset 21m)")


def test_an_offset_the_proof_can_hold_is_not_rewritten(write_spec) -> None:
    files = compile_specs(load([write_spec(SPEC.replace("offset: 1w", "offset: 21m"))]))
    assert "prometheus/tests/price-ab.proof.rules.yaml" not in files
    assert "  - ../rules/price-ab.rules.yaml\n" in files["prometheus/tests/price-ab.test.yaml"]


def test_the_counter_drops_after_the_proof_offset(write_spec) -> None:
    """6000 requests a step (100/s) for 21 steps, then 49% of them (just past 50%)."""
    groups = proof_groups(compile_targets(load([write_spec(SPEC)])), "price-ab")
    fires = groups[f"{ALERT} (warning): crosses and holds past `for`: fires"]
    assert fires["input_series"][0] == {
        "series": 'predictions_total{env="other", variant="best_model"}',
        "values": "0+6000x21 128940+2940x25",
    }
    assert 21 * 6000 + 2940 == 128940 and round(0.49 * 6000) == 2940
    floor = [n for n in groups if "no request after" in n and "(warning)" in n]
    # 2/s is 7680/64 a step: 7679/64 and 7681/64 a step are just under and over it
    assert floor == [
        f"{ALERT} (warning): no request after 1.999739583333/s then: silent",
        f"{ALERT} (warning): no request after 2.000260416667/s then: fires",
    ]
    assert round(7679 / 64 / 60, 12) == 1.999739583333


def test_the_dashboard_draws_the_ratio(write_spec) -> None:
    exp = load([write_spec(SPEC)]).experiments[0]
    by_title = {p.title: p for p in PanelBuilder(exp).rows()["traffic"]}
    panel = by_title["Request rate against 1w earlier"]
    picked = REQUESTS.replace('"best_model|candidate_model"', '"${variant:regex}"')
    assert panel.targets == [
        (
            f"sum by (variant) (rate({picked}[$__rate_interval])) / sum by (variant) "
            f"(rate({picked}[$__rate_interval] offset 1w))",
            "{{variant}}",
        )
    ]
    assert [s["value"] for s in panel.thresholds] == [None, 0.2, 0.5]


ERRORS = [
    (
        "offset: 1w",
        "offset: 2m",
        "spec.yaml:14:15: error: an offset of 2m is shorter than the rate window (5m): the two "
        "rates would overlap (at spec.guardrails.requestRateAnomaly.offset)\n  hint: compare "
        "with the same window a day (1d) or a week (1w) earlier",
    ),
    (
        "offset: 1w",
        "offset: 10m",
        "spec.yaml:14:15: error: an offset of 10m is too short for the rate window (5m) and "
        "the longest `for` (15m): after a drop, the share is low only until the earlier window "
        "reaches the drop too, too briefly for the alert to fire (at spec.guardrails."
        "requestRateAnomaly.offset)\n  hint: write `offset: 21m` or more (the rate window, the "
        "longest `for` and a minute), or compare with a day (1d) or a week (1w) earlier",
    ),
    (
        "warning: {below: 50%, for: 15m}",
        "warning: {above: 200%, for: 15m}",
        "spec.yaml:16:24: error: request rate against the same window earlier alerts fire "
        "below a threshold, not above it (at spec.guardrails.requestRateAnomaly.warning.above)",
    ),
    (
        "warning: {below: 50%, for: 15m}",
        "warning: {below: 50, for: 15m}",
        "spec.yaml:16:24: error: 50 is not a share between 0% and 100%; did you mean 50%? (at "
        "spec.guardrails.requestRateAnomaly.warning.below)",
    ),
    (
        "minRate: 2",
        "minRate: 0",
        "spec.yaml:15:16: error: input should be greater than 0, got 0 (at "
        "spec.guardrails.requestRateAnomaly.minRate)",
    ),
    (
        "    requests: {name: predictions_total}\n",
        "    accuracy: {name: model_accuracy}\n",
        "spec.yaml:14:7: error: guardrail 'requestRateAnomaly' needs `metrics.requests` (at "
        "spec.guardrails.requestRateAnomaly)",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERRORS)
def test_mistakes_are_refused_at_their_position(write_spec, old, new, expected) -> None:
    errors = refusal(write_spec, SPEC, old, new)
    assert expected in errors, errors


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize("offset", ["1w", "1d"])
def test_promtool_proves_both_levels(write_spec, version: str, offset: str) -> None:
    specs = write_spec(SPEC.replace("offset: 1w", f"offset: {offset}"))
    assert_proven(specs, version, "price-ab    2/2   alerts proven (100%)  ok")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize(
    ("old", "new", "caught"),
    [
        ("< 0.5 ", "< 0.485 ", "crosses and holds past `for`: fires"),  # threshold
        ("< 0.5 ", "< 0.515 ", "stays just inside: silent"),
        (">= 2", ">= 1.9997", "/s then: silent"),  # the traffic floor
        (">= 2", ">= 2.0003", "/s then: fires"),
        ("offset 1w", "offset 1d", "crosses and holds past `for`: fires"),  # the offset
        ("[5m] offset", "[10m] offset", "crosses"),  # the earlier window
        ('env!="dev", ', "", "stays just inside: silent"),  # the experiment's selector
    ],
)
def test_a_mutant_fails_the_proof(write_spec, old: str, new: str, caught: str, version) -> None:
    assert_caught(write_spec(SPEC), ALERT, old, new, caught, version)


def test_a_rewrite_reaches_only_its_own_rules_and_whole_tokens() -> None:
    """`offset 1d` is rewritten in the asking guardrail's alert, not inside a string, not
    as the start of `offset 1d12h`, and not in another guardrail's rule."""
    from monogen.model.rules import AlertingRule, AlertIntent, RuleFile, RuleGroup
    from monogen.targets.promtool_tests import _rewritten

    own, other = object(), object()
    expr = 'rate(x{a="b offset 1d"}[5m] offset 1d) / rate(y[5m] offset 1d12h) > 0.5'

    def alert(rail: object) -> AlertingRule:
        return AlertingRule("A", expr, "5m", {}, {}, AlertIntent(rail, "x", "below", 0.5, ()))

    rules = RuleFile("e", "s", "n", "t", {}, (RuleGroup("g", (alert(own), alert(other))),))
    mine, theirs = _rewritten(rules, [(own, {"offset 1d": "offset 21m"})]).alerts
    assert mine.expr == 'rate(x{a="b offset 1d"}[5m] offset 21m) / rate(y[5m] offset 1d12h) > 0.5'
    assert theirs.expr == expr
