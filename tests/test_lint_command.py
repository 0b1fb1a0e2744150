"""`monogen lint` reads its own arguments when they are plain (no click to import, which
costs more than linting a small file) and must then do exactly what the full command line
does: same output, same messages, same exit code. What it does not take for certain goes
to click."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monogen.lint.command import LintArgs, parse_args

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests/lint/corpus"
RULES = ROOT / "generated/prometheus/rules/fraud-detector-ab.rules.yaml"
BAD_RULES = CORPUS / "rules/bad/bad-duration.yaml"
BAD_AM = CORPUS / "alertmanager/bad/bad-matcher.yaml"
DASHBOARD = next((ROOT / "generated/grafana/dashboards").glob("*.json"))

FAST = "import sys; from monogen.entry import main; sys.argv = ['monogen', *sys.argv[1:]]; main()"
CLICK = "import sys; from monogen.cli import main; sys.argv = ['monogen', *sys.argv[1:]]; main()"


def run(probe: str, args: list[str], cwd: Path) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    return done.returncode, done.stdout, done.stderr


ARGUMENTS = [
    ["lint", str(RULES)],
    ["lint", str(BAD_RULES)],
    ["lint", "--format", "json", str(BAD_RULES), str(BAD_AM)],
    ["lint", "--format=github", str(BAD_AM)],
    ["lint", str(BAD_RULES), "--format", "sarif", "--fail-on", "warning"],
    ["lint", "--fail-on=info", str(RULES)],
    ["lint", "--kind", "rules", str(DASHBOARD)],
    ["lint", str(CORPUS / "rules")],
    ["lint", "--", str(RULES)],
    ["lint", "missing.yaml"],
    ["lint", "--config", "lint.yaml", str(BAD_RULES)],
    ["lint", "--config", "nothing-here.yaml", str(RULES)],
    ["lint", "--metadata", "metadata.json", str(RULES)],
]


@pytest.mark.parametrize("args", ARGUMENTS, ids=lambda a: " ".join(Path(w).name for w in a))
def test_plain_arguments_lint_as_the_full_command_line_does(
    args: list[str], tmp_path: Path
) -> None:
    (tmp_path / "lint.yaml").write_text(
        "lint:\n  disable: [rules/duration]\n  severity: {alerts/runbook-url: warning}\n"
    )
    (tmp_path / "metadata.json").write_text(
        json.dumps({"status": "success", "data": {"up": [{"type": "gauge", "help": ""}]}})
    )
    assert parse_args(args[1:]) is not None  # the fast path takes these
    fast = run(FAST, args, tmp_path)
    assert fast == run(CLICK, args, tmp_path)
    assert "file(s) linted" in fast[2] or "error" in fast[2]


def test_the_fast_path_imports_no_command_line_framework(tmp_path: Path) -> None:
    probe = (
        "import atexit, sys; from monogen.entry import main;"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m.split('.')[0]"
        " in ('click', 'pydantic', 'jinja2', 'grafanalib') or m == 'monogen.cli'"
        " or m.startswith('monogen.lint.checks.alertmanager'))));"
        f"sys.argv = ['monogen', 'lint', {str(RULES)!r}]; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no path: click says what is missing
        ["--help"],
        ["-h", "x.yaml"],
        ["--list"],
        ["--list", "--format", "markdown"],
        ["--format", "markdown", "x.yaml"],
        ["--format", "xml", "x.yaml"],
        ["--fail-on", "critical", "x.yaml"],
        ["--kind", "dashboards", "x.yaml"],
        ["--format"],
        ["--config=", "x.yaml"],
        ["--no-such-flag", "x.yaml"],
        ["-x.yaml"],
    ],
)
def test_anything_else_goes_to_the_full_command_line(argv: list[str]) -> None:
    assert parse_args(argv) is None


def test_the_arguments_are_read_as_click_reads_them() -> None:
    assert parse_args(
        ["a.yaml", "--format=json", "--kind", "rules", "b", "--config", "c.toml", "--", "--d"]
    ) == LintArgs(
        [Path("a.yaml"), Path("b"), Path("--d")], "json", "error", Path("c.toml"), "rules", None
    )
    assert parse_args(["-", "--format", "text", "--format", "github"]) == LintArgs(
        [Path("-")], "github"
    )


def test_an_interrupted_lint_ends_as_the_full_command_line_ends(tmp_path: Path) -> None:
    """Ctrl-C while linting (a large file, a FIFO no one writes): click's "Aborted!" and
    exit 1, not a KeyboardInterrupt traceback."""
    interrupt = (
        "import monogen.lint.run as r\n"
        "def lint_paths(*args, **kwargs): raise KeyboardInterrupt\n"
        "r.lint_paths = lint_paths\n"
    )
    args = ["lint", str(RULES)]
    fast = run(interrupt + FAST.replace("; ", "\n"), args, tmp_path)
    assert fast == (1, "", "\nAborted!\n")
    assert fast == run(interrupt + CLICK.replace("; ", "\n"), args, tmp_path)


def test_a_closed_standard_error_changes_no_exit_code(tmp_path: Path) -> None:
    """`2>&-`: nothing to say things on, which click.echo takes quietly; the exit code still
    tells clean (0), findings (1) and bad input (2) apart."""
    for probe in (FAST, CLICK):
        for target, code in ((RULES, 0), (BAD_RULES, 1), (tmp_path / "missing.yaml", 2)):
            done = subprocess.run(
                ["sh", "-c", 'exec "$0" -c "$1" lint "$2" 2>&-', sys.executable, probe, target],
                cwd=tmp_path,
                capture_output=True,
                timeout=60,
            )
            assert done.returncode == code, (probe, target, done.stdout[-300:])
