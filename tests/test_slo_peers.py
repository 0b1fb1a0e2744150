"""monogen's burn-rate pages beside Sloth's and Pyrra's on the same series.

A 28-day SLO of 99.5% (a budget of 0.5%) over one variant; each scenario holds one error
ratio steady for over 6 hours, and promtool reads, at 6h5m, which window pair pages in each tool:
- monogen, its generated rules;
- Sloth, as its docs give its rules: the SLI error ratio of each window, the pair paging
  when both exceed factor × budget, with Google's factors scaled to the period (2% of the
  budget in 1h, 5% in 6h: 13.44 and 5.6 on 28 days);
- Pyrra, as its docs give its 28-day windows: 1h/5m at 14 and 6h/30m at 6 (rounded).
Expected values are written out by hand from the ratios: monogen pages where Sloth does,
and the table names where Pyrra's rounded factors differ. The remaining budget, weighted
by requests as Pyrra weights it, is proven in tests/promtool/fraud-detector-ab-slo-budget."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.pipeline import compile_targets
from tests.conftest import RELEASE_ENDS, run_tool
from tests.test_slo import with_slos
from tests.test_validate import ALERTING, check

SELECT = 'namespace="seldon", model_name="baseline-predictor"'
BUDGET = 0.005


def ratio(window: str) -> str:
    """The SLI error ratio as Sloth and Pyrra both record it."""
    errors = f'sum(rate(ab_test_requests_total{{{SELECT}, status="error"}}[{window}]))'
    return f"{errors} / sum(rate(ab_test_requests_total{{{SELECT}}}[{window}]))"


def pages(long: str, short: str, factor: float) -> str:
    return (
        f"count(({ratio(short)} > {factor} * {BUDGET}) and ({ratio(long)} > {factor} * {BUDGET}))"
    )


def monogen(pair: str) -> str:
    return (
        'count(ALERTS{alertname="SLOErrorBudgetBurn", alertstate="firing", '
        f'burn_window="{pair}"}})'
    )


# failed requests a minute of 1000; whether each tool's pair pages at 6h5m:
# (monogen 1h/5m, Sloth 1h/5m, Pyrra 1h/5m, monogen 6h/30m, Sloth 6h/30m, Pyrra 6h/30m)
SCENARIOS = {
    71: (True, True, True, True, True, True),  # 14.2x: everyone pages on both pairs
    69: (True, True, False, True, True, True),  # 13.8x: below Pyrra's rounded 14 only
    32: (False, False, False, True, True, True),  # 6.4x: the slow pair only
    29: (False, False, False, True, True, False),  # 5.8x: below Pyrra's 6 only
    25: (False, False, False, False, False, False),  # 5x: nobody
}
QUERIES = (
    monogen("1h/5m"),
    pages("1h", "5m", 13.44),
    pages("1h", "5m", 14),
    monogen("6h/30m"),
    pages("6h", "30m", 5.6),
    pages("6h", "30m", 6),
)


def scenario_file() -> str:
    tests = []
    for failed, expected in SCENARIOS.items():
        tests.append(
            {
                "interval": "1m",
                "input_series": [
                    {
                        "series": f'ab_test_requests_total{{{SELECT}, status="ok"}}',
                        "values": f"0+{1000 - failed}x365",
                    },
                    {
                        "series": f'ab_test_requests_total{{{SELECT}, status="error"}}',
                        "values": f"0+{failed}x365",
                    },
                ],
                "promql_expr_test": [
                    {
                        "expr": query,
                        "eval_time": "6h5m",
                        "exp_samples": [{"labels": "{}", "value": 1}] if fires else [],
                    }
                    for query, fires in zip(QUERIES, expected, strict=True)
                ],
            }
        )
    return yaml.safe_dump(
        {
            "rule_files": ["rules.yaml"],
            "evaluation_interval": "1m",
            "group_eval_order": ["monogen.demo-ab.recording", "monogen.demo-ab.alerts"],
            "tests": tests,
        },
        sort_keys=False,
    )


@pytest.mark.tools
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_monogen_pages_where_sloth_does_and_pyrra_rounds(tmp_path: Path, version: str) -> None:
    slo = "      - {name: avail, objective: 99.5%, period: 28d, variants: [baseline-predictor]}\n"
    rules = compile_targets(check(with_slos(slo), ALERTING)).rules["demo-ab"]
    text = yaml.safe_dump(rules.to_dict(), sort_keys=False)
    (tmp_path / "test.yaml").write_text(scenario_file())
    # the rules as generated, then (on the newest release) mutants with Pyrra's rounded
    # factors: each must fail
    runs = [("", "", True)]
    if version == RELEASE_ENDS["prometheus"][-1]:
        runs += [("> 13.44", "> 14", False), ("> 5.6", "> 6", False)]
    for old, new, passes in runs:
        assert old in text
        (tmp_path / "rules.yaml").write_text(text.replace(old, new) if old else text)
        done = run_tool("promtool", "test", "rules", "test.yaml", cwd=tmp_path, version=version)
        assert (done.returncode == 0) == passes, (old, done.stdout + done.stderr)
