"""Argo Rollouts `AnalysisTemplate`s: one per experiment, one metric per gate
(compile/gates.py), asking Prometheus each alert's question of the analysed variant.

A metric measures every `interval`; a measurement fails when the alert's comparison holds
(`failureCondition`, so a value the alert would not fire on, NaN included, passes); the
metric fails once its failures span the alert's `for` (`failureLimit`), and it measures
that span once more than it tolerates (`count`): it fails exactly when the breach held
through all of it, as the alert would fire. Prometheus' address and the variant are
arguments: `{{args.prometheus-address}}`, `{{args.variant}}`.
"""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.compile.gates import Gate, canary_variant, condition, variant_value
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, GateTarget
from monogen.targets.prometheus_operator import experiment_labels

ADDRESS, VARIANT = "prometheus-address", "variant"


def metric(gate: Gate, interval: str) -> dict[str, Any]:
    tolerated = gate.measurements(interval)
    return {
        "name": gate.name,
        "interval": interval,
        "count": tolerated + 1,
        "failureLimit": tolerated,
        "failureCondition": condition(gate),
        "provider": {
            "prometheus": {
                "address": f"{{{{args.{ADDRESS}}}}}",
                "query": gate.query(f"{{{{args.{VARIANT}}}}}"),
            }
        },
    }


def analysis_template(
    exp: ExperimentDoc, rules: RuleFile, found: list[Gate], options: Any
) -> dict[str, Any]:
    address: dict[str, Any] = {"name": ADDRESS}
    if options.prometheus_address:
        address["value"] = options.prometheus_address
    args = [address]
    if any(g.variant_label for g in found):
        # the default: the first treatment, as the query's string text (`$` doubled)
        args.append({"name": VARIANT, "value": variant_value(canary_variant(exp))})
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AnalysisTemplate",
        "metadata": {
            "name": naming.k8s_name("", exp.name),
            "labels": experiment_labels(rules),
        },
        "spec": {"args": args, "metrics": [metric(g, options.interval) for g in found]},
    }


class ArgoRollouts(GateTarget):
    name = "argo-rollouts"
    controller = "argo"

    def manifests(self, exp: ExperimentDoc, rules: RuleFile, found: list[Gate]) -> list[Artifact]:
        data = analysis_template(exp, rules, found, self.options)
        return [Artifact(naming.analysis_template_path(exp.name), data, "yaml", rules.source)]
