"""The two-sided requestRateAnomaly: `surge:` levels add a second alert, the rate now
above a share (110% or more) of the rate `offset` earlier, with the same traffic floor on
the earlier rate. Exact rules, the proof's counters (computed here by hand), errors at
their line and column, a proof on the oldest and newest promtool, and mutants of the
surge's threshold, direction, floor and offset that the proof catches. Drops are
tests/test_request_rate_guardrail.py's."""

from __future__ import annotations

import json

import pytest

from monogen.compile.panels import PanelBuilder
from monogen.pipeline import compile_specs, compile_targets, load
from tests.conftest import RELEASE_ENDS, invoke
from tests.mutants import assert_caught, assert_proven, proof_groups, refusal
from tests.test_request_rate_guardrail import NOW, THEN
from tests.test_request_rate_guardrail import SPEC as DROPS

SPEC = DROPS.replace(
    "      critical: {below: 20%, for: 5m}\n",
    "      critical: {below: 20%, for: 5m}\n"
    "      surge:\n"
    "        warning: {above: 300%, for: 15m}\n"
    "        critical: {above: 500%, for: 5m}\n",
)
SURGE = "ExperimentRequestRateSurge"
GATE = f"and on (variant) {THEN} >= 2"


def test_the_rules_are_exact(write_spec) -> None:
    """The drops as they were, then the surges: the same share and floor, `>`."""
    rules = compile_targets(load([write_spec(SPEC)])).rules["price-ab"]
    found = [(r.alert, r.expr, r.for_, r.labels["severity"]) for r in rules.alerts]
    drop = "ExperimentRequestRateDrop"
    assert found == [
        (drop, f"{NOW} / {THEN} < 0.2 {GATE}", "5m", "critical"),
        (drop, f"{NOW} / {THEN} < 0.5 {GATE}", "15m", "warning"),
        (SURGE, f"{NOW} / {THEN} > 5 {GATE}", "5m", "critical"),
        (SURGE, f"{NOW} / {THEN} > 3 {GATE}", "15m", "warning"),
    ]
    warning = rules.alerts[3]
    assert warning.labels["category"] == "traffic"
    assert warning.annotations["description"].go_template() == (
        "Request rate against 1w earlier of variant {{ $labels.variant }} in experiment "
        "price-ab is {{ $value | humanizePercentage }}, above the warning threshold of 300% "
        "(from 2 requests/s or more then) for more than 15m."
    )
    assert warning.annotations["runbook_url"].go_template() == (
        "https://runbooks.example.com/recsys/experiment-request-rate-surge"
    )


def test_drops_alone_compile_as_before(write_spec) -> None:
    """Without `surge:`, the rule file holds no surge (the drop's bytes are the drop
    test's and the golden files')."""
    files = compile_specs(load([write_spec(DROPS)]))
    assert SURGE not in files["prometheus/rules/price-ab.rules.yaml"]


def test_the_surge_proof_steps_the_counter_up_a_window_later(write_spec) -> None:
    """The proof's offset is 21m (a 5m window, the longest `for` 15m, a step). A surge
    steps up 26 steps in (21 + a 5m window, so the earlier window is whole before the
    current one rises): 6000 requests a step, then 18360 (306%, just past 300%). The
    series run 50 steps: the check at 30 + 15 + 1 minutes, and 4 more."""
    groups = proof_groups(compile_targets(load([write_spec(SPEC)])), "price-ab")
    fires = groups[f"{SURGE} (warning): crosses and holds past `for`: fires"]
    assert round(3.06 * 6000) == 18360 and 26 * 6000 + 18360 == 174360
    assert fires["input_series"][0] == {
        "series": 'predictions_total{env="other", variant="best_model"}',
        "values": "0+6000x26 174360+18360x24",
    }
    assert fires["alert_rule_test"][0]["eval_time"] == "46m"  # 30m start, 15m, a step
    (alert,) = fires["alert_rule_test"][0]["exp_alerts"]
    assert alert["exp_annotations"]["description"] == (
        "Request rate against 1w earlier of variant best_model in experiment price-ab is "
        "306%, above the warning threshold of 300% (from 2 requests/s or more then) for "
        "more than 15m."
    )
    early = groups[f"{SURGE} (warning): crosses, but not yet for `for`: silent"]
    assert early["alert_rule_test"][0]["eval_time"] == "44m"
    inside = groups[f"{SURGE} (warning): stays just inside: silent"]
    assert inside["input_series"][0]["values"] == "0+6000x26 173640+17640x24"
    assert round(2.94 * 6000) == 17640 and 26 * 6000 + 17640 == 173640
    # the floor: ten times (twice the highest level, 500%) a rate of 7679/64 and
    # 7681/64 a step, just under and over 2/s
    floor = {n: g for n, g in groups.items() if "times the rate" in n and "(warning)" in n}
    assert sorted(floor) == [
        f"{SURGE} (warning): 10 times the rate after 1.999739583333/s then: silent",
        f"{SURGE} (warning): 10 times the rate after 2.000260416667/s then: fires",
    ]
    over = floor[f"{SURGE} (warning): 10 times the rate after 2.000260416667/s then: fires"]
    per_step = 7681 / 64
    assert over["input_series"][0]["values"] == (
        f"0+{per_step:.12g}x26 {26 * per_step + 10 * per_step:.12g}+{10 * per_step:.12g}x24"
    )


def test_the_dashboard_draws_the_surge_beside_the_drop(write_spec) -> None:
    exp = load([write_spec(SPEC)]).experiments[0]
    by_title = {p.title: p for p in PanelBuilder(exp).rows()["traffic"]}
    drops = by_title["Request rate against 1w earlier"]
    surges = by_title["Request rate against 1w earlier (surges)"]
    assert surges.targets == drops.targets
    assert [s["value"] for s in drops.thresholds] == [None, 0.2, 0.5]
    assert [(s["color"], s["value"]) for s in surges.thresholds] == [
        ("green", None),
        ("orange", 3.0),
        ("red", 5.0),
    ]
    assert surges.description.endswith(
        f"Thresholds of alert {SURGE}: critical > 5 for 5m, warning > 3 for 15m."
    )


ERRORS = [
    (
        "warning: {above: 300%, for: 15m}",
        "warning: {below: 300%, for: 15m}",
        "spec.yaml:19:26: error: request rate surge alerts fire above a threshold, not below "
        "it (at spec.guardrails.requestRateAnomaly.surge.warning.below)\n  hint: write "
        "`above: ...`",
    ),
    (
        "warning: {above: 300%, for: 15m}",
        "warning: {above: 105%, for: 15m}",
        "spec.yaml:19:26: error: a surge level of 105% is too close to the earlier rate: the "
        "share would cross it while the current window still holds the earlier traffic, too "
        "soon to prove its `for` (at spec.guardrails.requestRateAnomaly.surge.warning.above)"
        "\n  hint: write 110% or more, e.g. 200% for twice the earlier rate",
    ),
    (
        "warning: {above: 300%, for: 15m}",
        "warning: {above: 0.9, for: 15m}",
        "spec.yaml:19:26: error: a surge level of 90% is too close to the earlier rate: it "
        "would fire on steady traffic (at spec.guardrails.requestRateAnomaly.surge.warning."
        "above)",
    ),
    (
        "warning: {above: 300%, for: 15m}",
        "warning: {above: lots, for: 15m}",
        "spec.yaml:19:26: error: 'lots' is not a number; expected a percentage such as 300% "
        "or a factor such as 3 (at spec.guardrails.requestRateAnomaly.surge.warning.above)",
    ),
    (
        "critical: {above: 500%, for: 5m}",
        "critical: {above: 200%, for: 5m}",
        "spec.yaml:20:19: error: the critical threshold (2) is milder than the warning one (3) "
        "(at spec.guardrails.requestRateAnomaly.surge.critical)",
    ),
    (
        "      surge:\n        warning: {above: 300%, for: 15m}\n",
        "      surge:\n        warning: {above: 300%, for: 30m}\n",
        "spec.yaml:14:15: error: an offset of 21m is too short for the rate window (5m) and "
        "the longest `for` (30m)",
    ),
    (
        "      surge:\n        warning: {above: 300%, for: 15m}\n"
        "        critical: {above: 500%, for: 5m}\n",
        "      surge: {}\n",
        "spec.yaml:18:14: error: `surge:` takes one level or more (at spec.guardrails."
        "requestRateAnomaly.surge)\n  hint: e.g. `surge: {warning: {above: 300%, for: 15m}}`",
    ),
    (
        "warning: {below: 50%, for: 15m}",
        "warning: {above: 300%, for: 15m}",
        "spec.yaml:16:24: error: request rate against the same window earlier alerts fire "
        "below a threshold, not above it (at spec.guardrails.requestRateAnomaly.warning.above)"
        "\n  hint: write surges under `surge:`, e.g. `surge: {warning: {above: 300%, for: "
        "15m}}`",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), ERRORS)
def test_mistakes_are_refused_at_their_position(write_spec, old, new, expected) -> None:
    spec = SPEC.replace("offset: 1w", "offset: 21m") if "30m" in new else SPEC
    errors = refusal(write_spec, spec, old, new)
    assert expected in errors, errors


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize("offset", ["1w", "1d"])
def test_promtool_proves_both_sides(write_spec, version: str, offset: str) -> None:
    specs = write_spec(SPEC.replace("offset: 1w", f"offset: {offset}"))
    assert_proven(specs, version, "price-ab    4/4   alerts proven (100%)  ok")


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
@pytest.mark.parametrize(
    ("old", "new", "caught"),
    [
        ("> 3 ", "> 3.09 ", "crosses and holds past `for`: fires"),  # threshold
        ("> 3 ", "> 2.91 ", "stays just inside: silent"),
        ("> 3 ", "< 3 ", "crosses and holds past `for`: fires"),  # direction
        (">= 2", ">= 1.9997", "/s then: silent"),  # the traffic floor
        (">= 2", ">= 2.0003", "/s then: fires"),
        ("offset 1w", "offset 1d", "crosses and holds past `for`: fires"),  # the offset
    ],
)
def test_a_mutant_fails_the_proof(write_spec, old: str, new: str, caught: str, version) -> None:
    assert_caught(write_spec(SPEC), SURGE, old, new, caught, version)


def test_the_surge_alert_name_is_reserved_for_the_kind(write_spec) -> None:
    """A custom guardrail may not take the surge's name (Kind.other_alerts), as it may
    not take the drop's."""
    custom = (
        "    customMetrics:\n"
        "      - alert: NAME\n"
        "        gauge: {name: model_confidence}\n"
        "        unit: ratio\n"
        "        warning: {below: 0.7, for: 10m}\n"
    )
    for name in (SURGE, "ExperimentRequestRateDrop"):
        spec = DROPS.replace("  guardrails:\n", "  guardrails:\n" + custom.replace("NAME", name))
        errors = refusal(write_spec, spec, "minRate: 2", "minRate: 2")
        assert f"spec.yaml:14:16: error: alert name {name!r} is taken" in errors, errors


def test_the_schema_describes_the_surge() -> None:
    defs = json.loads(invoke("schema").stdout)["$defs"]
    surge = defs["RequestRateGuardrail"]["properties"]["surge"]
    assert surge["description"].startswith("Levels of a surge: the rate now above a share")
    assert "110% or more" in surge["description"]
    assert {"warning", "critical", "info"} <= set(defs["SurgeLevels"]["properties"])
