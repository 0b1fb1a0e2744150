"""Where `monogen lint FILE` spends its time in one process: each import in the order the
command makes them, then the reading and checking, then the report.

    python bench/lint_steps.py FILE

Run it with an installed monogen's Python (bench/run.py makes one): an editable install's
import hook slows every import."""

from __future__ import annotations

import time

start = time.perf_counter()
laps: list[tuple[str, float]] = []


def lap(name: str) -> None:
    global start
    now = time.perf_counter()
    laps.append((name, now - start))
    start = now


import collections  # noqa: E402, F401
import enum  # noqa: E402, F401
import re  # noqa: E402, F401
import typing  # noqa: E402, F401

lap("re, enum, collections, typing")
import dataclasses  # noqa: E402, F401

lap("dataclasses (inspect, ast, dis)")
import yaml  # noqa: E402, F401

lap("PyYAML")
import monogen.lint.command  # noqa: E402
import monogen.lint.config  # noqa: E402
import monogen.lint.report  # noqa: E402
import monogen.lint.run  # noqa: E402, F401

lap("monogen's lint modules")
from monogen.lint.catalog import checks_for  # noqa: E402

checks_for("rules")
lap("the rule check family")


def main(path: str) -> None:
    import io
    from pathlib import Path

    from monogen.lint.config import LintConfig
    from monogen.lint.report import text
    from monogen.lint.run import lint_paths

    result = lint_paths([Path(path)], LintConfig())
    lap("reading with positions, PromQL, every check")
    text(result.findings, io.StringIO(), result.sources)
    lap("the report")
    for name, seconds in laps:
        print(f"{seconds * 1000:7.1f} ms  {name}")
    print(f"{sum(s for _, s in laps) * 1000:7.1f} ms  in all, after the interpreter started")


if __name__ == "__main__":
    import sys

    main(sys.argv[1])
