"""A team's own alert names, labels, categories and text (docs/alert-text.md): the rules
they compile to, the errors bad input gets, and promtool proving the rendered text."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.compile.gates import gates
from monogen.compile.rules import compile_rules
from monogen.model import rules as rule_model
from monogen.model import text as text_model
from monogen.model.text import AlertText, Label, Query, Value
from monogen.output.yaml_emit import dump
from monogen.pipeline import compile_targets, load
from monogen.prove import prove
from monogen.spec.alert_text import Slot, parse
from monogen.spec.loader import load_text
from monogen.spec.validate import validate
from tests.conftest import MINIMAL_EXPERIMENT, RELEASE_ENDS, invoke, tool
from tests.test_validate import edit, errors

OWN = edit(
    "  guardrails:\n    accuracy: {}\n",
    """\
  alertDefaults:
    labels: {team_channel: "#ml-alerts"}
  guardrails:
    accuracy:
      labels: {tier: "2"}
      warning: {below: 75, for: 5m, alert: ModelAccuracyDegraded}
      critical:
        below: 50
        for: 2m
        alert: ModelCompleteFailure
        labels: {tier: "1"}
        annotations:
          summary: "Model {variant} critically degraded: {value} < {threshold}"
          description: "Literal {{{{ .Foo }}}} and $labels.model_name stay text ({alert}, {for})."
""",
)


def alert_yaml(spec: str, alert: str) -> str:
    """The rule file's YAML of one alert (the rule named `alert`)."""
    (exp,) = validate(load_text(spec, "f0.yaml")).experiments
    (rule,) = [r for r in compile_rules(exp).alerts if r.alert == alert]
    return dump([rule.to_dict()])


def test_a_level_named_by_the_team_compiles_to_its_own_rule() -> None:
    assert alert_yaml(OWN, "ModelCompleteFailure") == (
        """\
- alert: ModelCompleteFailure
  expr: min by (model_name) (ab_test_model_accuracy{namespace="seldon", model_name=~"baseline-predictor|enhanced-predictor"}) < 50
  for: 2m
  labels:
    category: model_performance
    experiment: demo-ab
    namespace: monitoring
    severity: critical
    team: mlops
    team_channel: "#ml-alerts"
    tier: "1"
  annotations:
    summary: "Model {{ $labels.model_name }} critically degraded: {{ $value | printf \\"%.1f\\" }}% < 50%"
    description: Literal {{ "{{" }} .Foo }} and $labels.model_name stay text (ModelCompleteFailure, 2m).
    runbook_url: https://runbooks.example.com/demo/model-complete-failure
    dashboard_url: https://grafana.example.com/d/monogen-demo-ab/demo-ab
"""
    )


def test_the_other_level_keeps_monogen_s_text_under_its_own_name() -> None:
    text = alert_yaml(OWN, "ModelAccuracyDegraded")
    assert '    tier: "2"\n' in text and 'team_channel: "#ml-alerts"' in text
    assert (
        "    summary: Accuracy of variant {{ $labels.model_name }} is below 75% in experiment demo-ab"
        in text
    )
    assert "runbook_url: https://runbooks.example.com/demo/model-accuracy-degraded" in text


def test_spec_text_is_parsed_into_literal_runs_and_placeholders() -> None:
    assert parse("{{ {variant} }}") == ("{ ", Slot("variant"), " }")
    assert parse("a {value}%") == ("a ", Slot("value"), "%")


def test_alert_text_renders_go_templates_and_what_prometheus_shows() -> None:
    text = AlertText.of("{{ .Foo }} ", Label("model_name"), " at ", Value("humanize"), " {")
    assert text.go_template() == (
        '{{ "{{" }} .Foo }} {{ $labels.model_name }} at {{ $value | humanize }} {{ "{" }}'
    )
    assert text.shown({"model_name": "a"}, 1500.0) == "{{ .Foo }} a at 1.5k {"
    query = AlertText.of(Query('up{job="x"}', "humanize"))
    assert query.go_template() == (
        '{{ with query "up{job=\\"x\\"}" }}{{ . | first | value | humanize }}{{ end }}'
    )
    assert query.shown({}, 0.0, {'up{job="x"}': 2.0}) == "2"


BAD = [
    (
        '    accuracy: {annotations: {summary: "at {valeu}"}}\n',
        "f0.yaml:17:39: error: unknown placeholder {valeu}; did you mean {value}? placeholders: "
        "{experiment}, {team}, {alert}, {severity}, {category}, {for}, {variant}, {value}, "
        "{threshold} (at spec.guardrails.accuracy.annotations.summary)",
    ),
    (
        '    accuracy: {annotations: {summary: "a } b"}}\n',
        "f0.yaml:17:39: error: a lone '}' at character 3: write '}}' for a brace "
        "(at spec.guardrails.accuracy.annotations.summary)",
    ),
    (
        '    accuracy: {annotations: {summary: "a\\nb"}}\n',
        "f0.yaml:17:39: error: expected text on one line without control or format "
        "characters, found U+000A (at spec.guardrails.accuracy.annotations.summary)",
    ),
    (
        "    accuracy: {alert: high-accuracy}\n",
        "f0.yaml:17:23: error: expected text matching ^[A-Z][A-Za-z0-9]*$, got "
        "'high-accuracy' (at spec.guardrails.accuracy.alert)",
    ),
    (
        "    accuracy: {category: Operational}\n",
        "f0.yaml:17:26: error: expected text matching ^[a-z][a-z0-9_]*$, got 'Operational' "
        "(at spec.guardrails.accuracy.category)",
    ),
    (
        "    accuracy: {labels: {severity: page}}\n",
        "f0.yaml:17:35: error: label name 'severity' is one monogen or Prometheus sets itself "
        "(alertname, burn_window, category, experiment, le, metric, namespace, quantile, "
        "severity, slo, team); name the label your series carry, e.g. model_name "
        "(at spec.guardrails.accuracy.labels.severity)",
    ),
    (
        "    accuracy: {labels: {model_name: x}}\n",
        "f0.yaml:17:37: error: label 'model_name' is the variant label or set by the "
        "experiment's selector (at spec.guardrails.accuracy.labels.model_name)\n"
        "  hint: alert labels add to the series' own; choose another name",
    ),
    (
        "    accuracy: {critical: {below: 50, alert: ModelHighErrorRate}}\n",
        "f0.yaml:18:16: error: alert name 'ModelHighErrorRate' is taken by another guardrail "
        "of the experiment (at spec.guardrails.errorRate)\n"
        "  hint: first at f0.yaml:17:45; give each guardrail names of its own",
    ),
    (
        "    accuracy: {}\n    serverDown: {annotations: {summary: '{variant} down'}}\n",
        "f0.yaml:18:41: error: placeholder {variant} has no value in this alert: serverDown "
        "alerts have none (at spec.guardrails.serverDown.annotations.summary)\n"
        "  hint: this alert's placeholders: {experiment}, {team}, {alert}, {severity}, "
        "{category}, {for}",
    ),
]


@pytest.mark.parametrize(("line", "expected"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_alert_text_is_a_positioned_error(line: str, expected: str) -> None:
    assert errors(edit("    accuracy: {}\n", line)) == [expected]


def test_two_guardrails_may_not_share_an_alert_name() -> None:
    spec = edit("    latency: {}\n", "    latency: {alert: HighErrorRate}\n")
    assert errors(edit("    errorRate: {}\n", "    errorRate: {alert: HighErrorRate}\n", spec)) == [
        "f0.yaml:19:22: error: alert name 'HighErrorRate' is taken by another guardrail of the "
        "experiment (at spec.guardrails.latency.alert)\n"
        "  hint: first at f0.yaml:18:24; give each guardrail names of its own"
    ]


def test_an_experiment_default_must_fit_every_alert_it_reaches() -> None:
    spec = edit(
        "  guardrails:\n",
        '  alertDefaults: {annotations: {summary: "{value} now"}}\n  guardrails:\n'
        "    serverDown: {}\n",
    )
    assert errors(spec) == [
        "f0.yaml:16:42: error: placeholder {value} has no value in this alert: serverDown "
        "alerts have none (at spec.alertDefaults.annotations.summary)\n"
        "  hint: this alert's placeholders: {experiment}, {team}, {alert}, {severity}, "
        "{category}, {for}"
    ]


def test_precedence_level_over_guardrail_over_experiment_over_project(write_spec) -> None:
    spec = edit(
        "  guardrails:\n    accuracy: {}\n",
        """\
  alertDefaults:
    labels: {tier: "3", owner: exp}
    annotations: {description: "exp {experiment}"}
  guardrails:
    accuracy:
      labels: {tier: "2"}
      annotations: {summary: "rail {severity}"}
      critical: {below: 50, labels: {tier: "1"}, annotations: {summary: "level {for}"}}
      warning: {below: 75}
""",
    )
    specs = write_spec(spec)
    (specs / ".monogen.yaml").write_text(
        "alertDefaults:\n  category: ml_ops\n  labels: {owner: project, site: eu}\n"
        "  annotations: {summary: project, description: project}\n"
    )
    compiled = compile_targets(load([specs]))
    rules = {
        r.labels["severity"]: r
        for r in compiled.rules["demo-ab"].alerts
        if r.alert == "ModelAccuracyDegraded"
    }
    shown = {
        sev: (
            {k: r.labels[k] for k in ("tier", "owner", "site", "category")},
            r.annotations["summary"].go_template(),
            r.annotations["description"].go_template(),
        )
        for sev, r in rules.items()
    }
    both = {"owner": "exp", "site": "eu", "category": "ml_ops"}
    assert shown == {
        "critical": ({"tier": "1", **both}, "level 2m", "exp demo-ab"),
        "warning": ({"tier": "2", **both}, "rail warning", "exp demo-ab"),
    }


def test_a_project_default_with_an_unknown_placeholder_is_an_error(write_spec) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    (specs / ".monogen.yaml").write_text("alertDefaults:\n  annotations: {summary: '{vlaue}'}\n")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert ".monogen.yaml:2:26: error: unknown placeholder {vlaue}; did you mean {value}?" in (
        result.output
    )


def test_routes_match_a_team_s_own_category() -> None:
    result = invoke("routes", "specs/alert-text")
    assert result.exit_code == 0, result.output
    lines = [" ".join(line.split()) for line in result.stdout.splitlines()]
    assert (
        "model-serving-ab HighErrorRate critical enhanced-model ab-platform-ops, "
        "ab-platform-pagerduty" in lines
    )
    assert (
        "model-serving-ab ModelCompleteFailure critical enhanced-model ab-platform-pagerduty"
        in (lines)
    )


def _proof(write_spec, version: str):
    (proof,) = prove(compile_targets(load([write_spec(OWN)])), tool("promtool", version))
    return proof


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_proves_the_team_s_text(write_spec, version: str) -> None:
    proof = _proof(write_spec, version)
    assert proof.ok, proof.output


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_placeholder_rendered_with_the_wrong_label_fails_the_proof(
    write_spec, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    go = text_model._go

    def wrong(part: text_model.Part) -> str:
        if part == Label("model_name"):
            return "{{ $labels.namespace }}"
        return go(part)

    monkeypatch.setattr(text_model, "_go", wrong)
    proof = _proof(write_spec, version)
    assert not proof.ok
    assert any(f.case.startswith("ModelCompleteFailure/") for f in proof.failures)


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_a_dropped_custom_label_fails_the_proof(
    write_spec, version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    to_dict = rule_model.AlertingRule.to_dict

    def dropped(self: rule_model.AlertingRule) -> dict:
        out = to_dict(self)
        out["labels"].pop("tier", None)
        return out

    monkeypatch.setattr(rule_model.AlertingRule, "to_dict", dropped)
    proof = _proof(write_spec, version)
    assert not proof.ok
    assert {f.case.split("/")[0] for f in proof.failures} >= {
        "ModelCompleteFailure",
        "ModelAccuracyDegraded",
    }


NAMED = ("ModelCompleteFailure", "ModelAccuracyDegraded")


def test_each_named_level_is_a_rollout_gate_of_its_own() -> None:
    (exp,) = validate(load_text(OWN, "f0.yaml")).experiments
    found = gates(exp, compile_rules(exp), ("critical", "warning"))
    assert [(g.alert, g.severity, g.threshold) for g in found if g.alert in NAMED] == [
        ("ModelCompleteFailure", "critical", 50.0),
        ("ModelAccuracyDegraded", "warning", 75.0),
    ]


LISTS = edit(
    "    trafficSplit: {tolerance: 5}\n",
    """\
    trafficSplit: {tolerance: 5}
    comparisons:
      - metric: errorRate
        significance: {}
        alert: ErrorRateWorseThanControl
        annotations: {summary: "{variant} errs more: z = {value} > {threshold}"}
    slos:
      - name: availability
        objective: 99.5%
        alert: AvailabilityBudgetBurn
        labels: {tier: "1"}
        annotations: {summary: "{variant} burns its budget at {value} (alert from {threshold})"}
""",
)


def test_comparisons_and_slos_take_names_and_text_of_their_own() -> None:
    (exp,) = validate(load_text(LISTS, "f0.yaml")).experiments
    summaries = {
        (r.alert, r.labels["severity"]): r.annotations["summary"].go_template()
        for r in compile_rules(exp).alerts
        if r.alert in ("ErrorRateWorseThanControl", "AvailabilityBudgetBurn")
    }
    assert summaries == {
        ("ErrorRateWorseThanControl", "warning"): (
            'enhanced-predictor errs more: z = {{ $value | printf "%.2f" }} > 2.32635'
        ),
        ("AvailabilityBudgetBurn", "critical"): (
            "{{ $labels.model_name }} burns its budget at {{ $value | humanize }}x (alert from 6x)"
        ),
        ("AvailabilityBudgetBurn", "warning"): (
            "{{ $labels.model_name }} burns its budget at {{ $value | humanize }}x (alert from 1x)"
        ),
    }


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_proves_the_text_of_comparisons_and_slos(write_spec, version: str) -> None:
    (proof,) = prove(compile_targets(load([write_spec(LISTS)])), tool("promtool", version))
    assert proof.ok, proof.output
    cases = {f.case for f in proof.failures}
    assert not cases


def test_a_project_default_must_fit_every_alert_it_reaches(write_spec) -> None:
    specs = write_spec(edit("  guardrails:\n", "  guardrails:\n    serverDown: {}\n"))
    (specs / ".monogen.yaml").write_text("alertDefaults:\n  annotations: {summary: '{value}'}\n")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{specs}/spec.yaml:17:17: error: placeholder {{value}} has no value in this alert "
        "(the project's alertDefaults): serverDown alerts have none (at spec.guardrails.serverDown)"
    )


def test_a_team_s_category_is_the_guardrail_s_everywhere() -> None:
    (exp,) = load([Path("specs/alert-text")]).experiments
    # (kind, the kind's own name: a custom guardrail's is the team's)
    categories = {(rail.kind.key, rail.alert): rail.category for rail in exp.guardrails}
    assert categories == {
        ("accuracy", "ModelAccuracyDegraded"): "model_performance",
        ("errorRate", "ModelHighErrorRate"): "operational",
        ("latency", "ModelHighLatency"): "latency",
        ("trafficSplit", "ExperimentTrafficImbalance"): "traffic",
        ("customMetrics", "PredictionDriftHigh"): "prediction_drift",
        ("customMetrics", "ModelConfidenceLow"): "model_performance",
    }
