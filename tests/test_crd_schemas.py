"""Every generated Kubernetes manifest is one the API server takes as written: validated
against the Prometheus Operator's, Argo Rollouts' and Flagger's CRDs (../shared/schemas/)."""

from __future__ import annotations

import copy

import pytest
import yaml

from tests.conftest import GENERATED
from tests.crds import crd_errors, go_regex

CRDS = {
    "PrometheusRule": "prometheus-operator/monitoring.coreos.com_prometheusrules.yaml",
    "AlertmanagerConfig": "prometheus-operator/monitoring.coreos.com_alertmanagerconfigs.yaml",
    "AnalysisTemplate": "argo-rollouts/analysis-template-crd.yaml",
    "MetricTemplate": "flagger/crd.yaml",
}
# objects only: not the dashboards' ConfigMaps, nor the Flagger Canary analysis snippets
MANIFESTS = sorted(
    p
    for p in (GENERATED / "kubernetes").rglob("*.yaml")
    if "grafana-dashboards" not in p.parts and not p.name.endswith(".canary-analysis.yaml")
)


def test_there_are_manifests_of_each_kind() -> None:
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in MANIFESTS}
    assert kinds == set(CRDS)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: str(p.relative_to(GENERATED)))
def test_generated_manifests_pass_their_crd(path) -> None:
    manifest = yaml.safe_load(path.read_text())
    assert crd_errors(manifest, CRDS[manifest["kind"]]) == []


def test_the_alertmanagerconfig_carries_time_intervals_and_no_template_references() -> None:
    manifest = yaml.safe_load((GENERATED / "kubernetes/alertmanagerconfigs/mlops.yaml").read_text())
    spec = manifest["spec"]
    (interval,) = spec["muteTimeIntervals"]
    assert interval["name"] == "outside-office-hours"
    assert {"weekdays": ["saturday", "sunday"]} in interval["timeIntervals"]
    muted = [r for r in spec["route"]["routes"] if r.get("muteTimeIntervals")]
    assert muted and all(r["muteTimeIntervals"] == ["outside-office-hours"] for r in muted)
    # an operator-managed Alertmanager loads no monogen.tmpl: templates are inline
    assert "monogen.title" not in yaml.safe_dump(manifest)
    assert spec["inhibitRules"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: s["muteTimeIntervals"][0]["timeIntervals"][0].update(location="UTC"), "location"),
        (lambda s: s["muteTimeIntervals"][0]["timeIntervals"][0].update(weekdays=["sundae"]), "sundae"),
        (lambda s: s["route"].update(groupWait=30), "groupWait"),
        (lambda s: s["receivers"][0].update(slackConfig=[]), "slackConfig"),
    ],
)  # fmt: skip
def test_the_validator_refuses_what_the_api_server_would(change, expected: str) -> None:
    manifest = yaml.safe_load((GENERATED / "kubernetes/alertmanagerconfigs/mlops.yaml").read_text())
    broken = copy.deepcopy(manifest)
    change(broken["spec"])
    errors = crd_errors(broken, CRDS["AlertmanagerConfig"])
    assert any(expected in e for e in errors), errors


def test_go_inline_flags_are_scoped_as_go_scopes_them() -> None:
    import re

    pattern = re.compile(go_regex("^((?i)sun|mon)day(:x)?$"))
    assert pattern.match("SUNday") and pattern.match("Monday:x")
    assert not pattern.match("sunday:X")  # the flag ends with its group, as in Go
