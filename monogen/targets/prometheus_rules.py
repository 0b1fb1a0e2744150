"""Prometheus rule files: recording and alerting rules, one file per experiment."""

from __future__ import annotations

from monogen.compile import naming
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target


class PrometheusRules(Target):
    name = "prometheus-rules"

    def experiment(self, exp: ExperimentDoc, rules: RuleFile) -> list[Artifact]:
        path = naming.rule_file_path(exp.name)
        return [Artifact(path, rules.to_dict(), "yaml", rules.source, lint=True)]
