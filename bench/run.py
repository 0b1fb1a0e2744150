"""Benchmark: build, check and lint at 10, 100 and 1,000 experiments, against promtool and
amtool, as whole processes. Prints a table and writes bench/RESULTS.md.

    python bench/run.py [--sizes 10,100,1000] [--repeat 3] [--out bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synth import big_rule_file, write

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable  # replaced in main() by a Python that sees monogen as installed
MONOGEN = [PYTHON, "-m", "monogen"]
# The least any Python linter built on PyYAML can take for a rule file: start, import
# PyYAML, parse the file with its C parser.
YAML_FLOOR = "import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)"
RSS_PROBE = (
    "import resource, subprocess, sys;"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL);"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


# Python as an installed monogen runs: from compiled bytecode (pip compiles at install;
# PYTHONDONTWRITEBYTECODE in a developer's shell would time the compiler instead).
BASE = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
# Every build renders every experiment unless a row says otherwise (the render cache is off).
FULL = {**BASE, "MONOGEN_CACHE": "0"}
REAL_FILE = ROOT / "generated/prometheus/rules/fraud-detector-ab.rules.yaml"


def installed_python(base: Path) -> str:
    """A Python in a new virtual environment that finds monogen the way an installed
    package is found (a directory on sys.path), and its libraries in this environment's
    site-packages. Not this environment's own Python: the editable install's import hook
    (`make` installs monogen editable, for development) adds ~30 ms to every start, which
    no user pays."""
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (site,) = venv.glob("lib/python*/site-packages")
    libraries = sysconfig.get_paths()["purelib"]
    (site / "monogen-bench.pth").write_text(f"{ROOT}\n{libraries}\n")
    return str(venv / "bin" / "python")


def timed(
    cmd: list[str],
    repeat: int,
    cwd: Path,
    ok: tuple[int, ...] = (0,),
    env: dict[str, str] | None = None,
) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = subprocess.run(
            cmd, cwd=cwd, capture_output=True, text=True, check=False, env=env or FULL
        )
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


def matrix_tool(name: str) -> str | None:
    """The newest release's tool of the matrix (`make tools`), else one on PATH."""
    sys.path.insert(0, str(ROOT))
    from tools import matrix

    path = matrix.binary(name, matrix.NEWEST[matrix.PRODUCT_OF[name]])
    return str(path) if os.access(path, os.X_OK) else shutil.which(name)


def main() -> None:
    global PYTHON
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--incremental", type=int, default=300, help="experiments")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args()
    args.load = [os.getloadavg()]  # other work on the machine skews whole-process times
    promtool, amtool = matrix_tool("promtool"), matrix_tool("amtool")
    sizes = [int(s) for s in args.sizes.split(",")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "monogen")], check=True)
    rows: dict[int, dict[str, list[float]]] = {}
    memory: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="monogen-bench-") as tmp:
        base = Path(tmp)
        PYTHON = installed_python(base)
        MONOGEN[0] = PYTHON
        for n in sizes:
            work = base / f"n{n}"
            write(work, n)
            r: dict[str, list[float]] = {}
            r["monogen build"] = [  # into a new directory each time: nothing to reuse
                t
                for i in range(args.repeat)
                for t in timed([*MONOGEN, "build", "specs", "-o", f"new-{i}"], 1, work)
            ]
            r["monogen build (over its last output)"] = timed(
                [*MONOGEN, "build", "specs", "-o", "gen"], args.repeat + 1, work
            )[1:]
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
        bare = timed([PYTHON, "-c", "pass"], max(args.repeat, 5), base)
        real = small_file(base, max(args.repeat, 5), promtool)
        incremental = rebuild(base, args.incremental, args.repeat)
        stages = stage_profile(base / f"n{max(sizes)}" / "specs")
        big = big_rule_file(base / "big.rules.yaml", args.rules)
        big_lint = timed([*MONOGEN, "lint", str(big)], args.repeat, base)
        big_promtool = (
            timed([promtool, "check", "rules", str(big)], args.repeat, base) if promtool else []
        )
    args.load.append(os.getloadavg())
    extra = {"bare": bare, "real": real, "incremental": incremental, "stages": stages}
    report = render(sizes, rows, memory, startup, big_lint, big_promtool, args, extra)
    args.out.write_text(report)
    print(report)


def small_file(base: Path, repeat: int, promtool: str | None) -> dict[str, list[float]]:
    """`monogen lint` and `promtool check rules` on one real-size rule file, alternately."""
    times: dict[str, list[float]] = {"lint": [], "promtool": [], "floor": []}
    for _ in range(repeat):
        times["lint"] += timed([*MONOGEN, "lint", str(REAL_FILE)], 1, base)
        times["floor"] += timed([PYTHON, "-c", YAML_FLOOR, str(REAL_FILE)], 1, base)
        if promtool:
            times["promtool"] += timed([promtool, "check", "rules", str(REAL_FILE)], 1, base)
    return times


def stage_profile(specs: Path) -> str:
    """bench/stages.py's table of one serial build of `specs`."""
    sys.path.insert(0, str(ROOT / "bench"))
    from stages import table

    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "stages.py"), str(specs), "--json"],
        check=True, capture_output=True, text=True, env=FULL,
    ).stdout  # fmt: skip
    return table(json.loads(out))


def rebuild(base: Path, n: int, repeat: int) -> dict[str, list[float]]:
    """A full build of `n` experiments, and a build after one spec changed that reuses what
    the others rendered before (the render cache), alternately."""
    work = base / f"incremental-{n}"
    specs = write(work, n)
    cached = {**BASE, "MONOGEN_CACHE_DIR": str(work / "cache")}
    build = [*MONOGEN, "build", "specs", "-o", "gen"]
    timed(build, 1, work, env=cached)  # the cache as the build before left it
    spec = specs / "exp-0001.yaml"  # a second-family spec: it has a tolerance
    original = spec.read_text()
    times: dict[str, list[float]] = {"full": [], "incremental": [], "watch": []}
    for i in range(repeat):
        times["full"] += timed([*build, "--no-cache"], 1, work)
        spec.write_text(original.replace("tolerance: 10", f"tolerance: {11 + i}"))
        times["incremental"] += timed(build, 1, work, env=cached)
    times["watch"] = watched(work, spec, original, repeat)
    return times


def watched(work: Path, spec: Path, original: str, repeat: int) -> list[float]:
    """`build --watch`: from saving the spec to the end of the rebuild it starts (the
    watch looks every 0.25 s, so half of that is waiting, on average)."""
    cmd = [*MONOGEN, "build", "specs", "-o", "gen-watch", "--watch"]
    proc = subprocess.Popen(cmd, cwd=work, env=FULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None

    def built() -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            # "watch: built in …"; an error is printed with its position instead
            if line.startswith("watch: built"):
                return
            if ": error: " in line:
                raise RuntimeError(f"the watch refused the edit: {line.strip()}")
        raise RuntimeError("the watch stopped")

    try:
        built()
        found = []
        for i in range(repeat):
            started = time.perf_counter()
            spec.write_text(original.replace("tolerance: 10", f"tolerance: {21 + i}"))
            built()
            found.append(time.perf_counter() - started)
        return found
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def render(sizes, rows, memory, startup, big_lint, big_promtool, args, extra) -> str:
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
        f"{_version('promtool')}; {_version('amtool')}. Load average (1, 5, 15 min) at the "
        f"start {_load(args.load[0])}, at the end {_load(args.load[-1])}: ratios measured "
        "in the same run, alternately, are steadier than absolute times.",
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
        f"- `monogen --version`: {fmt(startup)} (`python -c pass`: {fmt(extra['bare'])})",
        f"- `monogen lint` on one file of {args.rules:,} rules: {fmt(big_lint)}",
    ]
    if big_promtool:
        lines.append(
            f"- `promtool check rules` on the same file: {fmt(big_promtool)} "
            f"(ratio {med(big_lint) / med(big_promtool):.2f})"
        )
    real, inc = extra["real"], extra["incremental"]
    kb = REAL_FILE.stat().st_size / 1024
    lines.append(
        f"- `monogen lint` on one real-size rule file ({REAL_FILE.relative_to(ROOT)}, "
        f"{kb:.0f} KB): {fmt(real['lint'])}"
    )
    if real["promtool"]:
        lines.append(
            f"- `promtool check rules` on the same file: {fmt(real['promtool'])} "
            f"(ratio {med(real['lint']) / med(real['promtool']):.2f})"
        )
        lines.append(
            f"- Python only starting, importing PyYAML and parsing the same file: "
            f"{fmt(real['floor'])} (ratio to promtool "
            f"{med(real['floor']) / med(real['promtool']):.2f}): the floor of any linter "
            "in Python on PyYAML"
        )
    lines += [
        "",
        f"## Rebuild after one spec changes among {args.incremental} experiments",
        "",
        f"- full build (`--no-cache`): {fmt(inc['full'])}",
        f"- incremental build (the others from the render cache): {fmt(inc['incremental'])} "
        f"(ratio {med(inc['incremental']) / med(inc['full']):.2f})",
        f"- `build --watch` (save to rebuilt): {fmt(inc['watch'])} "
        f"(ratio {med(inc['watch']) / med(inc['full']):.2f})",
    ]
    lines += [
        "",
        f"## Stages of a {max(sizes):,}-experiment build",
        "",
        "CPU seconds by stage, the build in one process without workers (`bench/stages.py`; "
        "the build above shares its render stages between two processes). The lint and the "
        "serialisation rows are guarded against `bench/baseline.json` (`bench/guard.py`).",
        "",
        extra["stages"],
    ]
    lines += ["", "## Against the targets", "", "| target | measured | met |", "|---|---|---|"]
    targets = []
    ratio = med(inc["incremental"]) / med(inc["full"])
    targets.append(
        (f"rebuild after 1 of {args.incremental} changed ≤ 0.4 build", f"{ratio:.2f}", ratio <= 0.4)
    )
    ratio = med(inc["watch"]) / med(inc["full"])
    targets.append(
        (
            f"`--watch` after 1 of {args.incremental} changed ≤ ¼ build",
            f"{ratio:.2f}",
            ratio <= 0.25,
        )
    )
    if real["promtool"]:
        ratio = med(real["lint"]) / med(real["promtool"])
        targets.append(
            (f"lint no slower than promtool ({kb:.0f} KB file)", f"{ratio:.2f}×", ratio <= 1)
        )
    if 1000 in rows:
        build = med(rows[1000]["monogen build"])
        check = med(rows[1000]["monogen build --check (up to date)"])
        targets += [
            ("build of 1,000 experiments within 4 s", f"{build:.2f} s", build <= 4),
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
                f"lint at most half of promtool ({args.rules:,}-rule file)",
                f"{ratio:.2f}×",
                ratio <= 0.5,
            )
        )
    if 10 in rows:
        check = med(rows[10]["monogen build --check (up to date)"])
        targets.append(("--check of 10 unchanged experiments within 0.3 s", f"{check:.3f} s",
                        check <= 0.3))  # fmt: skip
    up = med(startup) * 1000
    targets.append(("`monogen --version` within 50 ms", f"{up:.0f} ms", up <= 50))
    for name, value, met in targets:
        lines.append(f"| {name} | {value} | {'yes' if met else '**no**'} |")
    lines.append("")
    return "\n".join(lines)


def _load(avg: tuple[float, float, float]) -> str:
    return " / ".join(f"{x:.2f}" for x in avg)


def _version(tool: str) -> str:
    path = matrix_tool(tool)
    if not path:
        return f"{tool} not installed"
    out = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    first = (out.stdout or out.stderr).splitlines()[:1]
    return first[0] if first else tool


if __name__ == "__main__":
    main()
