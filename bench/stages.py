"""The CPU time of each stage of one build, in one process, serially (no workers):

    python bench/stages.py SPECS_DIR [--json]

Stages are disjoint: reading and parsing the spec files; validating them; compiling rules,
Alertmanager and routes; building each target's artifacts (one row a target, shared files
apart); serialising every artifact to text; linting the generated data; writing the tree.
Times are the process's CPU seconds (user + system), not wall time: the disk of the
benchmark machine makes a file's creation cost anything from 50 to 500 µs from one minute
to the next (ext4 with online discard after a large delete), and the guard
(bench/guard.py) must compare code, not the disk's mood. The instruments wrap monogen's
functions from outside; nothing in monogen knows it is measured."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def cpu() -> float:
    return time.process_time()  # nanosecond clock (os.times counts 10 ms ticks)


class Clock:
    """Seconds of CPU by stage; a stage entered inside another is not counted twice."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)
        self._stack: list[list[Any]] = []  # [stage, started, inner seconds]

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        entry = [name, cpu(), 0.0]
        self._stack.append(entry)
        try:
            yield
        finally:
            self._stack.pop()
            total = cpu() - entry[1]
            self.spent[name] += total - entry[2]
            if self._stack:
                self._stack[-1][2] += total

    def wrap(self, name: str | Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.stage(name(*args) if callable(name) else name):
                return fn(*args, **kwargs)

        return timed


def profile(specs: Path) -> dict[str, float]:
    """CPU seconds by stage of building `specs` into a temporary directory."""
    clock = Clock()
    start = cpu()
    with clock.stage("imports"):
        import monogen.build as build
        import monogen.output.write  # noqa: F401 - counted here, used by _build
        import monogen.pipeline as pipeline

    # the pipeline's own names, as load() looks them up; each put back afterwards, so a
    # test process can profile and go on
    wraps = [
        (pipeline, "load_paths", "read and parse spec files"),
        (pipeline, "validate", "validate specs"),
        (build, "serialise", "serialise (YAML, JSON text)"),
        (build._Linter, "add", "lint generated data"),
    ]
    for cls in {type(target) for target in build.TARGETS}:
        name = next(t for t in build.TARGETS if type(t) is cls).name
        wraps += [(cls, m, f"{where}: {name}") for m, where in METHODS if m in vars(cls)]
    saved = [(owner, attr, vars(owner)[attr]) for owner, attr, _ in wraps]
    saved.append((build, "PARALLEL_FROM", build.PARALLEL_FROM))
    try:
        for owner, attr, stage in wraps:
            setattr(owner, attr, clock.wrap(stage, getattr(owner, attr)))
        build.PARALLEL_FROM = 10**9  # one process: every stage is seen
        return _build(clock, specs, start)
    finally:
        for owner, attr, value in saved:
            setattr(owner, attr, value)


METHODS = (("experiment", "target"), ("shared", "shared"))


def _build(clock: Clock, specs: Path, start: float) -> dict[str, float]:
    import monogen.build as build
    import monogen.pipeline as pipeline
    from monogen.output.write import StagedTree

    loaded = pipeline.load([specs])
    with clock.stage("compile rules, Alertmanager, routes"):
        compiled = pipeline.compile_targets(loaded)
    with tempfile.TemporaryDirectory(prefix="monogen-stages-") as tmp:
        staged = StagedTree(Path(tmp) / "gen")
        for part in build.render_parts(compiled):
            with clock.stage("write the tree"):
                staged.add(part.files)
        with clock.stage("write the tree"):
            staged.commit()
    spent = dict(clock.spent)
    spent["total"] = cpu() - start
    spent["other"] = spent["total"] - sum(v for k, v in clock.spent.items())
    return spent


ORDER = ("imports", "read", "validate", "compile", "target", "serialise", "lint", "shared", "write")


def table(spent: dict[str, float]) -> str:
    """Stages in the pipeline's order (JSON gives them sorted by name)."""
    total = spent["total"]

    def place(stage: str) -> tuple[int, str]:
        first = stage.split(":")[0].split()[0]
        return (ORDER.index(first) if first in ORDER else len(ORDER), stage)

    rows = [
        f"| {k} | {spent[k]:.2f} s | {spent[k] / total:.0%} |"
        for k in sorted(spent, key=place)
        if k != "total"
    ]
    return "\n".join(
        ["| stage | CPU | share |", "|---|---|---|", *rows, f"| **total** | **{total:.2f} s** | |"]
    )


def main() -> None:
    started = time.perf_counter()
    spent = profile(Path(sys.argv[1]))
    if "--json" in sys.argv:
        print(json.dumps(spent, sort_keys=True))
    else:
        print(table(spent))
        print(f"\n(wall {time.perf_counter() - started:.2f} s)")


if __name__ == "__main__":
    main()
