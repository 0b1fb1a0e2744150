"""promtool unit tests proving every generated alert and recording rule."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from typing import Any

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
    rewrites = {old: new for _, asked in _asked(exp) for old, new in asked.items()}
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
    proof = _rewritten(rules, _asked(exp))
    return [
        Artifact(path, tests.document, "yaml", exp.source, note=note),
        Artifact(read, proof.to_dict(), "yaml", exp.source, note=proof_note),
    ], tests


def proof_rules(exp: ExperimentDoc, rules: RuleFile) -> RuleFile:
    """The rules the generated tests read: the rule file's, or the proof rule file's."""
    asked = _asked(exp)
    return _rewritten(rules, asked) if asked else rules


def _asked(exp: ExperimentDoc) -> list[tuple[Any, dict[str, str]]]:
    """The guardrails whose kind rewrites their rules for the proof, and the rewrites."""
    found = [(rail, rail.kind.proof_rewrites(rail)) for rail in exp.guardrails]
    return [(rail, rewrites) for rail, rewrites in found if rewrites]


# a PromQL string literal ("..." or '...' with escapes, `...` raw), kept as written
_STRING = re.compile(r""""(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`""", re.DOTALL)


def _rewritten(rules: RuleFile, asked: list[tuple[Any, dict[str, str]]]) -> RuleFile:
    """`rules` with each guardrail's rewrites applied to its own alerting rules only,
    outside string literals (a label value reading `offset 1d` is data), and only to a
    whole token (`offset 1d` is not the start of `offset 1d12h`)."""

    def expr(text: str, rewrites: dict[str, str]) -> str:
        for old, new in rewrites.items():
            token = re.compile(rf"(?<![\w]){re.escape(old)}(?![\w.])")
            parts, at = [], 0
            for literal in _STRING.finditer(text):
                parts += [token.sub(new, text[at : literal.start()]), literal.group()]
                at = literal.end()
            text = "".join([*parts, token.sub(new, text[at:])])
        return text

    def rule(r: Any) -> Any:
        rail = getattr(getattr(r, "intent", None), "rail", None)
        rewrites = next((rewrites for own, rewrites in asked if own is rail), None)
        return dataclasses.replace(r, expr=expr(r.expr, rewrites)) if rewrites else r

    groups = [dataclasses.replace(g, rules=tuple(map(rule, g.rules))) for g in rules.groups]
    return dataclasses.replace(rules, groups=tuple(groups))
