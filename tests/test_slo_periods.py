"""SLOs as Sloth and Pyrra get them right: burn factors scaled to the period, and a latency
bound that is one of the histogram's declared buckets. (The budget weighted by requests is
proven in tests/promtool/fraud-detector-ab-slo-budget.test.yaml.)"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.kinds.slo_windows import burn_factors
from monogen.pipeline import compile_targets
from tests.conftest import RELEASE_ENDS, run_tool
from tests.test_slo import with_slos
from tests.test_validate import ALERTING, check, errors

DAY = 86_400


def test_burn_factors_are_the_workbooks_scaled_as_sloth_scales_them() -> None:
    # Sloth's documented factors: 30 days as the workbook's table, 28 days scaled
    assert burn_factors(30 * DAY) == (14.4, 6.0, 3.0, 1.0)
    assert burn_factors(28 * DAY) == (13.44, 5.6, 2.8, 0.933333)
    assert burn_factors(7 * DAY) == (3.36, 1.4, 0.7, 0.233333)


def test_the_objective_floor_follows_the_periods_fastest_burn() -> None:
    # 90 days burn 43.2x on the page: 1 - 0.98 / 43.2 = 97.7315% is the lowest objective
    check(with_slos("      - {name: a, objective: 97.732%, period: 90d}\n"), ALERTING)
    found = errors(with_slos("      - {name: a, objective: 97.7%, period: 90d}\n"), ALERTING)
    assert any("the objective must be from 97.732% to 99.999%" in e for e in found), found


# A steady 14.2x burn of a 28-day budget of 0.5%: 7.1% of requests fail (71 a minute of
# 1000). Sloth's 13.44x page fires; a 30-day table's 14.4x would never.
SCENARIO = """\
rule_files: [rules.yaml]
evaluation_interval: 1m
group_eval_order: [monogen.demo-ab.recording, monogen.demo-ab.alerts]
tests:
  - interval: 1m
    input_series:
      - series: 'ab_test_requests_total{namespace="seldon", model_name="baseline-predictor", status="ok"}'
        values: '0+929x20'
      - series: 'ab_test_requests_total{namespace="seldon", model_name="baseline-predictor", status="error"}'
        values: '0+71x20'
    promql_expr_test:
      - expr: count(ALERTS{alertname="SLOErrorBudgetBurn", alertstate="firing", burn_window="1h/5m"})
        eval_time: 10m
        exp_samples:
          - labels: '{}'
            value: 1
"""


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_28_day_slo_pages_on_a_steady_14x_burn(tmp_path: Path, version: str) -> None:
    slo = "      - {name: avail, objective: 99.5%, period: 28d, variants: [baseline-predictor]}\n"
    rules = compile_targets(check(with_slos(slo), ALERTING)).rules["demo-ab"]
    text = yaml.safe_dump(rules.to_dict(), sort_keys=False)
    assert "> 13.44" in text
    (tmp_path / "test.yaml").write_text(SCENARIO)
    for factor, passes in (("13.44", True), ("14.4", False)):  # the scaled factor, a mutant
        (tmp_path / "rules.yaml").write_text(text.replace("> 13.44", f"> {factor}"))
        done = run_tool("promtool", "test", "rules", "test.yaml", cwd=tmp_path, version=version)
        assert (done.returncode == 0) == passes, done.stdout + done.stderr


@pytest.mark.parametrize(
    ("latency", "message"),
    [
        ("300ms", None),
        ("0.3", None),
        (
            "250ms",
            "250ms is not a bucket of ab_test_response_time_seconds (buckets: 0.05, 0.1, "
            "0.2, 0.3, 0.5, 1)",
        ),
        ("2s", "did you mean 1 (1000ms)?"),
    ],
)
def test_a_latency_bound_is_a_declared_bucket(latency: str, message: str | None) -> None:
    slo = f"      - {{name: fast, objective: 99%, latency: {latency}}}\n"
    if message is None:
        check(with_slos(slo), ALERTING)
        return
    found = errors(with_slos(slo), ALERTING)
    assert any(message in e and e.startswith("f0.yaml:") for e in found), found


def test_undeclared_or_broken_buckets_are_refused() -> None:
    slo = "      - {name: fast, objective: 99%, latency: 300ms}\n"
    declared = "buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1]"
    undeclared = with_slos(slo).replace(", " + declared, "")
    (found,) = [e for e in errors(undeclared, ALERTING) if "buckets are not declared" in e]
    assert "`buckets: [0.1, 0.25, 0.5, 1, 2.5]`" in found
    for broken, why in (("[0.5, 0.1]", "in increasing order"), ("[0, 1]", "above 0"),
                        ("[fast]", "'fast' is not a duration")):  # fmt: skip
        text = with_slos(slo).replace(declared, f"buckets: {broken}")
        assert any(why in e for e in errors(text, ALERTING)), (broken, errors(text, ALERTING))
