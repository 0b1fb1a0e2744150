"""Flagger `MetricTemplate`s, one per gate (compile/gates.py), and the `analysis` snippet
of a Canary that uses them.

Each template's query asks Prometheus an alert's question of the analysed variant, named
by the Canary's `templateVariables` (`{{ variables.variant }}`); the snippet accepts the
values the alert accepts (`thresholdRange`: `min` where low is bad, `max` where high is).
Flagger counts failed checks per Canary, not per metric: its `threshold` is the strictest
gate's, one more than the failed checks that span that alert's `for`.
"""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.compile.gates import Gate, canary_variant, variant_value
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, GateTarget
from monogen.targets.prometheus_operator import experiment_labels

VARIANT = "{{ variables.variant }}"


def metric_template(
    exp: ExperimentDoc, rules: RuleFile, gate: Gate, address: str
) -> dict[str, Any]:
    return {
        "apiVersion": "flagger.app/v1beta1",
        "kind": "MetricTemplate",
        "metadata": {
            "name": naming.metric_template_name(exp.name, gate.name),
            "labels": experiment_labels(rules),
        },
        "spec": {
            "provider": {"type": "prometheus", "address": address},
            "query": gate.query(VARIANT),
        },
    }


def canary_analysis(exp: ExperimentDoc, found: list[Gate], interval: str) -> dict[str, Any]:
    variant = variant_value(canary_variant(exp))
    metrics = []
    for gate in found:
        bound = "min" if gate.direction == "below" else "max"
        entry: dict[str, Any] = {
            "name": gate.name,
            "templateRef": {"name": naming.metric_template_name(exp.name, gate.name)},
            "thresholdRange": {bound: int(t) if (t := gate.threshold) == int(t) else t},
            "interval": interval,
        }
        if gate.variant_label:
            entry["templateVariables"] = {"variant": variant}
        metrics.append(entry)
    threshold = min(g.measurements(interval) for g in found) + 1
    return {"analysis": {"interval": interval, "threshold": threshold, "metrics": metrics}}


class Flagger(GateTarget):
    name = "flagger"
    controller = "flagger"

    def manifests(self, exp: ExperimentDoc, rules: RuleFile, found: list[Gate]) -> list[Artifact]:
        o = self.options
        out = [
            Artifact(
                naming.metric_template_path(exp.name, g.name),
                metric_template(exp, rules, g, o.prometheus_address),
                "yaml",
                rules.source,
            )
            for g in found
        ]
        snippet = canary_analysis(exp, found, o.interval)
        out.append(Artifact(naming.canary_analysis_path(exp.name), snippet, "yaml", rules.source))
        return out
