"""Validation: every error names file:line:column, the spec path, what was expected, a hint."""

from __future__ import annotations

import pytest

from monogen.spec.errors import SpecErrors
from monogen.spec.loader import load_text
from monogen.spec.validate import Specs, validate
from tests.conftest import MINIMAL_EXPERIMENT, invoke

ALERTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {name: mlops, team: mlops}
spec:
  receivers:
    pagerduty-mlops:
      pagerduty: {routingKeyFile: /etc/alertmanager/secrets/pd-mlops}
    slack-mlops:
      slack: {apiUrlFile: /etc/alertmanager/secrets/slack-mlops, channel: "#mlops-alerts"}
  routes:
    - {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops]}
    - {match: {severity: warning}, receivers: [slack-mlops]}
"""


def check(*texts: str) -> Specs:
    docs = [d for i, t in enumerate(texts) for d in load_text(t, f"f{i}.yaml")]
    return validate(docs)


def errors(*texts: str) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        check(*texts)
    return [e.render() for e in caught.value.errors]


def edit(old: str, new: str, text: str = MINIMAL_EXPERIMENT) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def test_valid_experiment_and_alerting() -> None:
    specs = check(MINIMAL_EXPERIMENT, ALERTING)
    (exp,) = specs.experiments
    assert exp.name == "demo-ab"
    families = {g.kind.key: g for g in exp.guardrails}
    # `{}` takes the documented defaults, converted into the gauge's percent scale
    assert [(lv.severity, lv.threshold, lv.for_) for lv in families["accuracy"].levels] == [
        ("warning", 75.0, "5m"),
        ("critical", 50.0, "2m"),
    ]
    assert families["errorRate"].levels[0].threshold == 0.05
    assert families["latency"].levels[0].threshold == 0.2
    assert specs.alertings[0].spec.metadata.team == "mlops"


def test_unknown_key_suggests_the_close_one() -> None:
    (message,) = errors(edit("variantLabel:", "variantLable:"))
    assert message.startswith("f0.yaml:8:3: error: unknown key 'variantLable' (at spec)")
    assert "did you mean 'variantLabel'?" in message


def test_snake_case_key_suggests_camel_case() -> None:
    (message,) = errors(edit("runbookUrl:", "runbook_url:"))
    assert "did you mean 'runbookUrl'?" in message


def test_wrong_type_names_expected_and_got() -> None:
    (message,) = errors(edit("traffic: 30}", "traffic: lots}"))
    assert message.startswith("f0.yaml:11:60: error: expected a number, got 'lots'")
    assert "(at spec.variants[1].traffic)" in message


def test_missing_required_key() -> None:
    (message,) = errors(edit("  team: mlops\n", ""))
    assert message.startswith("f0.yaml:4:3: error: missing required key 'team' (at metadata)")
    assert "add `team:`" in message


def test_bad_duration_and_name() -> None:
    found = errors(
        edit(
            "trafficSplit: {tolerance: 5}",
            "trafficSplit: {tolerance: 5, for: 5 minutes}",
            edit("name: demo-ab", "name: Demo_AB"),
        )
    )
    assert any("expected a name of lower-case letters" in m and "'Demo_AB'" in m for m in found)
    assert any("expected a duration such as 30s, 5m or 1h30m, got '5 minutes'" in m for m in found)


def test_traffic_must_sum_to_100() -> None:
    (message,) = errors(edit("traffic: 30}", "traffic: 20}"))
    assert "f0.yaml:10:5: error: traffic shares sum to 90, not 100 (at spec.variants)" in message
    assert "baseline-predictor 70 + enhanced-predictor 20" in message


def test_duplicate_experiment_across_files() -> None:
    (message,) = errors(MINIMAL_EXPERIMENT, MINIMAL_EXPERIMENT)
    assert message.startswith("f1.yaml:4:9: error: duplicate experiment 'demo-ab'")
    assert "first defined at f0.yaml:4:9" in message


def test_unknown_kind_and_api_version() -> None:
    assert "did you mean 'Experiment'?" in errors(edit("kind: Experiment", "kind: Experimnt"))[0]
    assert "expected apiVersion 'monogen/v1'" in errors(edit("monogen/v1", "monogen/v2"))[0]


def test_guardrail_needs_its_metric() -> None:
    text = edit("    accuracy: {name: ab_test_model_accuracy, scale: percent}\n", "")
    (message,) = errors(text)
    assert "guardrail 'accuracy' needs `metrics.accuracy`" in message


def test_threshold_direction_and_unit() -> None:
    text = edit("accuracy: {}", "accuracy: {warning: {above: 75}}")
    assert "accuracy alerts fire below a threshold, not above it" in errors(text)[0]
    text = edit("latency: {}", "latency: {warning: {above: fast}}")
    assert "expected a duration such as 200ms or a number of seconds" in errors(text)[0]
    text = edit("errorRate: {}", "errorRate: {critical: {above: 120%}}")
    assert "not a share between 0% and 100%" in errors(text)[0]


def test_percent_thresholds_convert_to_the_gauge_scale() -> None:
    text = edit(
        "scale: percent", "scale: ratio", edit("accuracy: {}", "accuracy: {warning: {below: 85%}}")
    )
    (exp,) = check(text).experiments
    assert exp.guardrails[0].levels[0].threshold == pytest.approx(0.85)


def test_critical_milder_than_warning_is_a_typo() -> None:
    text = edit("accuracy: {}", "accuracy: {warning: {below: 50}, critical: {below: 75}}")
    assert "critical threshold (75) is milder than the warning one (50)" in errors(text)[0]


def test_unknown_variant_in_guardrail() -> None:
    text = edit("accuracy: {}", "accuracy: {variants: [enhanced-predicter]}")
    (message,) = errors(text)
    assert "unknown variant 'enhanced-predicter'" in message
    assert "did you mean 'enhanced-predictor'?" in message


def test_several_variants_need_a_variant_label() -> None:
    text = edit("  variantLabel: model_name\n", "")
    assert "several variants need `variantLabel`" in errors(text)[0]


def test_escaped_label_values_are_fine() -> None:
    text = edit("name: enhanced-predictor", 'name: "enh\\"anced\\\\predictor"')
    (exp,) = check(text).experiments
    assert exp.spec.spec.variants[1].name == 'enh"anced\\predictor'


def test_routing_references_and_secrets() -> None:
    bad = ALERTING.replace("receivers: [slack-mlops]", "receivers: [slack-mlosp]")
    (message,) = errors(bad)
    assert "unknown receiver 'slack-mlosp'" in message and "did you mean 'slack-mlops'" in message
    literal = ALERTING.replace(
        "{apiUrlFile: /etc/alertmanager/secrets/slack-mlops,",
        "{apiUrl: https://hooks.slack.com/services/T/B/X,",
    )
    found = errors(literal)
    assert any(
        "a Slack webhook URL: secrets never go in specs" in m and "apiUrlFile" in m for m in found
    )
    as_file = ALERTING.replace("/etc/alertmanager/secrets/pd-mlops", "0123456789abcdef")
    assert "expected an absolute path to a file on the Alertmanager host" in errors(as_file)[0]


def test_all_errors_reported_at_once() -> None:
    text = edit("variantLabel:", "variantLable:", edit("team: mlops", "team: ''"))
    assert len(errors(text)) == 2


def test_a_guardrail_set_to_null_is_refused_at_its_line(write_spec) -> None:
    """`errorRate:` with nothing after it read as "no guardrail": silently off."""
    specs = write_spec(MINIMAL_EXPERIMENT.replace("errorRate: {}", "errorRate:"))
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert (
        "spec.yaml:18:15: error: null turns no guardrail on: write {} for its defaults"
        " (at spec.guardrails.errorRate)"
    ) in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "name: enhanced-predictor,",
            'name: "enhanced\\u200b-predictor",',
            "expected visible text, found invisible format character U+200B",
        ),
        (
            "name: enhanced-predictor,",
            'name: "enhanced-predictor\\u202e",',
            "expected visible text, found invisible format character U+202E",
        ),
        (
            "name: enhanced-predictor,",
            'name: "enhance\\u0301d-predictor",',
            "is not in composed form (Unicode NFC)",
        ),
        (
            "name: enhanced-predictor,",
            "name: Baseline-Predictor,",
            "variant 'Baseline-Predictor' cannot be told apart from 'baseline-predictor'",
        ),
        ("name: demo-ab", "name: nul", "'nul' names a file, and Windows reserves it"),
        ("team: mlops", "team: com1", "'com1' names a file, and Windows reserves it"),
    ],
)
def test_names_a_reader_or_a_file_system_cannot_tell_apart_are_refused(
    write_spec, old: str, new: str, message: str
) -> None:
    assert old in MINIMAL_EXPERIMENT
    specs = write_spec(MINIMAL_EXPERIMENT.replace(old, new, 1))
    result = invoke("validate", str(specs))
    assert result.exit_code == 2, result.output
    assert message in result.stderr


@pytest.mark.parametrize(
    "selector",
    ["{namespace: seldon}", "{}"],
    ids=["a matcher the experiment selector already sets", "no matcher at all"],
)
def test_an_error_selector_that_picks_every_request_is_refused(write_spec, selector: str) -> None:
    specs = write_spec(
        MINIMAL_EXPERIMENT.replace("errorSelector: {status: error}", f"errorSelector: {selector}")
    )
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert "the error rate would be 100% for ever (at spec.metrics.requests.errorSelector)" in (
        result.stderr
    )
