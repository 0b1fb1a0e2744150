"""The Alertmanager target: merging teams, receivers without secrets, inhibition, time
intervals, templates, and the route-coverage proof."""

from __future__ import annotations

import pytest
import yaml

from monogen.compile.alertmanager import UNROUTED
from monogen.model.alertmanager import Route
from monogen.pipeline import compile_specs, compile_targets
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import load_text
from monogen.spec.validate import validate
from tests.conftest import MINIMAL_EXPERIMENT, invoke

TEAM_A = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {name: mlops, team: mlops}
spec:
  receivers:
    mlops-pd: {pagerduty: {routingKeyFile: /etc/alertmanager/secrets/mlops/pd}}
    mlops-slack: {slack: {apiUrlFile: /etc/alertmanager/secrets/mlops/slack, channel: "#mlops-alerts"}}
  routes:
    - {match: {severity: critical}, receivers: [mlops-pd, mlops-slack]}
    - {match: {severity: warning}, receivers: [mlops-slack], muteTimeIntervals: [nights]}
  timeIntervals:
    nights:
      - times: [{start: "22:00", end: "24:00"}, {start: "00:00", end: "06:00"}]
        weekdays: ["monday:friday"]
        location: Etc/UTC
"""
TEAM_B = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {name: recsys, team: recsys}
spec:
  receivers:
    recsys-mail: {email: {to: recsys@example.com}}
  routes:
    - {receivers: [recsys-mail]}
  smtp: {smarthost: "smtp.example.com:587", from: am@example.com}
"""
RECSYS_EXPERIMENT = MINIMAL_EXPERIMENT.replace("name: demo-ab", "name: recs-ab").replace(
    "team: mlops", "team: recsys"
)


def compiled(*texts: str):
    docs = [d for i, t in enumerate(texts) for d in load_text(t, f"f{i}.yaml")]
    return compile_targets(validate(docs))


def errors(*texts: str) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        compiled(*texts)
    return [e.render() for e in caught.value.errors]


def test_two_teams_merge_into_one_tree_in_team_order() -> None:
    config = compiled(TEAM_B, TEAM_A, MINIMAL_EXPERIMENT, RECSYS_EXPERIMENT).alertmanager
    assert config.route.receiver == UNROUTED
    assert [r.matchers for r in config.route.routes] == [
        (("team", "=", "mlops"),),
        (("team", "=", "recsys"),),
    ]
    mlops = config.route.routes[0]
    # a route with two receivers becomes two siblings joined by continue
    assert [(r.receiver, r.continue_) for r in mlops.routes] == [
        ("mlops-pd", True),
        ("mlops-slack", False),
        ("mlops-slack", False),
    ]
    assert config.owners == {"mlops-pd": "mlops", "mlops-slack": "mlops", "recsys-mail": "recsys"}
    assert [r["name"] for r in config.receivers] == [
        UNROUTED,
        "mlops-pd",
        "mlops-slack",
        "recsys-mail",
    ]


def test_route_walk_follows_continue_and_inherits_receivers() -> None:
    leaf_a = Route("a", (("severity", "=", "critical"),), continue_=True)
    leaf_b = Route("b", (("severity", "=~", "crit.*"),))
    leaf_c = Route("c", (("severity", "=", "critical"),))
    team = Route(None, (("team", "=", "x"),), routes=(leaf_a, leaf_b, leaf_c))
    root = Route("root", routes=(team,))
    assert root.walk({"team": "x", "severity": "critical"}) == ["a", "b"]
    assert root.walk({"team": "x", "severity": "warning"}) == ["root"]  # inherited
    assert root.walk({"team": "y", "severity": "critical"}) == ["root"]
    # regex matchers are anchored, as in Alertmanager
    assert Route("r", routes=(Route("z", (("s", "=~", "rit"),)),)).walk({"s": "crit"}) == ["r"]


def test_duplicate_team_and_duplicate_receiver_are_positioned_errors() -> None:
    clash = TEAM_A.replace("name: mlops, team: mlops", "name: mlops2, team: mlops")
    found = errors(TEAM_A, clash, MINIMAL_EXPERIMENT)
    assert any(
        m.startswith("f1.yaml:3:") and "duplicate Alerting spec for team 'mlops'" in m
        for m in found
    )
    assert any(
        "duplicate receiver 'mlops-pd'" in m and "first defined at f0.yaml:6:5;" in m for m in found
    )


def test_undefined_receiver_and_time_interval() -> None:
    bad = TEAM_A.replace(
        "receivers: [mlops-slack], muteTimeIntervals: [nights]",
        "receivers: [mlops-slak], muteTimeIntervals: [night]",
    )
    found = errors(bad, MINIMAL_EXPERIMENT)
    assert any("f0.yaml:10:" in m and "unknown receiver 'mlops-slak'" in m for m in found)
    assert any("unknown time interval 'night'" in m and "did you mean 'nights'" in m for m in found)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "{routingKeyFile: /etc/alertmanager/secrets/mlops/pd}",
            "{routingKey: 0123456789abcdef}",
            "write `routingKeyFile: /etc/alertmanager/secrets/...`",
        ),
        (
            "apiUrlFile: /etc/alertmanager/secrets/mlops/slack",
            "apiUrlFile: https://hooks.slack.com/services/T0/B0/XYZ",
            "a Slack webhook URL: secrets never go in specs",
        ),
    ],
)
def test_literal_secrets_are_rejected(old: str, new: str, expected: str) -> None:
    found = errors(TEAM_A.replace(old, new), MINIMAL_EXPERIMENT)
    assert any(expected in m for m in found), found


def test_webhook_with_credentials_is_rejected() -> None:
    hook = TEAM_B.replace(
        "{email: {to: recsys@example.com}}",
        "{webhook: {url: 'https://user:pw@hooks.example.com/x?token=abc'}}",
    )
    assert any("a URL with a password" in m for m in errors(hook, RECSYS_EXPERIMENT))


def test_inhibit_rules_time_intervals_and_templates_render() -> None:
    files = compile_specs(
        validate(load_text(TEAM_A, "a.yaml") + load_text(MINIMAL_EXPERIMENT, "e.yaml"))
    )
    config = yaml.safe_load(files["alertmanager/alertmanager.yaml"])
    assert config["inhibit_rules"] == [
        {
            "source_matchers": ['severity="critical"', 'team="mlops"'],
            "target_matchers": ['severity="warning"', 'team="mlops"'],
            "equal": ["alertname", "experiment", "model_name"],
        }
    ]
    assert config["time_intervals"] == [
        {
            "name": "mlops/nights",
            "time_intervals": [
                {
                    "times": [
                        {"start_time": "22:00", "end_time": "24:00"},
                        {"start_time": "00:00", "end_time": "06:00"},
                    ],
                    "weekdays": ["monday:friday"],
                    "location": "Etc/UTC",
                }
            ],
        }
    ]
    warning_route = config["route"]["routes"][0]["routes"][2]
    assert warning_route["mute_time_intervals"] == ["mlops/nights"]
    slack = config["receivers"][2]["slack_configs"][0]
    assert slack["api_url_file"] == "/etc/alertmanager/secrets/mlops/slack"
    assert slack["title"] == '{{ template "monogen.title" . }}'
    assert config["templates"] == ["templates/*.tmpl"]
    template = files["alertmanager/templates/monogen.tmpl"]
    for needle in (
        ".Labels.experiment",
        "or .Labels.model_name",
        ".Annotations.summary",
        ".Annotations.description",
        ".Annotations.runbook_url",
    ):
        assert needle in template
    manifest = yaml.safe_load(files["kubernetes/alertmanagerconfigs/mlops.yaml"])
    assert manifest["kind"] == "AlertmanagerConfig"
    pd = manifest["spec"]["receivers"][0]["pagerdutyConfigs"][0]
    assert pd["routingKey"] == {"name": "mlops", "key": "pd"}


def test_inhibition_can_be_turned_off() -> None:
    off = TEAM_A + "  inhibit: {criticalInhibitsWarning: false}\n"
    assert compiled(off, MINIMAL_EXPERIMENT).alertmanager.inhibit_rules == ()


def test_backwards_weekday_range_is_an_error() -> None:
    bad = TEAM_A.replace('["monday:friday"]', '["saturday:sunday"]')
    assert any("runs backwards" in m for m in errors(bad, MINIMAL_EXPERIMENT))


def test_no_secret_reaches_the_output() -> None:
    files = compile_specs(
        validate(load_text(TEAM_A, "a.yaml") + load_text(MINIMAL_EXPERIMENT, "e.yaml"))
    )
    text = files["alertmanager/alertmanager.yaml"]
    assert "hooks.slack.com" not in text and "routing_key:" not in text and "api_url:" not in text


def test_an_alert_routed_nowhere_fails_the_build_with_a_position() -> None:
    only_critical = TEAM_A.replace(
        "    - {match: {severity: warning}, receivers: [mlops-slack], muteTimeIntervals: [nights]}\n",
        "",
    )
    found = errors(only_critical, MINIMAL_EXPERIMENT)
    assert any(
        m.startswith(
            "f1.yaml:5:9: error: alert ModelAccuracyDegraded (warning, variant baseline-predictor)"
        )
        and "reaches no receiver" in m
        and "add a route for severity=warning" in m
        for m in found
    ), found


def test_a_team_without_routing_is_one_error_with_a_did_you_mean() -> None:
    found = errors(TEAM_A, MINIMAL_EXPERIMENT, RECSYS_EXPERIMENT)
    assert found == [
        "f2.yaml:5:9: error: team 'recsys' has no Alerting spec: none of this experiment's "
        "alerts would reach a receiver (at metadata.team)\n"
        "  hint: add an Alerting spec for team 'recsys' with routes for its alerts"
    ]
    typo = RECSYS_EXPERIMENT.replace("team: recsys", "team: mlop")
    (found,) = errors(TEAM_A, TEAM_B, MINIMAL_EXPERIMENT, typo)
    assert "team 'mlop' has no Alerting spec" in found and "did you mean 'mlops'?" in found


def test_validate_runs_every_check_build_runs(write_spec) -> None:
    """validate ok means build ok: route coverage included."""
    specs = write_spec(TEAM_A.replace("severity: warning", "severity: warn"), "routing.yaml")
    write_spec(MINIMAL_EXPERIMENT, "exp.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert "reaches no receiver" in result.stderr and "nothing written" not in result.stderr


def test_routes_command_prints_the_table_and_flags_lost_alerts(write_spec) -> None:
    specs = write_spec(TEAM_A, "routing.yaml")
    write_spec(MINIMAL_EXPERIMENT, "exp.yaml")
    result = invoke("routes", str(specs))
    assert result.exit_code == 0
    assert (
        "demo-ab     ModelHighErrorRate          critical  enhanced-predictor  mlops-pd, mlops-slack"
        in result.stdout
    )
    write_spec(TEAM_A.replace("severity: warning", "severity: warn"), "routing.yaml")
    result = invoke("routes", str(specs))
    assert result.exit_code == 1
    assert "!! reaches no receiver" in result.stdout


def test_email_without_any_smtp_settings_is_a_positioned_error() -> None:
    no_smtp = TEAM_B.replace(
        '  smtp: {smarthost: "smtp.example.com:587", from: am@example.com}\n', ""
    )
    found = errors(no_smtp, RECSYS_EXPERIMENT)
    assert any(
        m.startswith("f0.yaml:6:26: error: receiver 'recsys-mail' sends email") for m in found
    ), found
