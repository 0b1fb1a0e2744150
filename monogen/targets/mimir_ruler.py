"""Grafana Mimir (and Cortex) ruler namespace files, one namespace per experiment, as
`mimirtool rules load` and `rules sync` read them: `namespace:` and `groups:`, each group
with the federated tenants and query offset the project configures."""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import RulerTarget


class MimirRuler(RulerTarget):
    name = "mimir-ruler"
    engine = "mimir"

    def rule_file(self, exp: ExperimentDoc, rules: RuleFile) -> dict[str, Any]:
        group: dict[str, Any] = {}
        if self.options.source_tenants:
            group["source_tenants"] = list(self.options.source_tenants)
        if self.options.query_offset:
            group["query_offset"] = self.options.query_offset
        return {"namespace": naming.mimir_namespace(exp.name), **rules.to_dict(group)}
