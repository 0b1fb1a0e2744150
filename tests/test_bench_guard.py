"""The regression guard's logic (bench/guard.py) and the stage profile it reads
(bench/stages.py). Nothing here is timed: the guard itself runs in `make bench`; these tests
pin its verdicts on given numbers and that its instruments still see every stage."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import guard  # noqa: E402
import stages  # noqa: E402
from synth import write  # noqa: E402

BASE = {"lint generated data": 8.0, "serialise (YAML, JSON text)": 7.6}


@pytest.mark.parametrize(
    ("lint", "serialise", "failed"),
    [
        (8.0, 7.6, []),
        (11.9, 11.3, []),  # 1.49 and 1.49 of the baseline: within half again
        (12.1, 7.6, ["lint generated data"]),
        (8.0, 11.5, ["serialise (YAML, JSON text)"]),
        (16.0, 15.2, ["lint generated data", "serialise (YAML, JSON text)"]),
        (4.0, 3.0, []),  # faster is never a regression
    ],
)
def test_the_guard_fails_on_a_stage_slower_by_more_than_half(
    lint: float, serialise: float, failed: list[str]
) -> None:
    measured = {"lint generated data": lint, "serialise (YAML, JSON text)": serialise}
    messages = guard.judge(BASE, measured)
    assert [m.split(":")[0] for m in messages] == failed


def test_the_message_says_how_much_slower() -> None:
    (message,) = guard.judge(BASE, {**BASE, "lint generated data": 16.0})
    assert message == (
        "lint generated data: 16.0× `python -c pass`, baseline 8.0× (2.00 of it; the limit is 1.5)"
    )


def test_the_committed_baseline_guards_both_stages() -> None:
    record = json.loads((ROOT / "bench" / "baseline.json").read_text())
    assert set(record["ratios"]) == set(guard.GUARDED)
    assert all(ratio > 1 for ratio in record["ratios"].values())
    assert record["experiments"] == guard.EXPERIMENTS


def test_a_stage_inside_another_is_counted_once(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(stages, "cpu", lambda: now[0])
    clock = stages.Clock()
    with clock.stage("outer"):
        now[0] += 1.0
        with clock.stage("inner"):
            now[0] += 2.0
        now[0] += 0.5
        with clock.stage("inner"):
            now[0] += 0.25
    assert dict(clock.spent) == {"outer": 1.5, "inner": 2.25}


def test_the_profile_sees_every_stage_of_a_build(tmp_path: Path) -> None:
    """If monogen renames what the instruments wrap, a stage would read 0 and the guard
    would pass whatever happened: every stage must have taken some time."""
    import monogen.build

    serialise, parallel = monogen.build.serialise, monogen.build.PARALLEL_FROM
    spent = stages.profile(write(tmp_path, 3))
    assert (monogen.build.serialise, monogen.build.PARALLEL_FROM) == (serialise, parallel)
    for stage in (
        *guard.GUARDED,
        "read and parse spec files",
        "validate specs",
        "compile rules, Alertmanager, routes",
        "target: promtool-tests",
        "target: grafana-dashboards",
        "shared: runbooks",
        "write the tree",
    ):
        assert spent[stage] > 0, stage
    assert spent["other"] >= 0
    assert sum(v for k, v in spent.items() if k != "total") == pytest.approx(spent["total"])


def test_the_table_lists_stages_in_the_pipelines_order() -> None:
    names = ["other", "write the tree", "shared: runbooks", "lint generated data",
             "serialise (YAML, JSON text)", "target: promtool-tests", "compile rules, Alertmanager, routes",
             "validate specs", "read and parse spec files", "imports"]  # fmt: skip
    text = stages.table({**{name: 1.0 for name in names}, "total": 10.0})
    rows = [line.split(" | ")[0][2:] for line in text.splitlines()[2:-1]]
    assert rows == names[::-1]
    assert text.splitlines()[-1] == "| **total** | **10.00 s** | |"
