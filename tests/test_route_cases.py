"""Routing tests for any Alertmanager config (`monogen routes --config … --test …`): the
receivers a case reaches are amtool's (`config routes test`, on configs of the corpus, the
upstream fixtures and the generated one), delivery follows time intervals and inhibition,
routes no case reaches are reported, and every output format carries the results."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from monogen.compile.matchers import render_alertmanager
from monogen.lint.route_cases import load_config
from tests.conftest import ALERTMANAGER, GENERATED, ROOT, invoke, run_tool

CONFIG = """\
route:
  receiver: default
  routes:
    - receiver: pager
      matchers: ['severity="critical"']
      mute_time_intervals: [night]
    - receiver: chat
      match_re: {severity: "warn.*"}
      continue: true
    - receiver: audit
      match: {team: mlops}
    - receiver: never
      match: {team: nobody}
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [alertname]
time_intervals:
  - name: night
    time_intervals:
      - times: [{start_time: "00:00", end_time: "06:00"}]
receivers: [{name: default}, {name: pager}, {name: chat}, {name: audit}, {name: never}]
"""
CASES = """\
tests:
  - labels: {severity: critical}
    receivers: [pager]
  - labels: {severity: critical}
    at: "2026-12-05T03:00:00Z"
    delivered: false
  - labels: {severity: critical}
    at: "2026-12-05T07:00:00Z"
    delivered: true
  - labels: {severity: warning, team: mlops, alertname: A}
    receivers: [chat, audit]
    firing: [{severity: critical, alertname: A}]
    delivered: false
  - labels: {severity: warning, alertname: A}
    firing: [{severity: critical, alertname: B}]
    delivered: true
  - labels: {severity: info}
    receivers: [pager]
  - labels: {severity: info}
    delivered: false
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "am.yaml").write_text(CONFIG)
    (tmp_path / "cases.yaml").write_text(CASES)
    return tmp_path / "am.yaml", tmp_path / "cases.yaml"


def test_cases_receivers_delivery_and_coverage(files: tuple[Path, Path]) -> None:
    config, cases = files
    result = invoke("routes", "--config", str(config), "--test", str(cases), "--format", "json")
    assert result.exit_code == 1
    found = [
        (Path(f["file"]).name, f["line"], f["check"], f["message"])
        for f in json.loads(result.stdout)
    ]
    assert found == [
        ("am.yaml", 12, "routes/uncovered", "no case reaches this route (to never)"),
        (
            "cases.yaml",
            17,
            "routes/case",
            "expected receivers pager; Alertmanager routes the alert to default",
        ),
        ("cases.yaml", 19, "routes/delivery", "expected delivered: False; delivered"),
    ]
    assert "7 case(s), 2 failed; 1 route(s) no case reaches" in result.stderr


def test_every_format_carries_the_results(files: tuple[Path, Path]) -> None:
    config, cases = files
    text = invoke("routes", "--config", str(config), "--test", str(cases)).stdout
    assert "cases.yaml:17:5: error: expected receivers pager" in text
    github = invoke("routes", "--config", str(config), "--test", str(cases), "--format", "github")
    assert "::error file=" in github.stdout and "title=routes/case::" in github.stdout
    sarif = invoke("routes", "--config", str(config), "--test", str(cases), "--format", "sarif")
    document = json.loads(sarif.stdout)
    schema = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if schema.exists():
        jsonschema.validate(document, json.loads(schema.read_text()))
    assert [r["ruleId"] for r in document["runs"][0]["results"]] == [
        "routes/uncovered",
        "routes/case",
        "routes/delivery",
    ]


def test_passing_cases_exit_zero(files: tuple[Path, Path], tmp_path: Path) -> None:
    config, _ = files
    good = tmp_path / "good.yaml"
    good.write_text(
        "tests:\n  - {labels: {severity: critical}, receivers: [pager]}\n"
        "  - {labels: {team: nobody}, receivers: [never]}\n"
        "  - {labels: {severity: warning, team: mlops}, receivers: [chat, audit]}\n"
    )
    result = invoke("routes", "--config", str(config), "--test", str(good))
    assert result.exit_code == 0, result.output
    assert "3 case(s), 0 failed; 0 route(s) no case reaches" in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tests: []\n", "expected `tests:`, a list of cases"),
        ("tests:\n  - {receivers: [a]}\n", "a case needs `labels`"),
        ("tests:\n  - {labels: {a: b}, recievers: [a]}\n", "unknown keys: recievers"),
        ("tests:\n  - {labels: {a: b}, at: yesterday}\n", "not a moment"),
        ("tests:\n  - {labels: {a: b}, receivers: 5}\n", "expected receivers: a list of names"),
        ("tests:\n  - {labels: {a: b}, receivers: pager}\n", "expected receivers: a list"),
        ("tests:\n  - {labels: {a: b}, firing: 5}\n", "expected firing: a list of label sets"),
        ("tests:\n  - {labels: {a: b}, delivered: 'no'}\n", "expected delivered: true or false"),
        ("tests:\n  - {labels: {a: b}, firing: [5]}\n", "expected labels: a mapping"),
    ],
)
def test_a_broken_cases_file_is_positioned(files, tmp_path: Path, text: str, message: str) -> None:
    config, _ = files
    cases = tmp_path / "bad.yaml"
    cases.write_text(text)
    result = invoke("routes", "--config", str(config), "--test", str(cases))
    assert result.exit_code == 2
    assert f"{cases}:" in result.stderr and message in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'match_re: {severity: "warn.*"}',
            'match_re: {severity: "("}',
            "invalid regular expression '('",
        ),
        ("matchers: ['severity=\"critical\"']", 'matchers: "x=y"', "expected a list of matchers"),
        (
            '- times: [{start_time: "00:00", end_time: "06:00"}]',
            '- {times: [{start_time: "00:00", end_time: "06:00"}], location: Mars/Olympus}',
            "a time zone monogen cannot read",
        ),
        ("- times: [{start_time", "- times: [{start_tim", "a time interval monogen cannot read"),
    ],
)
def test_a_config_monogen_cannot_route_is_a_positioned_error(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in CONFIG
    config = tmp_path / "am.yaml"
    config.write_text(CONFIG.replace(old, new))
    (tmp_path / "cases.yaml").write_text(CASES)
    result = invoke("routes", "--config", str(config), "--test", str(tmp_path / "cases.yaml"))
    assert result.exit_code == 2, result.output
    assert f"{config}:" in result.stderr and "cannot route this config" in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output and "internal error" not in result.output


def label_sets(config: Path) -> list[dict[str, str]]:
    """Alerts that take each way through the config: every route's own equality and
    regex values (a regex as written: routes that read it literally agree on it too)."""
    found: list[dict[str, str]] = [{}]

    def visit(node) -> None:
        for child in node.routes:
            own = {name: value for name, op, value in child.matchers if op in ("=", "=~")}
            if own:
                found.append(own)
                found.append({**found[-2], **own})
            visit(child)

    visit(load_config(config).root)
    unique = {tuple(sorted(s.items())): s for s in found}
    return list(unique.values())[:12]


def routed_configs() -> list[Path]:
    corpus = ROOT / "tests/lint/corpus/alertmanager/good"
    return [GENERATED / "alertmanager/alertmanager.yaml", *sorted(corpus.glob("*.yaml"))]


@pytest.mark.parametrize("version", [ALERTMANAGER[0], ALERTMANAGER[-1]])
@pytest.mark.parametrize("config", routed_configs(), ids=lambda p: p.name)
def test_receivers_agree_with_amtool(tmp_path: Path, config: Path, version: str) -> None:
    if "route" not in (yaml.safe_load(config.read_text()) or {}):
        pytest.skip(f"{config.name} has no route")
    sets = label_sets(config)
    cases = tmp_path / "cases.yaml"
    expected = []
    for labels in sets:
        args = [render_alertmanager((k, "=", v)) for k, v in sorted(labels.items())]
        walked = run_tool(
            "amtool", "config", "routes", "test", f"--config.file={config}", *args, version=version
        )
        assert walked.returncode == 0, walked.stderr
        expected.append({"labels": labels, "receivers": walked.stdout.strip().split(",")})
    cases.write_text(yaml.safe_dump({"tests": expected}))
    result = invoke("routes", "--config", str(config), "--test", str(cases), "--format", "json")
    failed = [f for f in json.loads(result.stdout) if f["check"] == "routes/case"]
    assert failed == [], failed
