"""Prometheus Operator `PrometheusRule` manifests wrapping each experiment's rules."""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.model.rules import RuleFile
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target

MANAGED_BY = {"app.kubernetes.io/managed-by": "monogen"}


def experiment_labels(rules: RuleFile) -> dict[str, str]:
    """The labels of an experiment's Kubernetes objects."""
    labels = {
        **MANAGED_BY,
        "monogen.dev/experiment": rules.experiment,
        "monogen.dev/team": rules.team,
        **rules.k8s_labels,
    }
    return dict(sorted(labels.items()))


def prometheus_rule(rules: RuleFile) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": naming.k8s_name("", rules.experiment),
            "namespace": rules.namespace,
            "labels": experiment_labels(rules),
        },
        "spec": rules.to_dict(),
    }


class PrometheusOperator(Target):
    name = "prometheus-operator"

    def experiment(self, exp: ExperimentDoc, rules: RuleFile) -> list[Artifact]:
        path = naming.prometheus_rule_path(exp.name)
        return [Artifact(path, prometheus_rule(rules), "yaml", rules.source)]
