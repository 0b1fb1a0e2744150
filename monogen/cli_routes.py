"""`monogen routes --config … --test …`: routing test cases against a hand-written
Alertmanager config, reported in the lint formats."""

from __future__ import annotations

import sys
from pathlib import Path

from monogen.lint import report
from monogen.lint.finding import Severity
from monogen.lint.registry import Check
from monogen.lint.route_cases import CHECKS, load_cases, load_config, run


def route_tests(config_path: Path, cases_path: Path, fmt: str) -> int:
    """Run the cases, print the findings; the exit code (1 when a case fails)."""
    config = load_config(config_path)
    cases = load_cases(cases_path)
    findings = run(config, cases)
    out = sys.stdout
    if fmt == "sarif":
        checks = {
            cid: Check(cid, "alertmanager", severity, summary, lambda _f: ())
            for cid, (severity, summary) in CHECKS.items()
        }
        report.sarif(findings, out, checks)
    else:
        sources = {}
        for path in (config_path, cases_path):
            sources[str(path)] = path.read_text(encoding="utf-8").splitlines()
        reporter = {"text": report.text, "table": report.text, "json": report.as_json}
        reporter.get(fmt, report.github)(findings, out, sources)
    failed = sum(f.severity >= Severity.ERROR for f in findings)
    uncovered = sum(f.check == "routes/uncovered" for f in findings)
    print(
        f"{len(cases)} case(s), {failed} failed; {uncovered} route(s) no case reaches",
        file=sys.stderr,
    )
    return 1 if failed else 0
