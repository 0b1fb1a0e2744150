"""The model of what each Prometheus release computes (monogen/compile/readings.py), held
against the releases themselves: each release's promtool must compute, to the last bit,
what the model says it computes under that release's reading of a range."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.compile.fixtures import STEP, phase_of, phased_points, window_samples
from monogen.compile.readings import (
    READINGS,
    Reading,
    agreed,
    avg_over_time,
    extrapolated,
    in_range,
    summed,
)
from tests.conftest import PROMETHEUS, run_tool

COUNTER = [10.0 * i for i in range(21)]  # 0+10x20: a sixth of a request a second
UNEVEN = [0.1, 0.7, 0.2, 0.9, 0.3, 1.3, 0.4, 0.2, 0.6, 0.8, 0.5]  # a gauge
THIRDS = (0.1, 0.2, 0.3)  # three gauges whose sum a compensated addition gets right
# 2.x adds a group's series in no fixed order (0.1 + 0.2 + 0.3 is 0.6 or 0.6000000000000001
# from one run to the next): there, only sums exact in any order are predictable
EIGHTHS = (0.5, 0.25, 0.125)


def _points(values: list[float]) -> list[tuple[float, float]]:
    return [(STEP * i, v) for i, v in enumerate(values)]


def _reading(version: str) -> Reading:
    (found,) = [r for r in READINGS if r.release == version]
    return found


def test_every_release_of_the_matrix_has_a_reading() -> None:
    assert {r.release for r in READINGS} == set(PROMETHEUS)


def test_a_left_open_range_holds_one_sample_fewer_on_the_step() -> None:
    closed, left_open = READINGS[0], READINGS[-1]
    at, window = 600.0, 300.0
    assert len(in_range(_points(COUNTER), at, window, closed)) == 6  # 5m, 6m, … 10m
    assert len(in_range(_points(COUNTER), at, window, left_open)) == 5  # 6m … 10m
    # five intervals read, four: extrapolated to the same window, a different float
    found = {extrapolated(_points(COUNTER), at, window, reading=r) for r in (closed, left_open)}
    assert len(found) == 2
    assert agreed(lambda r: extrapolated(_points(COUNTER), at, window, reading=r)) is None


@pytest.mark.parametrize("window", [120, 150, 300, 3570, 3600, 5400, 86_400])
def test_phased_samples_never_lie_on_a_windows_edge(window: int) -> None:
    phase = phase_of(window)
    points = phased_points([0.0] * (window // STEP + 10), phase)
    edges = {t - window for t in range(0, window + 10 * STEP, STEP)}
    assert not edges & {t for t, _ in points}
    in_window = window_samples(window, phase)
    at = (window // STEP + 5) * STEP
    assert all(len([p for p in points if at - window < p[0] <= at]) == in_window for _ in READINGS)
    counter = phased_points([7.0 * i for i in range(window // STEP + 10)], phase)
    assert agreed(lambda r: extrapolated(counter, at, window, rate=False, reading=r)) is not None


@pytest.mark.parametrize("version", PROMETHEUS)
def test_promtool_computes_what_the_model_says_it_does(tmp_path: Path, version: str) -> None:
    reading = _reading(version)
    at = 600.0
    gauges = THIRDS if reading.kahan_sum else EIGHTHS
    labels = [f'g{{i="{i}"}}' for i in range(len(gauges))]
    values = {
        "rate(c[5m])": extrapolated(_points(COUNTER), at, 300, reading=reading),
        "increase(c[7m])": extrapolated(_points(COUNTER), at, 420, rate=False, reading=reading),
        "avg_over_time(u[5m])": avg_over_time(
            [v for _, v in in_range(_points(UNEVEN), at, 300, reading)], reading
        ),
        "sum(g)": summed(list(gauges), reading),
    }
    unit = {
        "rule_files": [],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {"series": "c", "values": " ".join(f"{v:g}" for v in COUNTER)},
                    {"series": "u", "values": " ".join(repr(v) for v in UNEVEN)},
                    *(
                        {"series": s, "values": f"{v!r}x20"}
                        for s, v in zip(labels, gauges, strict=True)
                    ),
                ],
                "promql_expr_test": [
                    {
                        "expr": expr,
                        "eval_time": "10m",
                        "exp_samples": [{"labels": "{}", "value": v}],
                    }
                    for expr, v in values.items()
                ],
            }
        ],
    }
    (tmp_path / "model.test.yaml").write_text(yaml.safe_dump(unit))
    result = run_tool("promtool", "test", "rules", "model.test.yaml", cwd=tmp_path, version=version)
    assert result.returncode == 0, result.stdout + result.stderr
