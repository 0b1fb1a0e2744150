"""promtool unit tests proving every generated alert and recording rule."""

from __future__ import annotations

import dataclasses
import posixpath

from monogen.compile import naming
from monogen.compile.promtests import PromTests, compile_promtests
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target


class PromtoolTests(Target):
    name = "promtool-tests"

    def experiment(self, exp: ExperimentDoc, rules: RuleFile) -> list[Artifact]:
        return promtool_tests(exp, rules)[0]


def promtool_tests(exp: ExperimentDoc, rules: RuleFile) -> tuple[list[Artifact], PromTests]:
    """The test file (and, where a kind rewrites its rules for the proof, the rules the
    tests read), and which alerts it proves (for `monogen test`)."""
    path = naming.test_file_path(exp.name)
    rewrites = {old: new for rail in exp.guardrails for old, new in
                rail.kind.proof_rewrites(rail).items()}  # fmt: skip
    read = naming.proof_rule_file_path(exp.name) if rewrites else naming.rule_file_path(exp.name)
    tests = compile_promtests(rules, exp, posixpath.relpath(read, posixpath.dirname(path)))
    if not rewrites:
        return [Artifact(path, tests.document, "yaml", exp.source)], tests
    changes = "; ".join(f"`{old}` read as `{new}`" for old, new in rewrites.items())
    rules_file = posixpath.basename(naming.rule_file_path(exp.name))
    why = (
        "the same expressions over a shorter history\n(promtool evaluates every rule "
        "each minute of the history a test needs)."
    )
    note = f"These tests read {posixpath.basename(read)}: the rules of {rules_file} with\n"
    note += f"{changes}: {why}"
    proof_note = f"The rules of {rules_file} with {changes}, for the promtool tests\n"
    proof_note += f"beside it: {why}"
    proof = _rewritten(rules, rewrites)
    return [
        Artifact(path, tests.document, "yaml", exp.source, note=note),
        Artifact(read, proof.to_dict(), "yaml", exp.source, note=proof_note),
    ], tests


def proof_rules(exp: ExperimentDoc, rules: RuleFile) -> RuleFile:
    """The rules the generated tests read: the rule file's, or the proof rule file's."""
    rewrites = {old: new for rail in exp.guardrails for old, new in
                rail.kind.proof_rewrites(rail).items()}  # fmt: skip
    return _rewritten(rules, rewrites) if rewrites else rules


def _rewritten(rules: RuleFile, rewrites: dict[str, str]) -> RuleFile:
    def expr(text: str) -> str:
        for old, new in rewrites.items():
            text = text.replace(old, new)
        return text

    groups = [
        dataclasses.replace(
            g, rules=tuple(dataclasses.replace(r, expr=expr(r.expr)) for r in g.rules)
        )
        for g in rules.groups
    ]
    return dataclasses.replace(rules, groups=tuple(groups))
