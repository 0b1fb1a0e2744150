"""Running the checks: files in, sorted findings out (suppressions and config applied)."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monogen.lint.config import LintConfig
from monogen.lint.finding import Finding
from monogen.lint.registry import Check, all_checks
from monogen.lint.source import LintFile, detect, discover, parse, read
from monogen.spec.loader import Document


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # not a kind monogen lints
    unreadable: list[str] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)  # lines, for reporters


def lint_paths(paths: list[Path], config: LintConfig) -> LintResult:
    result = LintResult()
    shared: dict[str, Any] = {}
    for path in discover(paths):
        try:
            units = read(path)
        except (OSError, UnicodeError) as exc:
            result.unreadable.append(f"{path}: {exc}")
            continue
        result.files += 1
        if units:
            result.sources[str(path)] = units[0].lines
        for unit in units:
            if unit.kind == "unknown":
                result.skipped.append(str(path))
                continue
            result.findings.extend(lint_unit(unit, config, shared))
    result.findings.sort()
    return result


def lint_text(text: str, name: str, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    return sorted(f for unit in parse(text, name) for f in lint_unit(unit, config, shared))


def lint_data(data: Any, name: str, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    """Lint data already in memory (no positions: every finding says line 1)."""
    kind, root = detect(data)
    if kind == "unknown":
        return []
    unit = LintFile(name, [], kind, Document(name, name, 0, data), root)
    return lint_unit(unit, config, shared)


# A file this large has its PromQL-tree checks run in a second process while this one runs
# the rest: parsing every expression is the largest single cost of linting it.
PARALLEL_LINES = 20_000
_TREE_CHECKS = ("promql/", "rules/promql-syntax", "alerts/no-comparison")
_UNIT: tuple[LintFile, list[Check]] | None = None  # what the forked process lints


def lint_unit(unit: LintFile, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    global _UNIT
    unit.settings = config.settings
    unit.shared = shared
    checks = [c for c in _checks_for(unit.kind) if c.id not in config.disable]
    trees = [c for c in checks if c.id.startswith(_TREE_CHECKS)]
    if len(unit.lines) < PARALLEL_LINES or not trees or not _can_fork():
        return _run(unit, checks)
    rest = [c for c in checks if c not in trees]
    _UNIT = (unit, trees)
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            other = pool.submit(_run_forked)
            found = _run(unit, rest)
            found += other.result()
    finally:
        _UNIT = None
    return found


def _run_forked() -> list[Finding]:
    assert _UNIT is not None
    return _run(*_UNIT)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run(unit: LintFile, checks: list[Check]) -> list[Finding]:
    found = []
    for check in checks:
        for hit in check.run(unit):
            if hit.line or unit.doc is None:
                line, column = hit.line, hit.column
            else:
                position = unit.where(hit.path, key=hit.key)
                line, column = position.line, position.column
            if unit.suppressed(check.id, line):
                continue
            severity = hit.severity or check.severity
            found.append(Finding(unit.path, line, column, check.id, severity, hit.message))
    return found


def _checks_for(kind: str) -> list[Check]:
    return [c for c in all_checks().values() if c.kind in (kind, "any")]
