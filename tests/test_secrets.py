"""Secrets never reach the output or a message: a URL that is a credential (a webhook),
or that carries a user, a password or a token, is refused wherever a spec writes it, with
the `*File` hint, and no command quotes it back."""

from __future__ import annotations

import pytest

from monogen.spec.secrets import secret_in
from tests.conftest import MINIMAL_EXPERIMENT, invoke
from tests.test_validate import ALERTING, edit

SECRET = "Zq9SECRETvalue"  # must appear in no output


def receiver(integration: str) -> str:
    return edit(
        "    slack-mlops:\n",
        f"    leaky:\n      {integration}\n    slack-mlops:\n",
        ALERTING,
    )


CASES = [
    # every integration, every URL-bearing field; Slack's URL recognised in any field
    ("alerting", receiver(f'slack: {{apiUrlFile: "https://hooks.slack.com/services/T0/B0/{SECRET}", channel: "#x"}}'), "a Slack webhook URL"),
    ("alerting", receiver(f'webhook: {{url: "https://hooks.slack.com/services/T0/B0/{SECRET}"}}'), "a Slack webhook URL"),
    ("alerting", receiver(f'pagerduty: {{routingKeyFile: /etc/am/pd, url: "https://user:{SECRET}@events.pagerduty.com/v2/enqueue"}}'), "a URL with a password"),
    ("alerting", receiver(f'pagerduty: {{routingKeyFile: /etc/am/pd, url: "https://events.pagerduty.com/v2/enqueue?token={SECRET}"}}'), "in its query (token=…)"),
    ("alerting", receiver(f'webhook: {{url: "https://hooks.example.com/x#access_token={SECRET}"}}'), "in its fragment"),
    ("alerting", receiver(f'webhook: {{url: "https://discord.com/api/webhooks/1/{SECRET}"}}'), "a Discord webhook URL"),
    ("alerting", receiver(f'email: {{to: "https://hooks.slack.com/services/T0/B0/{SECRET}"}}'), "a Slack webhook URL"),
    ("experiment", edit("runbookUrl: https://runbooks.example.com/demo", f"runbookUrl: https://bob:{SECRET}@runbooks.example.com/demo", MINIMAL_EXPERIMENT), "a URL with a password"),
    ("experiment", edit("  runbookUrl:", f'  description: "see https://hooks.slack.com/services/T0/B0/{SECRET}"\n  runbookUrl:', MINIMAL_EXPERIMENT), "a Slack webhook URL"),
    ("experiment", edit("grafanaUrl: https://grafana.example.com", f"grafanaUrl: https://grafana.example.com/?api_key={SECRET}", MINIMAL_EXPERIMENT), "api_key=…"),
]  # fmt: skip


@pytest.mark.parametrize(("which", "text", "message"), CASES)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_secrets_are_refused_and_never_echoed(
    write_spec, tmp_path, which: str, text: str, message: str, command: str
) -> None:
    other = MINIMAL_EXPERIMENT if which == "alerting" else ALERTING
    write_spec(text, "leaky.yaml")
    specs = write_spec(other, "other.yaml")
    out = tmp_path / "out"
    args = [command, str(specs)] + (["-o", str(out)] if command == "build" else [])
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert "leaky.yaml:" in result.stderr and message in result.stderr, result.stderr
    assert "secrets never go in specs" in result.stderr
    assert "apiUrlFile" in result.stderr  # the hint names the *File keys
    assert SECRET not in result.stdout + result.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://grafana.example.com/d/abc/x?orgId=1&var-model=baseline&from=now-6h",
        "https://runbooks.example.com/ml/fraud#slo-error-budget-burn",
        "https://events.eu.pagerduty.com/v2/enqueue",
        "https://seldon.example.com/experiments/fraud-detector-ab?keyboard=1",
    ],
)
def test_ordinary_urls_are_not_secrets(url: str) -> None:
    assert secret_in(url) is None


def test_a_pydantic_message_never_quotes_a_secret(write_spec) -> None:
    """A secret where a type is wrong (a number expected) is still not quoted."""
    leaky = edit(
        "trafficSplit: {tolerance: 5}",
        f'trafficSplit: {{tolerance: "https://hooks.slack.com/services/T0/B0/{SECRET}"}}',
        MINIMAL_EXPERIMENT,
    )
    specs = write_spec(leaky, "leaky.yaml")
    write_spec(ALERTING, "alerting.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert SECRET not in result.stdout + result.stderr


@pytest.mark.parametrize(
    "path",
    ["/etc/am/PD_KEY", "/etc/alertmanager/secrets/Team_Secrets/key", "/run/secrets/.pd-key"],
)
def test_a_secret_file_must_name_a_kubernetes_secret(path: str) -> None:
    """The operator output refers to the file as key of a Secret: a name the API server
    refuses would break `kubectl apply`, so the spec is refused first."""
    from tests.test_validate import errors

    text = ALERTING.replace("/etc/alertmanager/secrets/pd-mlops", path)
    found = errors(MINIMAL_EXPERIMENT, text)
    assert any("is not a Kubernetes name" in e and e.startswith("f1.yaml:") for e in found), found


@pytest.mark.parametrize(
    "url",
    [
        "https://runbooks.example.com/llm#token-limits",
        "https://grafana.example.com/d/llm?var-max_tokens=4096",
        "https://grafana.example.com/d/x?var-session=all&var-tokenizer=bpe",
        "https://docs.example.com/?passwordless=1",
        "https://git@github.com/org/repo",
    ],
)
def test_urls_that_only_mention_tokens_are_not_secrets(url: str) -> None:
    assert secret_in(url) is None


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # a key pasted where its file's path belongs
        ("/etc/alertmanager/secrets/pd-mlops", SECRET),
        # a webhook URL as a mapping key
        ("    slack-mlops:\n", f"    https://hooks.slack.com/services/T0/B0/{SECRET}: {{}}\n    slack-mlops:\n"),
    ],
)  # fmt: skip
def test_secrets_in_keys_and_file_fields_are_not_echoed(write_spec, old: str, new: str) -> None:
    write_spec(MINIMAL_EXPERIMENT, "exp.yaml")
    specs = write_spec(ALERTING.replace(old, new), "routing.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert SECRET not in result.stdout + result.stderr


def test_the_project_configuration_takes_no_credentials(write_spec) -> None:
    write_spec(MINIMAL_EXPERIMENT, "exp.yaml")
    specs = write_spec(ALERTING, "routing.yaml")
    (specs / ".monogen.yaml").write_text(
        f'rollouts:\n  flagger: {{prometheusAddress: "http://admin:{SECRET}@prom:9090"}}\n'
    )
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert "a URL with a password" in result.stderr and SECRET not in result.stderr


def test_lint_shows_no_source_line_that_holds_a_secret(tmp_path) -> None:
    config = tmp_path / "am.yaml"
    config.write_text(
        f'global:\n  slack_api_url: "https://hooks.slack.com/services/T0/B0/{SECRET}"\n'
        "route: {receiver: x}\nreceivers: [{name: x}]\n"
    )
    result = invoke("lint", str(config))
    assert "alertmanager/inline-secret" in result.stdout
    assert SECRET not in result.stdout + result.stderr
