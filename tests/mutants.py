"""Mutants of generated rules: a rule file with one alert's expression edited, proven
under promtool, which must fail (a proof that cannot fail proves nothing)."""

from __future__ import annotations

import dataclasses
from typing import Any

from monogen.compile.promtests import compile_promtests
from monogen.model.build import Compiled
from monogen.pipeline import compile_targets, load
from monogen.prove import prove
from tests.conftest import invoke, tool


def failed_cases(
    compiled: Compiled, experiment: str, alert: str, old: str, new: str, promtool: str
) -> dict[str, str]:
    """Each failed case of the proof with `old` replaced by `new` in the rules of `alert`
    (every level) that hold it: case → promtool's account."""
    rules = compiled.rules[experiment]
    groups = []
    for group in rules.groups:
        kept = []
        for r in group.rules:
            if getattr(r, "alert", None) == alert and old in r.expr:
                r = dataclasses.replace(r, expr=r.expr.replace(old, new))
            kept.append(r)
        groups.append(dataclasses.replace(group, rules=tuple(kept)))
    assert groups != list(rules.groups), old
    compiled.rules[experiment] = dataclasses.replace(rules, groups=tuple(groups))
    (proof,) = prove(compiled, promtool)
    assert not proof.passed
    return {f.case: f.detail for f in proof.failures}


def refusal(write_spec: Any, spec: str, old: str, new: str) -> str:
    """The errors `monogen validate` prints for `spec` with `old` replaced by `new` (it
    must refuse it), file paths relative to the specs directory."""
    assert old in spec
    specs = write_spec(spec.replace(old, new, 1))
    result = invoke("validate", str(specs))
    assert result.exit_code == 2, result.output
    return result.stderr.replace(str(specs) + "/", "")


def proof_groups(compiled: Compiled, experiment: str) -> dict[str, dict[str, Any]]:
    """The generated promtool test groups of an experiment, by name."""
    exp = next(e for e in compiled.specs.experiments if e.name == experiment)
    document = compile_promtests(compiled.rules[experiment], exp, "rules.yaml").document
    return {t["name"]: t for t in document["tests"]}


def assert_caught(specs: Any, alert: str, old: str, new: str, caught: str, version: str) -> None:
    """The mutant fails the warning level's proof of `alert` in the case named `caught`."""
    compiled = compile_targets(load([specs]))
    experiment = compiled.specs.experiments[0].name
    failed = failed_cases(compiled, experiment, alert, old, new, tool("promtool", version))
    assert f"{alert}/warning" in failed, failed
    assert caught in failed[f"{alert}/warning"]


def assert_proven(specs: Any, version: str, line: str) -> None:
    """`monogen test` proves every alert of `specs` on promtool `version`."""
    result = invoke("test", str(specs), "--promtool", tool("promtool", version))
    assert result.exit_code == 0, result.output
    assert line in result.stdout
