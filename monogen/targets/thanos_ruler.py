"""Thanos Ruler rule files: the experiment's groups, each with its partial response
strategy (what a rule does when a store does not answer its query)."""

from __future__ import annotations

from typing import Any

from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import RulerTarget


class ThanosRuler(RulerTarget):
    name = "thanos-ruler"
    engine = "thanos"

    def rule_file(self, exp: ExperimentDoc, rules: RuleFile) -> dict[str, Any]:
        return rules.to_dict({"partial_response_strategy": self.options.partial_response_strategy})
