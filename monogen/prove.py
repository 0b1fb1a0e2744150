"""`monogen test`: run the generated promtool unit tests and report alert coverage.

Writes the rules and their tests to a temporary directory (never to generated/), runs
`promtool test rules` on each experiment's tests, and counts an alert as proven when its
firing case is in a test file that passed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from monogen.build import target_files
from monogen.model.build import Compiled
from monogen.output.render import serialise
from monogen.spec.errors import Position, fail
from monogen.targets.promtool_tests import promtool_tests


@dataclass(frozen=True)
class Proof:
    experiment: str
    generated: int
    proven: int
    unproven: tuple[str, ...]
    passed: bool
    output: str

    @property
    def ok(self) -> bool:
        return self.passed and self.proven == self.generated


def find_promtool(explicit: str | None) -> str:
    path = shutil.which(explicit or "promtool")
    if path is None:
        raise fail(
            Position(explicit or "promtool"),
            "promtool not found",
            hint="install Debian's `prometheus` package, or pass --promtool PATH",
        )
    return path


def prove(compiled: Compiled, promtool: str, timeout: float = 300) -> list[Proof]:
    proofs = []
    with tempfile.TemporaryDirectory(prefix="monogen-test-") as tmp:
        root = Path(tmp)
        for exp in compiled.specs.experiments:
            rules = compiled.rules[exp.name]
            files = target_files(compiled, exp.name, {"prometheus-rules"})
            artifact, tests = promtool_tests(exp, rules)
            files[artifact.path] = serialise(artifact.data, artifact.format, artifact.source)
            for rel, text in files.items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text)
            test_file = root / artifact.path
            result = subprocess.run(
                [promtool, "test", "rules", test_file.name],
                cwd=test_file.parent,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            passed = result.returncode == 0
            proofs.append(
                Proof(
                    exp.name,
                    len(rules.alerts),
                    len(tests.proven) if passed else 0,
                    tuple(tests.unproven),
                    passed,
                    (result.stdout + result.stderr).strip(),
                )
            )
    return proofs


def report(proofs: list[Proof]) -> str:
    lines = []
    width = max((len(p.experiment) for p in proofs), default=10)
    for p in proofs:
        status = "ok" if p.ok else "FAILED"
        pct = 100 * p.proven / p.generated if p.generated else 100.0
        lines.append(
            f"{p.experiment.ljust(width)}  {p.proven:>3}/{p.generated:<3} alerts proven "
            f"({pct:.0f}%)  {status}"
        )
        if not p.passed:
            lines.extend("    " + line for line in p.output.splitlines())
        for alert in p.unproven:
            lines.append(f"    no firing case could be derived for {alert}")
    total = sum(p.generated for p in proofs)
    proven = sum(p.proven for p in proofs)
    lines.append(f"total: {proven}/{total} alerts proven by promtool")
    return "\n".join(lines) + "\n"
