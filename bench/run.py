"""Benchmark: build, check and lint at 10, 100 and 1,000 experiments, against promtool and
amtool, as whole processes. Prints a table and writes bench/RESULTS.md.

    python bench/run.py [--sizes 10,100,1000] [--repeat 3] [--out bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import big_rule_file, write

ROOT = Path(__file__).resolve().parent.parent
MONOGEN = [sys.executable, "-m", "monogen"]
RSS_PROBE = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed(cmd: list[str], repeat: int, cwd: Path, ok: tuple[int, ...] = (0,)) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - start)
        if result.returncode not in ok:
            raise SystemExit(
                f"{' '.join(cmd)} exited {result.returncode}:\n{result.stderr[-2000:]}"
            )
    return times


def peak_mb(cmd: list[str], cwd: Path) -> float:
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, *cmd], cwd=cwd, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip()) / 1024


def fmt(times: list[float]) -> str:
    median = statistics.median(times)
    spread = (max(times) - min(times)) / 2
    return f"{median:.3f} s ± {spread:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    promtool, amtool = shutil.which("promtool"), shutil.which("amtool")
    sizes = [int(s) for s in args.sizes.split(",")]
    rows: dict[int, dict[str, list[float]]] = {}
    memory: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="monogen-bench-") as tmp:
        base = Path(tmp)
        for n in sizes:
            work = base / f"n{n}"
            write(work, n)
            r: dict[str, list[float]] = {}
            r["monogen build"] = timed([*MONOGEN, "build", "specs", "-o", "gen"], args.repeat, work)
            r["monogen build --check (up to date)"] = timed(
                [*MONOGEN, "build", "specs", "-o", "gen", "--check"], args.repeat, work
            )
            rules = sorted(str(p) for p in (work / "gen/prometheus/rules").glob("*.yaml"))
            r["monogen lint (rules)"] = timed(
                [*MONOGEN, "lint", "gen/prometheus/rules"], args.repeat, work
            )
            if promtool:
                r["promtool check rules (same files)"] = timed(
                    [promtool, "check", "rules", *rules], args.repeat, work
                )
            if amtool:
                r["amtool check-config"] = timed(
                    [amtool, "check-config", "gen/alertmanager/alertmanager.yaml"],
                    args.repeat,
                    work,
                )
            memory[n] = peak_mb([*MONOGEN, "build", "specs", "-o", "gen-mem"], work)
            rows[n] = r
            print(f"N={n}: " + ", ".join(f"{k} {fmt(v)}" for k, v in r.items()), flush=True)
        startup = timed([*MONOGEN, "--version"], max(args.repeat, 5), base)
        big = big_rule_file(base / "big.rules.yaml", args.rules)
        big_lint = timed([*MONOGEN, "lint", str(big)], args.repeat, base)
        big_promtool = (
            timed([promtool, "check", "rules", str(big)], args.repeat, base) if promtool else []
        )
    report = render(sizes, rows, memory, startup, big_lint, big_promtool, args)
    args.out.write_text(report)
    print(report)


def render(sizes, rows, memory, startup, big_lint, big_promtool, args) -> str:
    med = statistics.median
    lines = [
        "# monogen benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench` "
        f"(`python bench/run.py --sizes {args.sizes} --repeat {args.repeat}`), each command a "
        "whole process; median ± half the range.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}; "
        f"{_version('promtool')}; {_version('amtool')}.",
        "",
        "## By number of experiments",
        "",
        "| command | " + " | ".join(f"N = {n}" for n in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in rows[sizes[0]]:
        lines.append(f"| {name} | " + " | ".join(fmt(rows[n][name]) for n in sizes) + " |")
    lines.append(
        "| peak memory of `monogen build` | "
        + " | ".join(f"{memory[n]:.0f} MB" for n in sizes)
        + " |"
    )
    ratio_row = []
    for n in sizes:
        p = rows[n].get("promtool check rules (same files)")
        ratio_row.append(f"{med(rows[n]['monogen lint (rules)']) / med(p):.2f}" if p else "n/a")
    lines.append("| monogen lint ÷ promtool check rules | " + " | ".join(ratio_row) + " |")
    check_ratio = [
        f"{med(rows[n]['monogen build --check (up to date)']) / med(rows[n]['monogen build']):.2f}"
        for n in sizes
    ]
    lines.append("| build --check ÷ build | " + " | ".join(check_ratio) + " |")
    lines += ["", "## Scaling", ""]
    if 100 in rows and 1000 in rows:
        for name in rows[100]:
            exponent = math.log(med(rows[1000][name]) / med(rows[100][name])) / math.log(10)
            lines.append(f"- {name}: time grows as N^{exponent:.2f} from 100 to 1,000 experiments")
    lines += [
        "",
        "## Start-up and a large rule file",
        "",
        f"- `monogen --version`: {fmt(startup)}",
        f"- `monogen lint` on one file of {args.rules:,} rules: {fmt(big_lint)}",
    ]
    if big_promtool:
        lines.append(
            f"- `promtool check rules` on the same file: {fmt(big_promtool)} "
            f"(ratio {med(big_lint) / med(big_promtool):.2f})"
        )
    lines += ["", "## Against the targets", "", "| target | measured | met |", "|---|---|---|"]
    targets = []
    if 1000 in rows:
        build = med(rows[1000]["monogen build"])
        check = med(rows[1000]["monogen build --check (up to date)"])
        targets += [
            ("build of 1,000 experiments under 5 s", f"{build:.2f} s", build < 5),
            (
                "--check at most half a build (N = 1,000)",
                f"{check / build:.2f} of a build",
                check <= build / 2,
            ),
            ("peak memory under 500 MB at N = 1,000", f"{memory[1000]:.0f} MB", memory[1000] < 500),
        ]
        if 100 in rows:
            exponent = math.log(build / med(rows[100]["monogen build"])) / math.log(10)
            targets.append(
                ("build linear in N (exponent ≤ 1.1)", f"N^{exponent:.2f}", exponent <= 1.1)
            )
        p = rows[1000].get("promtool check rules (same files)")
        if p:
            ratio = med(rows[1000]["monogen lint (rules)"]) / med(p)
            targets.append(
                ("lint no slower than promtool (1,000 rule files)", f"{ratio:.2f}×", ratio <= 1)
            )
    if big_promtool:
        ratio = med(big_lint) / med(big_promtool)
        targets.append(
            (
                f"lint no slower than promtool ({args.rules:,}-rule file)",
                f"{ratio:.2f}×",
                ratio <= 1,
            )
        )
    targets.append(("start-up under 150 ms", f"{med(startup) * 1000:.0f} ms", med(startup) < 0.15))
    for name, value, met in targets:
        lines.append(f"| {name} | {value} | {'yes' if met else '**no**'} |")
    lines.append("")
    return "\n".join(lines)


def _version(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        return f"{tool} not installed"
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[:1]
    return first[0] if first else tool


if __name__ == "__main__":
    main()
