"""From the compiled model to text: each target's artifacts, linted from their data, then
serialised. Experiments are independent, so a large build spreads them over processes;
the result is the same bytes in the same order either way. Nothing here writes files."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any, Protocol

from monogen.lint.finding import Finding
from monogen.model.build import Compiled
from monogen.model.rules import RuleFile
from monogen.output.render import serialise
from monogen.output.write import Files, with_marker
from monogen.spec.project import Project
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target
from monogen.targets.registry import TARGETS

PARALLEL_FROM = 64  # experiments; below this, starting processes costs more than it saves


@dataclass
class Output:
    files: Files
    findings: list[Finding] = field(default_factory=list)  # lint of the generated artifacts


class PartCache(Protocol):
    """Experiments' renders from an earlier build (output/cache.py)."""

    in_process: bool  # kept in this process's memory: only it may put (and keep rules)

    def key(self, exp: ExperimentDoc, project: Project, lint: bool) -> str: ...

    def get(self, key: str) -> tuple[Files, list[Finding]] | None: ...

    def put(self, key: str, part: tuple[Files, list[Finding]]) -> None: ...

    def memo(self, key: str, produce: Callable[[], list[str]]) -> list[str]: ...

    def rules(
        self, exp: ExperimentDoc, project: Project, produce: Callable[[ExperimentDoc], RuleFile]
    ) -> RuleFile: ...


def render(compiled: Compiled, *, lint: bool = True, cache: PartCache | None = None) -> Output:
    """The whole tree, with the marker file."""
    output = Output({})
    for part in render_parts(compiled, lint=lint, cache=cache):
        output.files.update(part.files)
        output.findings.extend(part.findings)
    output.files = with_marker(dict(sorted(output.files.items())))
    output.findings.sort()
    return output


def render_parts(
    compiled: Compiled, *, lint: bool = True, cache: PartCache | None = None
) -> Generator[Output, None, None]:
    """Each experiment's files in order, then the files that draw on every spec, each part
    as soon as it is rendered (by parallel workers in a large build), so a caller can
    write one part while the next renders. With a cache, an experiment rendered before
    from the same inputs is taken from it, and only the others are rendered."""
    global _JOB
    experiments = compiled.specs.experiments
    compiled = replace(compiled, memo=cache.memo) if cache else compiled
    keys = [cache.key(exp, compiled.specs.project, lint) for exp in experiments] if cache else []
    reused = {i: hit for i, key in enumerate(keys) if cache and (hit := cache.get(key)) is not None}
    todo = [i for i in range(len(experiments)) if i not in reused]
    _JOB = (compiled, lint, cache, keys)
    rendered = _rendered(todo)
    try:
        for index in range(len(experiments)):
            if index in reused:
                yield Output(*reused[index])
                continue
            part = next(rendered)
            if cache is not None and cache.in_process:  # a worker's copy would be lost
                cache.put(keys[index], (part.files, part.findings))
            yield part
        yield next(rendered)  # the shared files
    finally:
        rendered.close()
        _JOB = None


def _rendered(todo: list[int]) -> Generator[Output, None, None]:
    """The experiments in `todo`, in order, then the shared files."""
    workers = min(os.cpu_count() or 1, 8)
    if len(todo) >= PARALLEL_FROM and workers > 1 and _can_fork():
        import grafanalib.core  # noqa: F401 - once here, not once in every worker

        # Frozen objects are not scanned by the collector, so workers do not touch (and
        # copy) every page they inherit.
        gc.freeze()
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                # the files of all experiments together (the overview dashboard is the
                # largest) go first, so they are done by the time the last chunk is
                # (an in-process cache keeps the texts the shared files memoise only
                # when they are rendered here)
                local = _JOB is not None and _JOB[2] is not None and _JOB[2].in_process
                common = None if local else pool.apply_async(_shared)
                yield from pool.imap(_experiment, todo, chunksize=16)
                yield _shared() if common is None else common.get()
        finally:
            gc.unfreeze()
    else:
        for index in todo:
            yield _experiment(index)
        yield _shared()


# what forked workers render (inherited memory): the build, lint or not, the cache and
# each experiment's key in it
_JOB: tuple[Compiled, bool, PartCache | None, list[str]] | None = None


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _experiment(index: int) -> Output:
    assert _JOB is not None
    compiled, lint, cache, keys = _JOB
    exp = compiled.specs.experiments[index]
    rules = compiled.rules[exp.name]
    artifacts = [a for target in _targets(compiled) for a in target.experiment(exp, rules)]
    output = _finish(artifacts, lint)
    if cache is not None and not cache.in_process:  # by the worker: writes in parallel
        cache.put(keys[index], (output.files, output.findings))
    return output


def _shared() -> Output:
    """The files that draw on every spec: overview dashboard, provisioning, Alertmanager."""
    assert _JOB is not None
    compiled, lint, _, _ = _JOB
    return _finish([a for target in _targets(compiled) for a in target.shared(compiled)], lint)


def _targets(compiled: Compiled) -> list[Target]:
    """The registered targets as the project configures them (rulers only when named)."""
    configured = (target.for_project(compiled.specs.project) for target in TARGETS)
    return [target for target in configured if target is not None]


def _finish(artifacts: list[Artifact], lint: bool) -> Output:
    output = Output({})
    linter = _Linter(lint)
    for artifact in artifacts:
        text = serialise(artifact.data, artifact.format, artifact.source, artifact.note)
        output.files[artifact.path] = text
        if artifact.lint:
            linter.add(artifact.path, artifact.data, text, output)
    return output


class _Linter:
    """Lints artifacts from their data (no re-parse); positions come from the text only
    when something is found."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shared: dict[str, Any] = {}

    def add(self, rel: str, data: Any, text: str, output: Output) -> None:
        if not self.enabled:
            return
        from monogen.lint.run import lint_data, lint_text

        config = generated_lint_config()
        if lint_data(data, rel, config, self.shared):
            output.findings.extend(lint_text(text, rel, config, {}))


@cache
def generated_lint_config() -> Any:
    """Generated output must load on every release monogen supports: it is linted as the
    oldest of each reads it (a field a newer release added is an error), and proven on the
    newest by the tests' real tools."""
    from monogen.lint.config import LintConfig
    from monogen.lint.versions import OLDEST

    return LintConfig(settings={"target_versions": dict(OLDEST)})


def target_files(compiled: Compiled, experiment: str, names: set[str]) -> Files:
    """The text of one experiment's files from the named targets (for `monogen test`)."""
    exp = next(e for e in compiled.specs.experiments if e.name == experiment)
    rules = compiled.rules[experiment]
    artifacts = [
        a
        for target in _targets(compiled)
        if target.name in names
        for a in target.experiment(exp, rules)
    ]
    return {a.path: serialise(a.data, a.format, a.source, a.note) for a in artifacts}
