"""Kubernetes wrappers around compiled targets: Prometheus Operator `PrometheusRule`."""

from __future__ import annotations

from typing import Any

from monogen.targets.rules import RuleFile

MANAGED_BY = {"app.kubernetes.io/managed-by": "monogen"}


def prometheus_rule(rules: RuleFile) -> dict[str, Any]:
    labels = {
        **MANAGED_BY,
        "monogen.dev/experiment": rules.experiment,
        "monogen.dev/team": rules.team,
        **rules.k8s_labels,
    }
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": f"monogen-{rules.experiment}",
            "namespace": rules.namespace,
            "labels": dict(sorted(labels.items())),
        },
        "spec": rules.to_dict(),
    }
