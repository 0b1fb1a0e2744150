"""The routing an operator-managed Alertmanager really has: the generated alerts reach
their teams through AlertmanagerConfigs as the Prometheus Operator merges them (by default
each config receives only alerts labelled with its own namespace), proved with amtool on a
translation of the committed manifests written here, independently of monogen's own."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from monogen.compile.matchers import render_alertmanager
from monogen.pipeline import compile_targets, load
from monogen.spec.errors import SpecErrors
from tests.conftest import ALERTMANAGER, GENERATED, MINIMAL_EXPERIMENT, SPECS, invoke, run_tool
from tests.test_validate import ALERTING


def translated(cr: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """An AlertmanagerConfig as the operator merges it under OnNamespace (amcfg.go):
    names prefixed `<namespace>/<name>/`, a `namespace` matcher on the top route, which
    continues. Time intervals are left out: routing does not read them."""
    prefix = f"{cr['metadata']['namespace']}/{cr['metadata']['name']}/"

    def route(raw: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"receiver": prefix + raw["receiver"]} if "receiver" in raw else {}
        out["matchers"] = [
            render_alertmanager((m["name"], m.get("matchType", "="), m["value"]))
            for m in raw.get("matchers", [])
        ]
        if raw.get("continue"):
            out["continue"] = True
        if raw.get("routes"):
            out["routes"] = [route(r) for r in raw["routes"]]
        return out

    top = route(cr["spec"]["route"])
    top["matchers"].append(f'namespace="{cr["metadata"]["namespace"]}"')
    top["continue"] = True
    return top, [prefix + r["name"] for r in cr["spec"]["receivers"]]


def merged_config(tmp_path: Path) -> Path:
    routes, receivers = [], [{"name": "base-null"}]
    for path in sorted((GENERATED / "kubernetes/alertmanagerconfigs").glob("*.yaml")):
        top, names = translated(yaml.safe_load(path.read_text()))
        routes.append(top)
        receivers += [{"name": n} for n in names]
    config = {"route": {"receiver": "base-null", "routes": routes}, "receivers": receivers}
    path = tmp_path / "alertmanager.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.mark.parametrize("version", [ALERTMANAGER[0], ALERTMANAGER[-1]])
def test_every_generated_alert_reaches_its_team_through_the_operator(
    tmp_path: Path, version: str
) -> None:
    config = merged_config(tmp_path)
    checked = run_tool("amtool", "check-config", str(config), version=version)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    compiled = compile_targets(load([SPECS]))
    namespaces = {a.spec.metadata.team: a.spec.metadata.namespace for a in compiled.specs.alertings}
    walked: dict[tuple[str, ...], str] = {}
    for row in compiled.routes:
        labels = dict(row.labels)
        team = labels["team"]
        prefix = f"{namespaces[team]}/monogen-{team}/"
        key = tuple(sorted(labels.items()))
        if key not in walked:
            args = [render_alertmanager((k, "=", v)) for k, v in key]
            result = run_tool(
                "amtool", "config", "routes", "test", f"--config.file={config}", *args,
                version=version,
            )  # fmt: skip
            walked[key] = result.stdout.strip()
        assert walked[key] == ",".join(prefix + r for r in row.receivers), row
    assert len(walked) > 40


MOVED = MINIMAL_EXPERIMENT.replace("  team: mlops\n", "  team: mlops\n  namespace: ml-serving\n")


def test_an_experiment_whose_alerts_cannot_reach_its_team_is_refused(write_spec) -> None:
    specs = write_spec(MOVED)
    write_spec(ALERTING, "routing.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert (
        "routing.yaml:3:11: error: with the Prometheus Operator, the alerts of experiment demo-ab "
        "(label namespace='ml-serving', the namespace of its PrometheusRule) never reach "
        "AlertmanagerConfig monogen-mlops in namespace 'monitoring'"
    ) in result.stderr.replace(str(specs) + "/", "")


@pytest.mark.parametrize(
    "operator",
    [
        "operator: {alertmanagerConfigMatcherStrategy: None}\n",
        "operator: {alertmanagerConfigMatcherStrategy: OnNamespaceExceptForAlertmanagerNamespace,"
        " alertmanagerNamespace: monitoring}\n",
    ],
)
def test_a_strategy_that_does_not_scope_by_namespace_lets_it_build(write_spec, operator) -> None:
    specs = write_spec(MOVED)
    write_spec(ALERTING, "routing.yaml")
    (specs / ".monogen.yaml").write_text(operator)
    result = invoke("validate", str(specs))
    assert result.exit_code == 0, result.output


def test_alerts_without_their_namespace_label_would_be_refused(
    write_spec, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proof can fail: were the label not set, no alert would reach its team."""
    from monogen.compile import rules

    original = rules.scope_of
    monkeypatch.setattr(rules, "scope_of", lambda exp: replace(original(exp), namespace=""))
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ALERTING, "routing.yaml")
    with pytest.raises(SpecErrors, match="never reach AlertmanagerConfig monogen-mlops"):
        compile_targets(load([specs]))
