"""Running the checks: files in, sorted findings out (suppressions and config applied)."""

from __future__ import annotations

import copy
import gc
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monogen.lint.catalog import checks_for
from monogen.lint.checks._rules_shape import rules
from monogen.lint.config import LintConfig
from monogen.lint.dialects import dialect_for
from monogen.lint.facts import prometheus_configs, scrape_interval_for
from monogen.lint.finding import Finding
from monogen.lint.registry import Check
from monogen.lint.source import LintFile, detect, discover, parse, read
from monogen.spec.loader import Document, PathKey


@dataclass
class LintResult:
    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    skipped: list[str] = field(default_factory=list)  # not a kind monogen lints
    unreadable: list[str] = field(default_factory=list)
    sources: dict[str, list[str]] = field(default_factory=dict)  # lines, for reporters


def lint_paths(paths: list[Path], config: LintConfig, kind: str | None = None) -> LintResult:
    """Lint files and directories; `kind` forces how every document is read. A file found
    in a directory that is no kind monogen lints is skipped; one named is an error."""
    result = LintResult()
    # DEFERRED: hits a check decides on only once every file is read (see Hit.defer)
    shared: dict[str, Any] = {DEFERRED: []}
    named = set(paths)
    found = discover(paths)
    configs = prometheus_configs(found)  # facts the project states (facts.py)
    for path in found:
        try:
            units = read(path)
        except (OSError, UnicodeError) as exc:
            result.unreadable.append(f"{path}: {exc}")
            continue
        result.files += 1
        if units:
            result.sources[str(path)] = units[0].lines
        for unit in units:
            if kind is not None and unit.kind != "broken" and unit.doc is not None:
                unit.kind, unit.root = forced(unit, kind)
            if unit.kind == "unknown" and path not in named:
                result.skipped.append(str(path))
                continue
            stated = config
            interval = scrape_interval_for(configs, path) if configs else None
            if interval is not None and unit.kind in ("rules", "dashboard"):
                settings = {**config.settings, "scrape_interval": interval}
                stated = LintConfig(config.disable, settings, config.source)
            result.findings.extend(lint_unit(unit, stated, shared))
    result.findings.extend(settle(shared, config))
    result.findings.sort()
    return result


DEFERRED = "deferred hits"


def settle(shared: dict[str, Any], config: LintConfig) -> list[Finding]:
    """The deferred hits of a run, decided now that every file is read (by the checks
    that deferred them, registered already)."""
    from monogen.lint.registry import REGISTRY

    found = []
    chosen = config.settings.get("severity", {})
    for check_id, key, path, line, column in shared.get(DEFERRED, []):
        check = REGISTRY[check_id]
        hit = check.settle(shared, key) if check.settle else None
        if hit is not None:
            severity = chosen.get(check_id) or hit.severity or check.severity
            found.append(Finding(path, line, column, check_id, severity, hit.message))
    return sorted(set(found))


def forced(unit: LintFile, kind: str) -> tuple[str, PathKey]:
    """The kind `--kind` names, and where its data starts (a PrometheusRule's spec)."""
    data = unit.doc.data if unit.doc is not None else None
    if kind == "rules" and isinstance(data, dict) and data.get("kind") == "PrometheusRule":
        return kind, ("spec",)
    if kind == "dashboard" and isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
        return kind, ("dashboard",)
    return kind, ()


def lint_text(text: str, name: str, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    return sorted(f for unit in parse(text, name) for f in lint_unit(unit, config, shared))


def lint_data(data: Any, name: str, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    """Lint data already in memory (no positions: every finding says line 1)."""
    kind, root = detect(data)
    if kind == "unknown":
        return []
    unit = LintFile(name, [], kind, Document(name, name, 0, data), root)
    return lint_unit(unit, config, shared)


# A rule file this large has its per-rule checks (scope "rule": parsing and walking every
# expression is most of the work) shared out with a forked second process, a chunk of rules
# at a time: each process takes the next chunk when it is done with one, so the two stay
# busy until the end whatever the checks cost.
PARALLEL_LINES = 20_000
CHUNK_RULES = 200


@dataclass
class _Share:
    unit: LintFile
    checks: list[Check]
    chunks: list[list[tuple[PathKey, dict[str, Any]]]]
    taken: Any  # a shared counter: the next chunk to take


_SHARE: _Share | None = None  # what the forked process sees


def lint_unit(unit: LintFile, config: LintConfig, shared: dict[str, Any]) -> list[Finding]:
    unit.settings = config.settings
    unit.dialect = dialect_for(unit.path, config.settings.get("dialects", {}))
    unit.shared = shared
    checks = [c for c in checks_for(unit.kind) if c.id not in config.disable]
    if unit.kind == "rules" and len(unit.lines) >= PARALLEL_LINES and _can_fork():
        found = _run_shared(unit, checks)
        if found is not None:
            return found
    return _run(unit, checks)


def _run_shared(unit: LintFile, checks: list[Check]) -> list[Finding] | None:
    """Lint in two processes; None if a second process could not be had (no shared
    memory in a sandbox, a worker killed): the caller then lints in this one."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _SHARE
    per_rule = [c for c in checks if c.scope == "rule"]
    found_rules = rules(unit)
    chunks = [found_rules[i : i + CHUNK_RULES] for i in range(0, len(found_rules), CHUNK_RULES)]
    context = multiprocessing.get_context("fork")
    gc.freeze()  # neither process need scan (or copy, for the collector) what was read
    try:
        _SHARE = _Share(unit, per_rule, chunks, context.Value("i", 0))
        with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            other = pool.submit(_take_chunks)
            found = _run(unit, [c for c in checks if c.scope == "file"])
            found += _take_chunks()
            found += other.result()
    except (OSError, BrokenProcessPool):
        return None
    finally:
        _SHARE = None
        gc.unfreeze()
    return found


def _take_chunks() -> list[Finding]:
    """Run the per-rule checks on chunk after chunk until none is left."""
    share = _SHARE
    assert share is not None
    found: list[Finding] = []
    while True:
        with share.taken.get_lock():
            index = share.taken.value
            share.taken.value = index + 1
        if index >= len(share.chunks):
            return found
        view = copy.copy(share.unit)
        view.memo = {"rules": share.chunks[index]}  # what rules(view) returns
        found += _run(share.unit, share.checks, view)


def _can_fork() -> bool:  # Linux and macOS: yes
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _run(unit: LintFile, checks: list[Check], view: LintFile | None = None) -> list[Finding]:
    """Findings of `checks` run on `view` (a share of `unit`'s rules) or on all of `unit`."""
    found = []
    seen: set[tuple[int, int, str]] = set()  # one finding once (a metric twice in an expr)
    chosen = unit.settings.get("severity", {})
    for check in checks:
        for hit in check.run(view or unit):
            if hit.line or unit.doc is None:
                line, column = hit.line, hit.column
            else:
                position = unit.where(hit.path, key=hit.key)
                line, column = position.line, position.column
            if unit.suppressed(check.id, line):
                continue
            if (line, column, check.id + hit.message) in seen:
                continue
            seen.add((line, column, check.id + hit.message))
            if hit.defer is not None and DEFERRED in unit.shared:
                unit.shared[DEFERRED].append((check.id, hit.defer, unit.path, line, column))
                continue
            severity = chosen.get(check.id) or hit.severity or check.severity
            found.append(Finding(unit.path, line, column, check.id, severity, hit.message))
    return found
