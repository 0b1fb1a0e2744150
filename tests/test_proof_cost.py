"""What proofs cost and where they hold: generation grows linearly with the variants of an
experiment (counted in Python function calls, the same on every machine, not in seconds),
and a day-long window is proven on the release that reads it apart."""

from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

import pytest

from monogen.compile.promtests import compile_promtests
from monogen.compile.rules import compile_rules
from monogen.spec.loader import load_text
from monogen.spec.validate import validate
from tests.conftest import DATA, RELEASE_ENDS


def _spec(n: int) -> str:
    variants = "\n".join(
        f"    - {{name: v{i}, role: {'control' if i == 0 else 'treatment'}, traffic: {100 / n}}}"
        for i in range(n)
    )
    return f"""\
apiVersion: monogen/v1
kind: Experiment
metadata: {{name: many, team: t}}
spec:
  variantLabel: variant
  variants:
{variants}
  metrics:
    requests: {{name: req_total, errorSelector: {{code: "500"}}}}
    latency: {{name: lat_seconds}}
    accuracy: {{name: acc, scale: percent}}
  guardrails:
    errorRate: {{}}
    latency: {{}}
    accuracy: {{}}
    sampleRatioMismatch: {{}}
    comparisons:
      - {{metric: errorRate, margin: {{absolute: 1%}}}}
      - {{metric: latency, margin: {{relative: 20%}}}}
  runbookUrl: https://runbooks.example.com/many
  grafanaUrl: https://grafana.example.com
"""


def _calls(n: int) -> int:
    (exp,) = validate(load_text(_spec(n), "many.yaml")).experiments
    rules = compile_rules(exp)
    profile = cProfile.Profile()
    profile.enable()
    tests = compile_promtests(rules, exp, "many.rules.yaml")
    profile.disable()
    assert not tests.unproven
    return pstats.Stats(profile).total_calls  # type: ignore[attr-defined]


def test_proofs_grow_linearly_with_variants() -> None:
    small, large = _calls(12), _calls(48)
    # four times the variants: about four times the work (sixteen if it were quadratic)
    assert 3.6 < large / small < 4.4, (small, large)


@pytest.mark.tools
def test_a_day_long_sample_ratio_window_is_proven_where_releases_read_it_apart(
    tmp_path: Path,
) -> None:
    """Over a day, Prometheus 3.5's increase() of the healthy counters is a few bits off
    the exact count (its range leaves out the sample at its start, and the two series of
    an error selector are summed): the recorded values must be expected as that release
    computes them at the check's time, or left unchecked, never expected wrong."""
    from tests.conftest import invoke, tool

    # the readout's example with only its requests and the one guardrail: promtool
    # evaluates every rule of the file at each of the day's minutes
    spec = (DATA / "readout" / "ranker.yaml").read_text()
    head, _ = spec.split("  guardrails:\n")  # the guardrails close the file
    day = head.replace("    latency:\n      name: ranker_latency_seconds\n", "")
    day += "  guardrails:\n    sampleRatioMismatch: {window: 1d}\n"
    (tmp_path / "ranker.yaml").write_text(day)
    promtool = tool("promtool", RELEASE_ENDS["prometheus"][1])
    result = invoke("test", str(tmp_path), "--promtool", promtool)
    assert result.exit_code == 0, result.stdout[-3000:]
    assert "1/1   alerts proven (100%)  ok" in result.stdout
