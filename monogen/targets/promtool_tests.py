"""promtool unit tests proving every generated alert and recording rule."""

from __future__ import annotations

import posixpath

from monogen.compile import naming
from monogen.compile.promtests import PromTests, compile_promtests
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target


class PromtoolTests(Target):
    name = "promtool-tests"

    def experiment(self, exp: ExperimentDoc, rules: RuleFile) -> list[Artifact]:
        return [promtool_tests(exp, rules)[0]]


def promtool_tests(exp: ExperimentDoc, rules: RuleFile) -> tuple[Artifact, PromTests]:
    """The test file, and which alerts it proves (for `monogen test`)."""
    path = naming.test_file_path(exp.name)
    rule_path = posixpath.relpath(naming.rule_file_path(exp.name), posixpath.dirname(path))
    tests = compile_promtests(rules, exp, rule_path)
    return Artifact(path, tests.document, "yaml", exp.source), tests
