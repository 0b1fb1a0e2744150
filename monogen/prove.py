"""`monogen test`: run the generated promtool unit tests and report alert coverage.

Writes the rules and their tests to a temporary directory (never to generated/) and runs
one `promtool test rules` per experiment over one test file per alert (and one for the
recording rules): promtool reports each file apart, so a failing case marks its own alert
unproven, not its experiment's others. An alert's file reads only the rules it needs
(compile/rule_deps.py), so each proof costs what its own window and rules cost. An alert
is proven when it has a firing case and its file passed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monogen.build import target_files
from monogen.compile.rule_deps import needed
from monogen.model.build import Compiled
from monogen.output.render import serialise
from monogen.spec.errors import Position, fail
from monogen.targets.promtool_tests import promtool_tests, proof_rules

RECORDING = "recording rules"  # the case name of the recording rules' test file
_VERSION = re.compile(r"^promtool, version (\S+)", re.MULTILINE)
_FILE = re.compile(r"^Unit Testing:\s")  # 2.x names each file before testing it
_VERDICT = re.compile(r"^  (SUCCESS|FAILED:)\s*$")


@dataclass(frozen=True)
class Promtool:
    path: str
    version: str

    def __str__(self) -> str:
        return f"{self.path} (promtool {self.version})"


@dataclass(frozen=True)
class Failure:
    case: str  # "Alert/severity", or RECORDING
    detail: str  # promtool's account: each failed test's name, time, expected and got


@dataclass(frozen=True)
class Proof:
    experiment: str
    generated: int
    proven: int
    unproven: tuple[str, ...]  # alerts no firing case could be derived for
    failures: tuple[Failure, ...]
    output: str  # promtool's whole output
    unsettled: tuple[str, ...] = ()  # recorded series no exact check holds on every release

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def ok(self) -> bool:
        return self.passed and self.proven == self.generated


def find_promtool(explicit: str | None) -> Promtool:
    """The promtool to run: `explicit` exactly as given (a path, or a command on PATH),
    else `promtool` on PATH; never another one. Its version says which it is."""
    wanted = explicit or "promtool"
    if os.sep in wanted or (os.altsep and os.altsep in wanted):
        path = wanted if os.path.isfile(wanted) and os.access(wanted, os.X_OK) else None
    else:
        path = shutil.which(wanted)
    hint = "install Debian's `prometheus` package, or pass --promtool PATH"
    if path is None:
        raise fail(Position(wanted), "promtool not found", hint=hint)
    try:
        result = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
        found = _VERSION.search(result.stdout + result.stderr)
    except (OSError, subprocess.SubprocessError):
        found = None
    if found is None:
        raise fail(
            Position(path),
            "not promtool: `--version` does not answer `promtool, version …`",
            hint="pass --promtool the path of Prometheus' promtool binary",
        )
    # absolute: promtool runs in the temporary tree, where a relative path means nothing
    return Promtool(os.path.abspath(path), found.group(1))


@contextmanager
def stopped_on_term() -> Iterator[None]:
    """A SIGTERM (CI cancelling a job) ends `monogen test` as an exception would: the
    running promtool is killed (subprocess.run kills its child on any exception) and the
    temporary tree removed, instead of Python dying at once and leaving promtool running."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def prove(compiled: Compiled, promtool: str, timeout: float = 300) -> list[Proof]:
    proofs = []
    with tempfile.TemporaryDirectory(prefix="monogen-test-") as tmp:
        root = Path(tmp)
        for exp in compiled.specs.experiments:
            rules = compiled.rules[exp.name]
            files = target_files(compiled, exp.name, {"prometheus-rules"})
            (artifact, *read), tests = promtool_tests(exp, rules)
            files.update({a.path: serialise(a.data, a.format, a.source, a.note) for a in read})
            split = _split(artifact.data, tests.cases)
            directory = Path(artifact.path).parent
            stem = Path(artifact.path).name.removesuffix(".test.yaml")
            read_rules = proof_rules(exp, rules)
            names = {}
            for i, (case, document) in enumerate(split.items()):
                name = f"{stem}.{i:03d}.test.yaml"
                names[name] = case
                if case != RECORDING:  # an alert's proof reads only the rules it needs
                    own = needed(read_rules, case.split("/")[0])
                    files[str(directory / f"{stem}.{i:03d}.rules.yaml")] = serialise(
                        own.to_dict(), "yaml", artifact.source
                    )
                    document = {**document, "rule_files": [f"{stem}.{i:03d}.rules.yaml"]}
                files[str(directory / name)] = serialise(document, "yaml", artifact.source)
            for rel, text in files.items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text)
            result = subprocess.run(
                [promtool, "test", "rules", *names],
                cwd=root / directory,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,  # one stream: each file's verdict follows its name
                text=True,
                timeout=timeout,
                check=False,
            )
            failures = _failures(result.stdout, names, result.returncode)
            output = result.stdout.strip()
            failed = {f.case for f in failures}
            proven = [key for key in tests.proven if key not in failed]
            proofs.append(
                Proof(
                    exp.name,
                    len(rules.alerts),
                    len(proven),
                    tuple(tests.unproven),
                    tuple(failures),
                    output,
                    tuple(tests.unsettled),
                )
            )
    return proofs


def _split(document: dict[str, Any], cases: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    """One test document per alert (its groups), and one for the rest: the recording rules."""
    head = {k: v for k, v in document.items() if k != "tests"}
    owner = {name: case for case, names in cases.items() for name in names}
    grouped: dict[str, list[dict[str, Any]]] = {}
    for group in document["tests"]:
        grouped.setdefault(owner.get(group["name"], RECORDING), []).append(group)
    return {case: {**head, "tests": groups} for case, groups in grouped.items()}


def _failures(output: str, names: dict[str, str], returncode: int) -> list[Failure]:
    """Each test file's verdict, read from promtool's output: files are tested in the order
    given, each answered by a line `  SUCCESS` or `  FAILED:` and what failed (2.x also
    names the file first). A file without a verdict failed: promtool stopped early."""
    verdicts: list[list[str]] = []
    for line in output.splitlines():
        if _VERDICT.match(line):
            verdicts.append([line.strip()])
        elif verdicts and not _FILE.match(line):
            verdicts[-1].append(line)
    failures = []
    for i, case in enumerate(names.values()):
        verdict = verdicts[i] if i < len(verdicts) else None
        if verdict is not None and verdict[0] == "SUCCESS":
            continue
        if verdict is None:
            detail = output.strip() or f"promtool exited {returncode} without a word"
        else:
            detail = "\n".join(verdict[1:]).strip("\n")
        failures.append(Failure(case, detail))
    if returncode != 0 and not failures:  # promtool failed, yet every file passed
        failures.append(Failure(RECORDING, output.strip() or f"promtool exited {returncode}"))
    return failures


def report(proofs: list[Proof], promtool: Promtool | None = None) -> str:
    lines = [f"promtool: {promtool}"] if promtool else []
    width = max((len(p.experiment) for p in proofs), default=10)
    for p in proofs:
        status = "ok" if p.ok else "FAILED"
        pct = 100 * p.proven / p.generated if p.generated else 100.0
        lines.append(
            f"{p.experiment.ljust(width)}  {p.proven:>3}/{p.generated:<3} alerts proven "
            f"({pct:.0f}%)  {status}"
        )
        for failure in p.failures:
            lines.append(f"    FAILED {failure.case}:")
            detail = textwrap.dedent(failure.detail.expandtabs())
            lines.extend("        " + line.rstrip() for line in detail.splitlines() if line.strip())
        for alert in p.unproven:
            lines.append(f"    no firing case could be derived for {alert}")
        for expr in p.unsettled:
            lines.append(f"    not checked (releases compute it apart): {expr}")
    total = sum(p.generated for p in proofs)
    proven = sum(p.proven for p in proofs)
    lines.append(f"total: {proven}/{total} alerts proven by promtool")
    return "\n".join(lines) + "\n"
