"""The generated rules, proved by the real promtool: syntax, and alerts that fire above their
thresholds and stay silent below them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.pipeline import compile_specs, load
from tests.conftest import GENERATED, MINIMAL_EXPERIMENT, PROMETHEUS, RELEASE_ENDS, ROOT, run_tool

RULE_FILES = sorted((GENERATED / "prometheus/rules").glob("*.rules.yaml"))
PROMTOOL_TESTS = sorted((ROOT / "tests/promtool").glob("*.test.yaml"))


def test_examples_have_rule_files() -> None:
    assert len(RULE_FILES) == 5


@pytest.mark.parametrize("version", PROMETHEUS)
@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: p.name)
def test_promtool_check_rules_accepts_generated_files(path: Path, version: str) -> None:
    result = run_tool("promtool", "check", "rules", str(path), version=version)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("version", PROMETHEUS)
def test_promtool_accepts_the_groups_of_every_prometheus_rule_manifest(
    tmp_path: Path, version: str
) -> None:
    manifests = sorted((GENERATED / "kubernetes/prometheusrules").glob("*.yaml"))
    assert manifests
    for manifest in manifests:
        doc = yaml.safe_load(manifest.read_text())
        assert doc["kind"] == "PrometheusRule"
        plain = tmp_path / manifest.name
        plain.write_text(yaml.safe_dump(doc["spec"]))
        result = run_tool("promtool", "check", "rules", str(plain), version=version)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("version", PROMETHEUS)
@pytest.mark.parametrize("path", PROMTOOL_TESTS, ids=lambda p: p.name)
def test_promtool_unit_tests_pass(path: Path, version: str) -> None:
    """The same scenarios pass on every release: closed (2.x) and left-open (3.x) ranges."""
    result = run_tool("promtool", "test", "rules", path.name, cwd=path.parent, version=version)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_promtool_unit_tests_catch_a_wrong_threshold(tmp_path: Path, version: str) -> None:
    """The hand-written tests are not vacuous: a wrong threshold makes them fail."""
    rules = (GENERATED / "prometheus/rules/fraud-detector-ab.rules.yaml").read_text()
    assert rules.count("< 75\n") == 1
    (tmp_path / "rules.yaml").write_text(rules.replace("< 75\n", "< 55\n"))
    test = (ROOT / "tests/promtool/fraud-detector-ab.test.yaml").read_text()
    test = test.replace(
        "../../generated/prometheus/rules/fraud-detector-ab.rules.yaml", "rules.yaml"
    )
    (tmp_path / "t.test.yaml").write_text(test)
    result = run_tool("promtool", "test", "rules", "t.test.yaml", cwd=tmp_path, version=version)
    assert result.returncode != 0
    assert "ModelAccuracyDegraded" in result.stdout + result.stderr


WEIRD = 'enh"anced\\predictor|.*'


def test_label_values_with_quotes_backslashes_and_regex_are_escaped(
    write_spec, tmp_path: Path
) -> None:
    text = MINIMAL_EXPERIMENT.replace(
        "name: enhanced-predictor", "name: " + yaml.safe_dump(WEIRD).splitlines()[0]
    ).replace("namespace: seldon", "namespace: 'se\"l\\don'")
    specs = write_spec(text)
    files = compile_specs(load([specs]))
    rules = tmp_path / "rules.yaml"
    rules.write_text(files["prometheus/rules/demo-ab.rules.yaml"])
    checked = run_tool("promtool", "check", "rules", str(rules))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    # The regex alternation matches the odd name literally, and nothing else.
    promql_value = WEIRD.replace("\\", "\\\\").replace('"', '\\"')
    unit = {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {
                        "series": f'ab_test_model_accuracy{{namespace="se\\"l\\\\don", model_name="{promql_value}"}}',
                        "values": "10x20",
                    },
                    {
                        "series": 'ab_test_model_accuracy{namespace="se\\"l\\\\don", model_name="enhXanced-other"}',
                        "values": "10x20",
                    },
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "10m",
                        "alertname": "ModelAccuracyDegraded",
                        "exp_alerts": [
                            {
                                "exp_labels": {
                                    "severity": sev,
                                    "category": "model_performance",
                                    "experiment": "demo-ab",
                                    "team": "mlops",
                                    "namespace": "monitoring",
                                    "model_name": WEIRD,
                                },
                                "exp_annotations": {
                                    "summary": f"Accuracy of variant {WEIRD} is below {limit}% in experiment demo-ab",
                                    "description": f"Accuracy of variant {WEIRD} in experiment demo-ab is 10.0%, below the {sev} threshold of {limit}% for more than {for_}.",
                                    "runbook_url": "https://runbooks.example.com/demo/model-accuracy-degraded",
                                    "dashboard_url": "https://grafana.example.com/d/monogen-demo-ab/demo-ab",
                                },
                            }
                            for sev, limit, for_ in (("critical", 50, "2m"), ("warning", 75, "5m"))
                        ],
                    }
                ],
            }
        ],
    }
    (tmp_path / "unit.test.yaml").write_text(yaml.safe_dump(unit))
    result = run_tool("promtool", "test", "rules", "unit.test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


SLO_RATIO = "experiment_variant:ab_test_requests_errors:slo_ratio_rate"
SLO_SEL = '{experiment="fraud-detector-ab"} / 0.005'


@pytest.mark.parametrize(
    ("scenarios", "right", "wrong"),
    [
        ("fraud-detector-ab-srm", "> 10.8276", "> 300"),  # misses real mismatches
        ("fraud-detector-ab-srm", ">= 1000", ">= 100"),  # pages on a tiny sample
        ("fraud-detector-ab-compare", "> 2.32635", "> 20"),  # misses a real difference
        ("fraud-detector-ab-compare", ">= 200", ">= 100"),  # pages on a tiny sample
        ("fraud-detector-ab-compare", ") > 2\n", ") > 3\n"),  # a margin too wide
        ("fraud-detector-ab-compare", ") > 2\n", ") > 1\n"),  # a margin too narrow
        ("fraud-detector-ab-data", "< 0.1\n", "< 0.04\n"),  # misses a starved variant
        # the page's long window read as its short one: a 3-minute blip pages
        (
            "fraud-detector-ab-slo",
            f"{SLO_RATIO}1h{SLO_SEL} > 14.4",
            f"{SLO_RATIO}5m{SLO_SEL} > 14.4",
        ),
        # the page without its short window: it keeps paging after the burn stopped
        ("fraud-detector-ab-slo", f" and {SLO_RATIO}5m{SLO_SEL} > 14.4", ""),
        ("fraud-detector-ab-slo", "> 1 and", "> 2 and"),  # misses a slow burn
        ("fraud-detector-ab-slo", "> 0)) / 0.005\n", "> 0)) / 0.01\n"),  # budget misread
        ("fraud-detector-ab-slo-budget", "> 0)) / 0.005\n", "> 0)) / 0.01\n"),
        # the budget's bad requests read as ratios: no longer weighed by traffic
        (
            "fraud-detector-ab-slo-budget",
            "sum_over_time(experiment_variant:ab_test_requests_errors:slo_rate5m",
            "sum_over_time(experiment_variant:ab_test_requests_errors:slo_ratio_rate5m",
        ),
    ],
)
@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_hand_written_scenarios_catch_mutants(
    tmp_path: Path, scenarios: str, right: str, wrong: str, version: str
) -> None:
    """The hand-written scenarios fail when the generated rule's numbers move."""
    rules = (GENERATED / "prometheus/rules/fraud-detector-ab.rules.yaml").read_text()
    assert right in rules
    mutated = tmp_path / "generated/prometheus/rules/fraud-detector-ab.rules.yaml"
    mutated.parent.mkdir(parents=True)
    mutated.write_text(rules.replace(right, wrong))
    copy = tmp_path / "tests/promtool/scenarios.test.yaml"
    copy.parent.mkdir(parents=True)
    copy.write_text((ROOT / f"tests/promtool/{scenarios}.test.yaml").read_text())
    result = run_tool("promtool", "test", "rules", str(copy), version=version)
    assert result.returncode != 0, result.stdout + result.stderr


def test_several_treatments_give_distinct_rules(write_spec, tmp_path: Path) -> None:
    """Each treatment's comparison is its own rule (the variant is a rule label), so
    promtool's duplicate-rule lint has nothing to say."""
    from monogen.output.write import write_tree

    three = MINIMAL_EXPERIMENT.replace(
        "    - {name: enhanced-predictor, role: treatment, traffic: 30}",
        "    - {name: enhanced-predictor, role: treatment, traffic: 20}\n"
        "    - {name: other-predictor, role: treatment, traffic: 10}",
    ).replace(
        "trafficSplit: {tolerance: 5}",
        "trafficSplit: {tolerance: 5}\n"
        "    comparisons: [{metric: accuracy, margin: {absolute: 2}}]",
    )
    out = tmp_path / "out"
    write_tree(out, compile_specs(load([write_spec(three)])))
    (rules,) = (out / "prometheus/rules").glob("*.yaml")
    result = run_tool("promtool", "check", "rules", "--lint-fatal", str(rules))
    assert result.returncode == 0, result.stdout + result.stderr
