"""Rollout gates (compile/gates.py, targets/argo_rollouts.py, targets/flagger.py): the
Canary snippet against Flagger's Canary CRD, the validator refusing broken gates, spec text
that cannot become a template action, the conditions from direction and threshold, and
the project configuration that turns them on. The queries are asked of a real Prometheus
in tests/test_end_to_end_gates.py; the generated objects are validated against their CRDs
in tests/test_crd_schemas.py."""

from __future__ import annotations

import copy

import promql_parser
import pytest
import yaml

from monogen.compile.gates import template_text, variant_value
from tests.conftest import GENERATED
from tests.crds import crd_errors

ARGO_CRD = "argo-rollouts/analysis-template-crd.yaml"
FLAGGER_CRD = "flagger/crd.yaml"
SNIPPETS = sorted((GENERATED / "kubernetes/flagger").glob("*.canary-analysis.yaml"))
ARGO = GENERATED / "kubernetes/argo-rollouts/fraud-detector-ab.yaml"
FLAGGER = GENERATED / "kubernetes/flagger/fraud-detector-ab"


def canary(snippet: dict) -> dict:
    """The snippet in the smallest Canary that uses it."""
    return {
        "apiVersion": "flagger.app/v1beta1",
        "kind": "Canary",
        "metadata": {"name": "enhanced-predictor"},
        "spec": {
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "enhanced"},
            "service": {"port": 9000},
            "analysis": {**snippet["analysis"], "maxWeight": 50, "stepWeight": 10},
        },
    }


@pytest.mark.parametrize("path", SNIPPETS, ids=lambda p: p.name)
def test_the_canary_analysis_snippet_passes_the_canary_crd(path) -> None:
    snippet = yaml.safe_load(path.read_text())
    assert crd_errors(canary(snippet), FLAGGER_CRD) == []
    for metric in snippet["analysis"]["metrics"]:  # each names a generated template
        template = yaml.safe_load(
            (path.parent / path.name.split(".")[0] / f"{metric['name']}.yaml").read_text()
        )
        assert template["metadata"]["name"] == metric["templateRef"]["name"]


def test_every_example_has_gates_of_both_controllers() -> None:
    experiments = {p.stem for p in (GENERATED / "prometheus/rules").glob("*.yaml")}
    argo = {p.stem for p in (GENERATED / "kubernetes/argo-rollouts").glob("*.yaml")}
    flagger = {p.name.split(".")[0] for p in SNIPPETS}
    assert {e.split(".")[0] for e in experiments} == argo == flagger


@pytest.mark.parametrize(
    ("crd", "load", "change", "expected"),
    [
        (ARGO_CRD, lambda: ARGO, lambda m: m["spec"]["metrics"][0]["provider"]["prometheus"].update(adress="x"), "adress"),
        (ARGO_CRD, lambda: ARGO, lambda m: m["spec"]["metrics"][0].update(interval=60), "interval"),
        (ARGO_CRD, lambda: ARGO, lambda m: m["spec"]["args"][0].pop("name"), "name"),
        (FLAGGER_CRD, lambda: next(FLAGGER.glob("*.yaml")), lambda m: m["spec"]["provider"].update(type="prom"), "prom"),
        (FLAGGER_CRD, lambda: next(FLAGGER.glob("*.yaml")), lambda m: m["spec"].pop("query"), "query"),
        (FLAGGER_CRD, lambda: SNIPPETS[0], lambda m: m["spec"]["analysis"]["metrics"][0]["thresholdRange"].update(minimum=1), "minimum"),
        (FLAGGER_CRD, lambda: SNIPPETS[0], lambda m: m["spec"]["analysis"]["metrics"][0].update(interval="1h"), "1h"),
    ],
)  # fmt: skip
def test_the_validator_refuses_broken_gates(crd, load, change, expected) -> None:
    manifest = yaml.safe_load(load().read_text())
    if "analysis" in manifest:
        manifest = canary(manifest)
    assert crd_errors(manifest, crd) == []
    broken = copy.deepcopy(manifest)
    change(broken)
    errors = crd_errors(broken, crd)
    assert any(expected in e for e in errors), errors


def test_conditions_follow_direction_and_threshold() -> None:
    template = yaml.safe_load(ARGO.read_text())
    metrics = {m["name"]: m for m in template["spec"]["metrics"]}
    accuracy = metrics["model-accuracy-degraded-critical"]  # below 50 for 2m
    assert accuracy["failureCondition"] == "result[0] < 50"
    assert (accuracy["interval"], accuracy["failureLimit"], accuracy["count"]) == ("1m", 2, 3)
    assert metrics["model-high-error-rate-critical"]["failureCondition"] == "result[0] > 0.05"
    assert metrics["slo-error-budget-burn-1h-5m-critical"]["failureCondition"] == "result[0] > 14.4"
    assert not any("missing" in name for name in metrics)  # missing data is not a gate
    snippet = yaml.safe_load(
        (FLAGGER.parent / "fraud-detector-ab.canary-analysis.yaml").read_text()
    )
    ranges = {m["name"]: m["thresholdRange"] for m in snippet["analysis"]["metrics"]}
    assert ranges["model-accuracy-degraded-critical"] == {"min": 50}
    assert ranges["model-high-error-rate-critical"] == {"max": 0.05}
    assert snippet["analysis"]["threshold"] == 2  # the strictest: error rate for 1m


HOSTILE = ["a{{b}}", "x}} {{ .y", '$1 "q"  two', "back\\slash {", "}{"]


@pytest.mark.parametrize("value", HOSTILE)
def test_spec_text_cannot_become_a_template_action(value: str) -> None:
    from monogen.compile.promql import quote, regex_alternation, selector

    query = f'sum({selector("m", [("v", "=", value), ("w", "=~", regex_alternation([value, "z"]))])}) or label_replace(vector(1), "v", {quote(value)}, "", "")'
    text = template_text(query)
    assert "{{" not in text and "}}" not in text and "  " not in text
    # PromQL reads the escaped text back as the same query
    assert promql_parser.parse(text).prettify() == promql_parser.parse(query).prettify()
    # and what a controller substitutes for a variant is template text too, read back as
    # the variant in label_replace's replacement (`$` doubled)
    body = variant_value(value)
    assert "{{" not in body and "  " not in body
    substituted = promql_parser.parse(f'label_replace(vector(1), "v", "{body}", "", "")')
    meant = f'label_replace(vector(1), "v", {quote(value.replace("$", "$$"))}, "", "")'
    assert substituted.prettify() == promql_parser.parse(meant).prettify()


def test_gates_are_written_only_when_the_project_configuration_names_them() -> None:
    from monogen.spec.project import Project, Rollouts
    from monogen.targets.registry import TARGETS

    gate_targets = [t for t in TARGETS if t.name in ("argo-rollouts", "flagger")]
    assert len(gate_targets) == 2
    assert all(t.for_project(Project()) is None for t in gate_targets)
    configured = Project(rollouts=Rollouts.model_validate({"argo": {}, "flagger": {}}))
    assert all(t.for_project(configured) is not None for t in gate_targets)


def test_an_unknown_controller_is_an_error_with_a_hint(tmp_path) -> None:
    from monogen.spec.errors import SpecErrors
    from monogen.spec.project import load

    config = tmp_path / ".monogen.yaml"
    config.write_text("rollouts: [argo, flager]\n")
    with pytest.raises(SpecErrors) as caught:
        load(config)
    (error,) = caught.value.errors
    assert "flager" in error.message and "flagger" in (error.hint or "")
    config.write_text("rollouts:\n  flagger: {interval: 1h}\n")
    with pytest.raises(SpecErrors):
        load(config)
