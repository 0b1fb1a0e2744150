"""Runbooks: a Markdown page per alert where its runbook_url points, saying what the alert
judges, its exact queries, thresholds and `for`, the dashboard, first checks for its
category and where it is routed; a project's templates override monogen's."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from monogen.output.stamp import package_digest
from monogen.targets.markdown import inline_code, markdown_text
from tests.conftest import GENERATED, MINIMAL_EXPERIMENT, ROOT, SPECS, invoke
from tests.test_validate import ALERTING


def example_alerts() -> list[tuple[str, dict]]:
    found = []
    for path in sorted((GENERATED / "prometheus/rules").glob("*.rules.yaml")):
        experiment = path.name.removesuffix(".rules.yaml")
        for group in yaml.safe_load(path.read_text())["groups"]:
            found += [(experiment, r) for r in group["rules"] if "alert" in r]
    return found


def test_every_example_alert_has_its_runbook_where_its_url_points() -> None:
    alerts = example_alerts()
    assert len(alerts) > 40
    pages = {p.relative_to(GENERATED).as_posix() for p in GENERATED.glob("runbooks/*/*.md")}
    expected = set()
    for experiment, rule in alerts:
        url = rule["annotations"]["runbook_url"]
        # the page is named after the alert, in kebab case; the URL ends so unless the
        # guardrail names a runbook of the team's own (seed 001's model-failure page)
        page = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", rule["alert"])
        path = f"runbooks/{experiment}/{page.lower()}.md"
        assert url.endswith(f"/{page.lower()}") or not url.startswith(
            "https://runbooks.example.com/"
        ), url
        expected.add(path)
        text = (GENERATED / path).read_text()
        assert text.startswith(f"# {rule['alert']} in {experiment}\n")
        assert f"- This page: {url}\n" in text
        assert f"```promql\n{rule['expr']}\n```" in text  # the exact query of each level
        severity, for_ = rule["labels"]["severity"], rule.get("for", "0s")
        assert f"**{severity}**" in text and f" for {for_}" in text
        assert f"- Dashboard: [{experiment}]({rule['annotations']['dashboard_url']})" in text
        assert "Category: " in text and rule["labels"]["category"] in text
    assert pages == expected


def test_a_runbook_says_where_each_severity_goes() -> None:
    routes = json.loads(invoke("routes", str(SPECS), "--format", "json").stdout)
    text = (GENERATED / "runbooks/fraud-detector-ab/model-accuracy-degraded.md").read_text()
    for severity in ("critical", "warning"):
        (receivers,) = {
            ", ".join(r["receivers"])
            for r in routes
            if r["experiment"] == "fraud-detector-ab"
            and r["alert"] == "ModelAccuracyDegraded"
            and r["severity"] == severity
        }
        row = f"| {severity} | baseline-predictor, enhanced-predictor | {receivers} |"
        assert row in text
    assert "**warning**: fires when the value is below 75 for 5m:" in text
    assert "**critical**: fires when the value is below 50 for 2m:" in text
    # category 'performance' is the team's own: the checks of what accuracy is, model quality
    assert "1. Open the dashboard's quality row" in text
    latency = (GENERATED / "runbooks/fraud-detector-ab/model-high-latency.md").read_text()
    assert "1. Open the dashboard's latency row" in latency


def test_text_from_specs_is_literal_markdown() -> None:
    assert markdown_text("a *b* [c](d) | e_f\n  g") == r"a \*b\* \[c\]\(d\) \| e\_f g"
    assert inline_code("x") == "`x`"
    assert inline_code("a`b") == "``a`b``"
    assert inline_code("`x`") == "`` `x` ``"


@pytest.fixture
def project(write_spec) -> Path:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ALERTING, "routing.yaml")
    return specs


def built(specs: Path, out: Path) -> dict[str, str]:
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 0, result.output
    return {p.name: p.read_text() for p in (out / "runbooks/demo-ab").glob("*.md")}


def test_a_project_overrides_the_page_a_category_and_a_team(project: Path, tmp_path: Path) -> None:
    pages = built(project, tmp_path / "before")
    assert sorted(pages) == [
        "experiment-traffic-imbalance.md",
        "model-accuracy-degraded.md",
        "model-high-error-rate.md",
        "model-high-latency.md",
    ]
    assert (
        "| critical | baseline-predictor, enhanced-predictor | pagerduty-mlops, slack-mlops |"
        in pages["model-accuracy-degraded.md"]
    )
    overrides = project / "runbook-templates"
    (overrides / "checks").mkdir(parents=True)
    (overrides / "checks/latency.md.j2").write_text("Call {{ experiment.team }}'s SRE.\n")
    out = tmp_path / "after"
    pages = built(project, out)
    assert (
        "## First checks\n\nCall mlops's SRE.\n\n## Where it goes" in pages["model-high-latency.md"]
    )
    assert "Call mlops" not in pages["model-high-error-rate.md"]

    (overrides / "mlops").mkdir()
    (overrides / "mlops/runbook.md.j2").write_text(
        "# {{ alert.name }}\n{% for l in alert.levels %}{{ l.severity }} {{ l.threshold }}\n{% endfor %}"
    )
    result = invoke("build", str(project), "-o", str(out), "--check")
    assert result.exit_code == 1  # a changed template is drift, stamps or not
    assert "+# ModelAccuracyDegraded\n+critical 50\n+warning 75\n" in result.stdout
    pages = built(project, out)
    assert (
        pages["model-accuracy-degraded.md"] == "# ModelAccuracyDegraded\ncritical 50\nwarning 75\n"
    )


def test_a_broken_template_is_a_positioned_error(project: Path, tmp_path: Path) -> None:
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_text("# {{ alert.name }}\n{% for x in y %}\n")
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert f"{overrides}/runbook.md.j2:2:1: error: invalid runbook template: " in result.stderr
    assert not (tmp_path / "out").exists()

    (overrides / "runbook.md.j2").write_text("# {{ alert.nmae }}\n")
    result = invoke("build", str(project), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "runbook-templates/runbook.md.j2:1:1: error: runbook template failed: " in result.stderr
    assert "'nmae'" in result.stderr and "Traceback" not in result.output


def test_runbooks_without_routing_say_so(write_spec, tmp_path: Path) -> None:
    pages = built(write_spec(MINIMAL_EXPERIMENT), tmp_path / "out")
    assert "No Alerting spec was built with this experiment" in pages["model-high-latency.md"]


def test_the_code_stamp_covers_the_builtin_templates(tmp_path: Path) -> None:
    """`build --check` trusts an untouched tree only while monogen's code and templates are
    the ones that built it: editing a built-in template changes the stamp."""
    package = Path(shutil.copytree(ROOT / "monogen", tmp_path / "monogen"))
    before = package_digest(package)
    page = package / "templates/runbooks/checks/latency.md.j2"
    page.write_text(page.read_text() + "5. Call the SRE.\n")
    assert package_digest(package) != before
    (package / "templates/runbooks/checks/latency.md.j2").unlink()
    assert package_digest(package) not in (before, "")


def test_an_unreadable_template_is_an_error_not_a_traceback(project: Path, tmp_path: Path) -> None:
    overrides = project / "runbook-templates"
    overrides.mkdir()
    (overrides / "runbook.md.j2").write_bytes(b"# \xff\n")
    (overrides / "checks").mkdir()
    (overrides / "checks/latency.md.j2").symlink_to(tmp_path / "nowhere")
    for args in ([], ["--check"]):
        result = invoke("build", str(project), "-o", str(tmp_path / "out"), *args)
        assert result.exit_code == 2, result.output
        assert f"{overrides}/runbook.md.j2: error: not UTF-8 text" in result.stderr
        assert f"{overrides}/checks/latency.md.j2: error: not a regular file" in result.stderr
        assert "Traceback" not in result.output and "internal error" not in result.output
