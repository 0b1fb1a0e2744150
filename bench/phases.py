"""Time the stages of one build apart, in one process, serially (no workers):

    python bench/phases.py SPECS_DIR

imports, load (YAML and validation), compile (rules, Alertmanager, routes), every
experiment's render (targets, text, lint), each shared target, and the total."""

from __future__ import annotations

import sys
import time
from pathlib import Path

start = time.perf_counter()
import monogen.build as build  # noqa: E402
from monogen.pipeline import compile_targets, load  # noqa: E402


def main(specs: Path) -> None:
    def lap(name: str, since: float) -> float:
        now = time.perf_counter()
        print(f"{name:<36} {now - since:6.2f} s")
        return now

    t = lap("imports", start)
    loaded = load([specs])
    t = lap("load (YAML, validation)", t)
    compiled = compile_targets(loaded)
    t = lap("compile (rules, Alertmanager, routes)", t)
    build._JOB = (compiled, True, None, [])
    for index in range(len(loaded.experiments)):
        build._experiment(index)
    t = lap(f"render {len(loaded.experiments)} experiments", t)
    for target in build._targets(compiled):
        artifacts = target.shared(compiled)
        if artifacts:
            build._finish(artifacts, True)
            t = lap(f"shared: {target.name}", t)
    lap("total", start)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
