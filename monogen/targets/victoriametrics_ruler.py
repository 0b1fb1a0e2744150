"""vmalert rule files for VictoriaMetrics: the experiment's groups with the group options
the packaged vmalert (1.79) accepts: concurrency, extra labels and query parameters."""

from __future__ import annotations

from typing import Any

from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import RulerTarget


class VictoriaMetricsRuler(RulerTarget):
    name = "victoriametrics-ruler"
    engine = "victoriametrics"

    def rule_file(self, exp: ExperimentDoc, rules: RuleFile) -> dict[str, Any]:
        group: dict[str, Any] = {}
        if self.options.concurrency:
            group["concurrency"] = self.options.concurrency
        if self.options.labels:
            group["labels"] = dict(sorted(self.options.labels.items()))
        if self.options.params:
            group["params"] = {k: list(v) for k, v in sorted(self.options.params.items())}
        return rules.to_dict(group)
