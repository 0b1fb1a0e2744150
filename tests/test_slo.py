"""SLOs: what specs may declare, how bucket bounds are matched, and what the rules record.
The alerts themselves are proven by promtool (`monogen test`, and the hand-written
scenarios in tests/promtool/fraud-detector-ab-slo.test.yaml)."""

from __future__ import annotations

import pytest

from monogen.kinds.slo_buckets import go_float, le_pattern
from monogen.pipeline import compile_targets
from tests.conftest import MINIMAL_EXPERIMENT
from tests.test_validate import ALERTING, check, edit, errors


def with_slos(slos: str, text: str = MINIMAL_EXPERIMENT) -> str:
    return edit(
        "    trafficSplit: {tolerance: 5}\n",
        f"    trafficSplit: {{tolerance: 5}}\n    slos:\n{slos}",
        text,
    )


@pytest.mark.parametrize(
    ("slos", "message"),
    [
        # 14.4 times a 10% budget is more than every request failing
        (
            "      - {name: avail, objective: 90%}\n",
            "the objective must be from 93.195% to 99.999%",
        ),
        ("      - {name: avail, objective: 100%}\n", "the objective must be from"),
        ("      - {name: avail, objective: 99.9999%}\n", "the objective must be from"),
        ("      - {name: avail, objective: 99.5}\n", "did you mean 99.5%?"),
        ("      - {name: avail, objective: lots}\n", "not a number"),
        ("      - {name: avail, objective: 99.5%, period: 1d}\n", "the period must be from 3d"),
        ("      - {name: avail, objective: 99.5%, period: 1y}\n", "the period must be from 3d"),
        ("      - {name: avail, objective: 99%, latency: 0s}\n", "0s is not a positive duration"),
        ("      - {name: avail, objective: 99%, latency: fast}\n", "expected a duration"),
        ("      - {name: Avail, objective: 99%}\n", "expected text matching"),
        (
            "      - {name: a, objective: 99%}\n      - {name: a, objective: 98%}\n",
            "declared twice",
        ),
        ("      - {name: a, objective: 99%, variants: [nope]}\n", "'nope' is not a variant"),
        # the same requests judged twice would page twice: one objective per SLI and variant
        (
            "      - {name: a, objective: 99%}\n      - {name: b, objective: 99.9%}\n",
            "judges the same requests of the same variants as SLO 'a'",
        ),
    ],
)
def test_impossible_slos_are_refused_with_a_position(slos: str, message: str) -> None:
    found = errors(with_slos(slos), ALERTING)
    assert any(message in e and e.startswith("f0.yaml:") for e in found), found


def test_an_availability_slo_needs_failed_requests_and_a_latency_slo_a_histogram() -> None:
    no_errors = edit(
        "requests: {name: ab_test_requests_total, errorSelector: {status: error}}",
        "requests: {name: ab_test_requests_total}",
        edit("    errorRate: {}\n", "", MINIMAL_EXPERIMENT),
    )
    (error,) = errors(with_slos("      - {name: avail, objective: 99%}\n", no_errors), ALERTING)
    assert "needs requests and failed requests" in error
    assert "`latency:` for a latency objective" in error
    no_latency = edit("    latency: {name: ab_test_response_time_seconds, buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1]}\n", "",
                      edit("    latency: {}\n", "", MINIMAL_EXPERIMENT))  # fmt: skip
    slo = "      - {name: fast, objective: 99%, latency: 300ms}\n"
    (error,) = errors(with_slos(slo, no_latency), ALERTING)
    assert "a latency SLO needs `metrics.latency`" in error


def test_a_variant_label_cannot_take_the_labels_analyses_set() -> None:
    for label in ("slo", "burn_window", "metric"):
        found = errors(edit("variantLabel: model_name", f"variantLabel: {label}"), ALERTING)
        assert any("is one monogen or Prometheus sets itself" in e for e in found), found


@pytest.mark.parametrize(
    ("value", "go"),
    # strconv.FormatFloat(v, 'g', -1, 64), as Go's client_golang writes `le`
    [(0.5, "0.5"), (1.0, "1"), (2.5, "2.5"), (10.0, "10"), (0.0001, "0.0001"),
     (0.00001, "1e-05"), (0.000025, "2.5e-05"), (123456.0, "123456"), (1e6, "1e+06"),
     (86400.0, "86400"), (0.3, "0.3"), (0.1 + 0.2, "0.30000000000000004")],
)  # fmt: skip
def test_bucket_bounds_are_written_as_go_writes_them(value: float, go: str) -> None:
    assert go_float(value) == go


def test_a_bound_matches_what_go_and_python_clients_write() -> None:
    import re

    pattern = re.compile(f"^(?:{le_pattern(1.0)})$")
    assert pattern.match("1") and pattern.match("1.0")
    assert not pattern.match("1.00") and not pattern.match("10") and not pattern.match("1x0")
    assert le_pattern(0.5) == r"0\.5"


def test_one_budget_record_per_slo_and_shared_ratio_records() -> None:
    slos = (
        "      - {name: availability, objective: 99.5%, variants: [baseline-predictor]}\n"
        "      - {name: strict, objective: 99.9%, variants: [enhanced-predictor]}\n"
        "      - {name: fast, objective: 99%, latency: 300ms}\n"
    )
    specs = check(with_slos(slos), ALERTING)
    rules = compile_targets(specs).rules["demo-ab"]
    records = [r for g in rules.groups for r in g.rules if hasattr(r, "record")]
    budgets = [r for r in records if r.record.startswith("experiment_variant:slo_error_budget:")]
    assert sorted(r.labels["slo"] for r in budgets) == ["availability", "fast", "strict"]
    assert {r.expr.rsplit("/ ", 1)[1] for r in budgets} == {"0.005", "0.001", "0.01"}
    # the two availability SLOs (of two variants) share the ratio records: 7 windows each
    # for errors and latency
    ratios = [r.record for r in records if ":slo_ratio_rate" in r.record]
    assert len(ratios) == len(set(ratios)) == 14
    assert any('le=~"0\\\\.3"' in r.expr for r in records), [r.expr for r in records]
    alerts = [
        r for g in rules.groups for r in g.rules if getattr(r, "alert", "") == "SLOErrorBudgetBurn"
    ]
    assert len(alerts) == 12
    assert {(a.labels["slo"], a.labels["burn_window"], a.labels["severity"]) for a in alerts} >= {
        ("strict", "1h/5m", "critical"), ("strict", "3d/6h", "warning"),
        ("fast", "6h/30m", "critical"), ("fast", "1d/2h", "warning"),
    }  # fmt: skip


def test_slos_of_different_variants_are_proven_by_promtool(write_spec) -> None:
    """Their ratio and budget records hold every variant; only the alerts pick some."""
    from tests.conftest import invoke, tool

    tool("promtool")
    slos = (
        "      - {name: control_ok, objective: 99.5%, variants: [baseline-predictor]}\n"
        "      - {name: treatment_ok, objective: 99%, variants: [enhanced-predictor]}\n"
    )
    write_spec(ALERTING, "routing.yaml")
    specs = write_spec(with_slos(slos))
    result = invoke("test", str(specs))
    assert result.exit_code == 0, result.output[-3000:]
    assert "(100%)" in result.stdout


def test_the_lowest_objective_the_message_names_is_accepted() -> None:
    check(with_slos("      - {name: avail, objective: 93.195%}\n"), ALERTING)
    found = errors(with_slos("      - {name: avail, objective: 93.194%}\n"), ALERTING)
    assert any("from 93.195%" in e for e in found), found


def test_the_budget_panel_of_a_per_variant_slo_shows_its_variants_only() -> None:
    from monogen.compile.dashboards import compile_dashboard

    slo = "      - {name: treat, objective: 99%, variants: [enhanced-predictor]}\n"
    (exp,) = check(with_slos(slo), ALERTING).experiments
    panels = [
        p
        for p in compile_dashboard(exp)["panels"]
        if "Error budget remaining" in p.get("title", "")
    ]
    (panel,) = panels
    (target,) = panel["targets"]
    assert 'slo="treat"' in target["expr"] and 'model_name="enhanced-predictor"' in target["expr"]
