"""Grafana dashboards (one per experiment and an overview), file provisioning, and the
ConfigMaps the Grafana sidecar loads them from."""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.compile.dashboards import (
    compile_dashboard,
    compile_extra_dashboards,
    compile_overview,
)
from monogen.model.build import Compiled
from monogen.model.rules import RuleFile
from monogen.output.render import to_compact_json
from monogen.spec.validate import ExperimentDoc
from monogen.targets.base import Artifact, Target
from monogen.targets.prometheus_operator import MANAGED_BY

# Where Grafana finds the dashboards on its host; mount generated/grafana/dashboards there.
DASHBOARD_PATH = "/var/lib/grafana/dashboards/monogen"
DEFAULT_FOLDER = "ML Experiments"
ALL_SPECS = "every Experiment spec"


def dashboard_configmap(
    name: str, namespace: str, folder: str, dashboard: dict[str, Any]
) -> dict[str, Any]:
    """A ConfigMap the Grafana sidecar picks up (label `grafana_dashboard: "1"`) and files
    under `folder` (annotation `grafana_folder`, kube-prometheus-stack's default)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": naming.k8s_name("dashboard", name),
            "namespace": namespace,
            "labels": {**MANAGED_BY, "grafana_dashboard": "1"},
            "annotations": {"grafana_folder": folder},
        },
        "data": {naming.dashboard_file(name): to_compact_json(dashboard)},
    }


def dashboard_provisioning(folder_path: str) -> dict[str, Any]:
    """Grafana file provisioning for the generated dashboards."""
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": "monogen",
                "orgId": 1,
                "folder": DEFAULT_FOLDER,
                "type": "file",
                "disableDeletion": False,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": folder_path, "foldersFromFilesStructure": False},
            }
        ],
    }


class GrafanaDashboards(Target):
    name = "grafana-dashboards"

    def experiment(self, exp: ExperimentDoc, rules: RuleFile) -> list[Artifact]:
        dashboard = compile_dashboard(exp)
        meta = exp.spec.metadata
        folder = exp.spec.spec.dashboard.folder
        found = []
        for name, data in [(exp.name, dashboard), *compile_extra_dashboards(exp)]:
            configmap = dashboard_configmap(name, meta.namespace, folder, data)
            found += [
                Artifact(naming.dashboard_path(name), data, "json", lint=True),
                Artifact(naming.dashboard_configmap_path(name), configmap, "yaml", exp.source),
            ]
        return found

    def shared(self, compiled: Compiled) -> list[Artifact]:
        experiments = compiled.specs.experiments
        if not experiments:
            return []
        overview = compile_overview(experiments)
        name = naming.OVERVIEW
        configmap = dashboard_configmap(name, "monitoring", DEFAULT_FOLDER, overview)
        provisioning = dashboard_provisioning(DASHBOARD_PATH)
        return [
            Artifact(naming.dashboard_path(name), overview, "json", lint=True),
            Artifact(naming.dashboard_configmap_path(name), configmap, "yaml", ALL_SPECS),
            Artifact("grafana/provisioning/dashboards.yaml", provisioning, "yaml", ALL_SPECS),
        ]
