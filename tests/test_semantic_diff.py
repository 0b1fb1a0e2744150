"""`monogen diff`: the meaning of a change between two generated trees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monogen.output.semantic_diff import as_json, as_markdown, as_text, semantic_diff
from monogen.pipeline import compile_specs, load
from tests.conftest import MINIMAL_EXPERIMENT
from tests.test_validate import ALERTING


def tree(tmp_path: Path, experiment: str, alerting: str = ALERTING) -> dict[str, str]:
    specs = tmp_path / f"specs-{len(list(tmp_path.iterdir()))}"
    specs.mkdir()
    (specs / "exp.yaml").write_text(experiment)
    (specs / "routing.yaml").write_text(alerting)
    return compile_specs(load([specs]))


def texts(old: dict[str, str], new: dict[str, str], area: str) -> list[str]:
    return [c.text() for c in semantic_diff(old, new) if c.area == area]


def test_the_same_tree_means_no_change(tmp_path: Path) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    assert semantic_diff(old, dict(old)) == []
    assert as_text([]) == "no change in meaning\n"


def test_a_threshold_and_for_change_reads_as_such(tmp_path: Path) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    new = tree(
        tmp_path,
        MINIMAL_EXPERIMENT.replace("accuracy: {}", "accuracy: {warning: {below: 70, for: 10m}}"),
    )
    assert texts(old, new, "alerts") == [
        # the critical level went with the defaults: written levels replace them
        "- demo-ab ModelAccuracyDegraded critical: below 50, for 2m",
        "~ demo-ab ModelAccuracyDegraded warning: below 75 → 70, for 5m → 10m",
    ]


def test_alerts_added_removed_and_a_severity_moved(tmp_path: Path) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    changed = MINIMAL_EXPERIMENT.replace("    latency: {}\n", "").replace(
        "errorRate: {}", "errorRate: {warning: {above: 5%, for: 1m}}"
    )
    new = tree(
        tmp_path, changed.replace("    trafficSplit:", "    serverDown: {}\n    trafficSplit:")
    )
    found = texts(old, new, "alerts")
    assert "- demo-ab ModelHighLatency warning: above 0.2, for 3m" in found
    assert "~ demo-ab ModelHighErrorRate: severity critical → warning" in found
    assert any(t.startswith("+ demo-ab ModelServerDown critical") for t in found), found


def test_routes_receivers_and_panels(tmp_path: Path) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    alerting = ALERTING.replace('channel: "#mlops-alerts"', 'channel: "#mlops-alarms"').replace(
        "{match: {severity: warning}, receivers: [slack-mlops]}",
        "{match: {severity: warning}, receivers: [slack-mlops], groupWait: 1m}",
    )
    new = tree(tmp_path, MINIMAL_EXPERIMENT.replace("    latency: {}\n", ""), alerting)
    assert texts(old, new, "receivers") == ["~ slack-mlops: slack_configs"]
    routes = texts(old, new, "routes")
    assert routes == ['~ team="mlops" / severity="warning" → slack-mlops: timing or muting changed']
    panels = texts(old, new, "dashboards")
    assert panels == ["~ dashboard demo-ab: panels changed"] or all("panel" in p for p in panels), (
        panels
    )


@pytest.mark.parametrize("render", [as_text, as_markdown, as_json])
def test_every_format_carries_every_change(tmp_path: Path, render) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    new = tree(
        tmp_path, MINIMAL_EXPERIMENT.replace("accuracy: {}", "accuracy: {warning: {below: 70}}")
    )
    changes = semantic_diff(old, new)
    out = render(changes)
    for change in changes:
        assert change.subject in out
    if render is as_json:
        assert [c["subject"] for c in json.loads(out)] == [c.subject for c in changes]


def test_build_check_says_what_changed_and_shows_dashboard_json_pretty(
    write_spec, tmp_path: Path
) -> None:
    from tests.conftest import invoke

    write_spec(ALERTING, "routing.yaml")
    specs = write_spec(MINIMAL_EXPERIMENT)
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    write_spec(MINIMAL_EXPERIMENT.replace("accuracy: {}", "accuracy: {warning: {below: 70}}"))
    check = invoke("build", str(specs), "-o", str(out), "--check")
    assert check.exit_code == 1
    summary, _, unified = check.stdout.partition("\n\n")
    assert "~ demo-ab ModelAccuracyDegraded warning: below 75 → 70" in summary
    # the ConfigMap's one-line dashboard JSON is diffed pretty-printed: short lines only
    configmap = unified[unified.index("kubernetes/grafana-dashboards/") :]
    configmap = configmap[: configmap.find("\n--- ", 1)]
    changed = [line for line in configmap.splitlines() if line[:1] in "+-"]
    assert changed and max(len(line) for line in changed) < 300


def test_diff_command_compares_trees_or_specs(write_spec, tmp_path: Path) -> None:
    from tests.conftest import invoke

    write_spec(ALERTING, "routing.yaml")
    specs = write_spec(MINIMAL_EXPERIMENT)
    old = tmp_path / "old"
    assert invoke("build", str(specs), "-o", str(old)).exit_code == 0
    same = invoke("diff", str(old), "--specs", str(specs))
    assert same.exit_code == 0 and same.stdout == "no change in meaning\n"
    write_spec(MINIMAL_EXPERIMENT.replace("    latency: {}\n", ""))
    new = tmp_path / "new"
    assert invoke("build", str(specs), "-o", str(new)).exit_code == 0
    for args in ([str(new)], ["--specs", str(specs)]):
        result = invoke("diff", str(old), *args, "--format", "json")
        assert result.exit_code == 1
        subjects = {c["subject"] for c in json.loads(result.stdout) if c["what"] == "removed"}
        assert "demo-ab ModelHighLatency warning" in subjects
    assert invoke("diff", str(old)).exit_code == 2  # neither NEW nor --specs


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("prometheus/rules/demo-ab.rules.yaml", "groups: [foo]\n"),
        ("prometheus/rules/demo-ab.rules.yaml", "groups: {a: 1}\n"),
        ("prometheus/rules/demo-ab.rules.yaml", "<binary file>\n"),
        ("alertmanager/alertmanager.yaml", "- a\n"),
        ("alertmanager/alertmanager.yaml", "receivers: [{name: [a]}]\n"),
        ("grafana/dashboards/demo-ab.json", "[]"),
        ("grafana/dashboards/demo-ab.json", "null"),
    ],
)
def test_hand_edited_files_of_odd_shape_are_changed_files_not_crashes(
    tmp_path: Path, path: str, text: str
) -> None:
    old = tree(tmp_path, MINIMAL_EXPERIMENT)
    changes = semantic_diff(old, {**old, path: text})
    assert [c for c in changes if c.subject == path and c.what == "changed"], changes
    assert not [c for c in changes if c.what == "removed"]  # nothing read as removed
