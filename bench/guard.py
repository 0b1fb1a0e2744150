"""The benchmark as a regression guard: the lint of generated data and the serialisation of
a fixed build, each as a ratio to the CPU time of `python -c pass` on the same machine,
against the ratios committed in bench/baseline.json. Exit 1 when either is more than
half again as slow (`make bench` runs it last; `make bench-guard` alone).

    python bench/guard.py            # measure and judge
    python bench/guard.py --update   # measure and write the baseline (on purpose, in a
                                     # commit of its own)

Each stage is the median of three builds, each in a new process (bench/stages.py); the
unit is the median CPU time of `python -c pass` measured between them, so a slower or
busier machine moves both."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "bench" / "baseline.json"
GUARDED = ("lint generated data", "serialise (YAML, JSON text)")
EXPERIMENTS = 100
LIMIT = 1.5  # slower than the baseline by more than half: a regression
RUNS = 3


def judge(baseline: dict[str, float], measured: dict[str, float]) -> list[str]:
    """The guarded stages whose ratio grew past LIMIT times the baseline's, as messages."""
    failed = []
    for stage in GUARDED:
        was, now = baseline[stage], measured[stage]
        if now > LIMIT * was:
            failed.append(f"{stage}: {now:.1f}× `python -c pass`, baseline {was:.1f}× "
                          f"({now / was:.2f} of it; the limit is {LIMIT})")  # fmt: skip
    return failed


def children_cpu(cmd: list[str], cwd: Path) -> float:
    """CPU seconds of one run of `cmd` (getrusage: microseconds; os.times counts ticks)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def measure() -> dict[str, float]:
    """Each guarded stage's CPU seconds as a multiple of `python -c pass`'s."""
    sys.path.insert(0, str(ROOT / "bench"))
    from synth import write

    stages: dict[str, list[float]] = {stage: [] for stage in GUARDED}
    unit: list[float] = []
    with tempfile.TemporaryDirectory(prefix="monogen-guard-") as tmp:
        specs = write(Path(tmp), EXPERIMENTS)
        for _ in range(RUNS):
            unit += [children_cpu([sys.executable, "-c", "pass"], ROOT) for _ in range(10)]
            out = subprocess.run(
                [sys.executable, str(ROOT / "bench" / "stages.py"), str(specs), "--json"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            spent = json.loads(out)
            for stage in GUARDED:
                stages[stage].append(spent[stage])
    base = statistics.median(unit)
    return {stage: statistics.median(times) / base for stage, times in stages.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--update", action="store_true", help="write the measured baseline")
    args = parser.parse_args()
    measured = measure()
    if args.update:
        record = {
            "experiments": EXPERIMENTS,
            "measured": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "unit": "CPU seconds of the stage / CPU seconds of `python -c pass`",
            "ratios": {k: round(v, 2) for k, v in measured.items()},
        }
        BASELINE.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
        print(f"baseline written: {record['ratios']}")
        return 0
    baseline = json.loads(BASELINE.read_text())["ratios"]
    for stage in GUARDED:
        print(f"{stage}: {measured[stage]:.1f}× `python -c pass` (baseline {baseline[stage]:.1f}×)")
    failed = judge(baseline, measured)
    for message in failed:
        print(f"regression: {message}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
