"""monogen lint: every check has a doc line and a failing and a passing case; suppression,
configuration, reporters and exit codes."""

from __future__ import annotations

import io
import json
import os
import warnings
from pathlib import Path

import jsonschema
import pytest
import yaml

from monogen.lint import report
from monogen.lint.catalog import all_checks
from monogen.lint.config import LintConfig
from monogen.lint.docs import markdown
from monogen.lint.finding import Finding, Severity
from monogen.lint.run import lint_text
from monogen.lint.versions import parse
from tests.conftest import GENERATED, ROOT, invoke

CASES = Path(__file__).parent / "lint" / "cases"
CASE_FILES = sorted(CASES.rglob("*.yaml"))
CHECKS = all_checks()


def load_case(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def test_every_check_has_a_doc_line_and_cases() -> None:
    covered = {load_case(p)["check"] for p in CASE_FILES}
    assert covered == set(CHECKS)
    for check in CHECKS.values():
        assert check.summary.endswith(".") and len(check.summary) > 20, check.id
        assert "/" in check.id and check.id == check.id.lower()
    for path in CASE_FILES:
        case = load_case(path)
        assert path.relative_to(CASES).with_suffix("").as_posix() == case["check"]
        assert case["pass"] and case["fail"], path


def findings_of(
    text: str, name: str, targets: dict[str, str] | None = None, settings: dict | None = None
) -> list[Finding]:
    """The findings on `text`; `targets` as a case's `target-versions` (the releases whose
    behaviour it shows; by default the current ones), `settings` as a lint configuration's
    (`scrape_interval` in seconds, `severities`)."""
    chosen = {"target_versions": {k: parse(v) for k, v in (targets or {}).items()}}
    return lint_text(text, name, LintConfig(settings={**chosen, **(settings or {})}), {})


def case_items(case: dict, key: str) -> list[tuple[str, dict, str | None]]:
    """(text, lint settings, expected severity) of a case's `pass` or `fail` items: an item
    is the file's text, or a mapping {text, settings, severity, message}; a case's `severity`
    is the one its failing items report unless an item says otherwise (an item's `message`,
    the one message its findings report, is read by `test_case` alone)."""
    items = []
    for item in case[key]:
        if isinstance(item, str):
            items.append((item, {}, case.get("severity")))
        else:
            items.append(
                (item["text"], item.get("settings", {}), item.get("severity", case.get("severity")))
            )
    return items


@pytest.mark.parametrize(
    "path", CASE_FILES, ids=lambda p: p.relative_to(CASES).with_suffix("").as_posix()
)
def test_case(path: Path) -> None:
    case = load_case(path)
    targets = case.get("target-versions")
    for text, settings, severity in case_items(case, "fail"):
        found = [
            f
            for f in findings_of(text, case["file"], targets, settings)
            if f.check == case["check"]
        ]
        assert found, text
        if severity is not None:
            assert {str(f.severity) for f in found} == {severity}, text
    for item in case["fail"]:
        if isinstance(item, dict) and "message" in item:
            found = findings_of(item["text"], case["file"], targets, item.get("settings"))
            messages = {f.message for f in found if f.check == case["check"]}
            assert messages == {item["message"]}, item["text"]
    for text, settings, _ in case_items(case, "pass"):
        found = findings_of(text, case["file"], targets, settings)
        assert case["check"] not in [f.check for f in found], text


def test_docs_are_generated_from_the_registry() -> None:
    assert (ROOT / "docs/lint-checks.md").read_text() == markdown(), (
        "docs/lint-checks.md is stale: monogen lint --list --format markdown > docs/lint-checks.md"
    )
    for check in CHECKS:
        assert f"`{check}`" in markdown()


def test_list_prints_every_check() -> None:
    result = invoke("lint", "--list")
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(CHECKS)


BAD_RULES = """\
groups:
  - name: g
    rules:
      # monogen: disable=alerts/severity
      - alert: NoSeverity
        expr: up == 0
        annotations: {summary: s, description: d, runbook_url: u}
      - alert: AlsoNoSeverity
        expr: up == 0
        annotations: {summary: s, description: d, runbook_url: u}
"""


def test_inline_disable_covers_its_rule_only() -> None:
    findings = lint_text(BAD_RULES, "r.yaml", LintConfig(), {})
    severity = [f for f in findings if f.check == "alerts/severity"]
    assert [f.line for f in severity] == [8]


def test_file_level_disable() -> None:
    text = "# monogen: disable-file=alerts/severity\n" + BAD_RULES
    assert "alerts/severity" not in [f.check for f in lint_text(text, "r.yaml", LintConfig(), {})]


def test_project_configuration_disables_and_rejects_unknown_ids(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(BAD_RULES)
    (tmp_path / "pyproject.toml").write_text('[tool.monogen.lint]\ndisable = ["alerts/severity"]\n')
    result = invoke("lint", str(rules), "--fail-on", "warning", "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    (tmp_path / "pyproject.toml").write_text('[tool.monogen.lint]\ndisable = ["alerts/sevrity"]\n')
    result = invoke("lint", str(rules), cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown check id 'alerts/sevrity'" in result.stderr
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / ".monogen.yaml").write_text(
        "lint:\n  disable: [alerts/severity]\n  scrape-interval: 15s\n"
    )
    result = invoke("lint", str(rules), "--fail-on", "warning", cwd=tmp_path)
    assert result.exit_code == 0, result.output


def stating_severities(folder: Path) -> Path:
    """A project whose lint configuration states its severities: a missing severity label
    is then a warning (by default, a house convention: info)."""
    (folder / ".monogen.yaml").write_text("lint:\n  severities: [critical, warning]\n")
    return folder


def test_fail_on_sets_the_exit_code(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(BAD_RULES)
    assert invoke("lint", str(rules), cwd=tmp_path).exit_code == 0  # only info
    assert invoke("lint", str(rules), "--fail-on", "warning", cwd=tmp_path).exit_code == 0
    assert invoke("lint", str(rules), "--fail-on", "info", cwd=tmp_path).exit_code == 1
    stating_severities(tmp_path)
    assert invoke("lint", str(rules), cwd=tmp_path).exit_code == 0  # only warnings
    assert invoke("lint", str(rules), "--fail-on", "warning", cwd=tmp_path).exit_code == 1
    broken = tmp_path / "b.yaml"
    broken.write_text("groups:\n  - name: g\n    rules:\n      - alert: A\n")
    assert invoke("lint", str(broken)).exit_code == 1
    assert invoke("lint", str(tmp_path / "missing.yaml")).exit_code == 2


def test_text_format_shows_the_line_and_a_caret(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(BAD_RULES)
    result = invoke("lint", str(rules), "--format", "text", cwd=stating_severities(tmp_path))
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if "alerts/severity" in line)
    assert lines[at].startswith(f"{rules}:8:16: warning: alert 'AlsoNoSeverity' has no severity")
    assert lines[at + 1] == "          - alert: AlsoNoSeverity"
    assert lines[at + 2] == " " * 19 + "^"


FINDINGS = [
    Finding("a,b.yaml", 3, 5, "alerts/severity", Severity.WARNING, "50% done: really\nnew line"),
    Finding("c.yaml", 1, 1, "rules/expr-missing", Severity.ERROR, "missing"),
    Finding("d.json", 2, 2, "alerts/for-zero", Severity.INFO, "info"),
]


def test_github_annotations_are_escaped() -> None:
    out = io.StringIO()
    report.github(FINDINGS, out, {})
    assert out.getvalue().splitlines() == [
        "::warning file=a%2Cb.yaml,line=3,col=5,title=alerts/severity::50%25 done: really%0Anew line",
        "::error file=c.yaml,line=1,col=1,title=rules/expr-missing::missing",
        "::notice file=d.json,line=2,col=2,title=alerts/for-zero::info",
    ]


def test_github_format_is_picked_under_github_actions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(BAD_RULES)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert invoke("lint", str(rules), cwd=stating_severities(tmp_path)).stdout.startswith(
        "::warning file="
    )


def test_json_format() -> None:
    out = io.StringIO()
    report.as_json(FINDINGS, out, {})
    data = json.loads(out.getvalue())
    assert data[1] == {
        "file": "c.yaml",
        "line": 1,
        "column": 1,
        "check": "rules/expr-missing",
        "severity": "error",
        "message": "missing",
    }


def test_sarif_is_valid_sarif_2_1_0() -> None:
    schema_path = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not schema_path.exists():
        message = f"SARIF schema not found at {schema_path} (shared/ beside the checkout)"
        if os.environ.get("MONOGEN_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    out = io.StringIO()
    report.sarif(FINDINGS, out, CHECKS)
    document = json.loads(out.getvalue())
    jsonschema.validate(document, json.loads(schema_path.read_text()))
    results = document["runs"][0]["results"]
    assert [r["level"] for r in results] == ["warning", "error", "note"]
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[1]["ruleIndex"]]["id"] == "rules/expr-missing"


def test_generated_artifacts_lint_clean_at_warning() -> None:
    result = invoke("lint", str(GENERATED), "--fail-on", "warning")
    assert result.exit_code == 0, result.output
    assert "0 finding(s)" in result.stderr


def test_build_refuses_output_with_an_error_finding(
    write_spec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monogen.model.rules import RuleFile
    from tests.conftest import MINIMAL_EXPERIMENT

    specs = write_spec(MINIMAL_EXPERIMENT)
    # a compiler bug: the rule file model loses every expression
    monkeypatch.setattr(
        RuleFile,
        "to_dict",
        lambda self: {"groups": [{"name": "x", "rules": [{"alert": "X"}]}]},
    )
    out = tmp_path / "out"
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 1
    assert "field `expr` must be set in rule [rules/expr-missing]" in result.stderr
    assert "prometheus/rules/demo-ab.rules.yaml:" in result.stderr
    assert not out.exists()


def test_large_files_lint_the_same_in_two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    from monogen.lint import run

    text = BAD_RULES + "      - alert: Broken\n        expr: sum(up\n"
    serial = lint_text(text, "r.yaml", LintConfig(), {})
    monkeypatch.setattr(run, "PARALLEL_LINES", 1)
    monkeypatch.setattr(run, "CHUNK_RULES", 1)  # every rule a chunk of its own
    parallel = lint_text(text, "r.yaml", LintConfig(), {})
    assert parallel == serial
    assert {"rules/promql-syntax", "alerts/severity"} <= {f.check for f in parallel}


def test_large_files_lint_in_one_process_when_a_second_cannot_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import concurrent.futures

    from monogen.lint import run

    def no_pool(*args: object, **kwargs: object) -> None:
        raise OSError("no shared memory here")

    text = BAD_RULES + "      - alert: Broken\n        expr: sum(up\n"
    serial = lint_text(text, "r.yaml", LintConfig(), {})
    monkeypatch.setattr(run, "PARALLEL_LINES", 1)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    assert lint_text(text, "r.yaml", LintConfig(), {}) == serial


RULE_CASES = [p for p in CASE_FILES if CHECKS[load_case(p)["check"]].kind == "rules"]


@pytest.mark.parametrize(
    "path", RULE_CASES, ids=lambda p: p.relative_to(CASES).with_suffix("").as_posix()
)
def test_rule_scoped_checks_see_one_rule_at_a_time(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A check registered with scope "rule" finds the same when a file's rules are split
    one per chunk between two processes; a check that compares rules would not."""
    from monogen.lint import run

    case = load_case(path)
    items = case_items(case, "fail") + case_items(case, "pass")
    serial = [findings_of(t, case["file"], None, settings) for t, settings, _ in items]
    monkeypatch.setattr(run, "PARALLEL_LINES", 1)
    monkeypatch.setattr(run, "CHUNK_RULES", 1)
    assert [findings_of(t, case["file"], None, settings) for t, settings, _ in items] == serial


def test_a_named_file_of_no_kind_is_an_error_and_kind_names_one(tmp_path: Path) -> None:
    """promtool and amtool reject these files; a typo must not pass CI as 'skipped'."""
    (tmp_path / "typo.yaml").write_text("group:\n  - name: x\n")
    (tmp_path / "am.yaml").write_text("global:\n  resolve_timeout: 5m\n")
    (tmp_path / "empty.yaml").write_text("")
    named = [str(tmp_path / n) for n in ("typo.yaml", "am.yaml", "empty.yaml")]
    result = invoke("lint", *named, "--format", "json")
    assert result.exit_code == 1
    found = {(Path(f["file"]).name, f["check"]) for f in json.loads(result.stdout)}
    assert found == {(n, "file/unknown-kind") for n in ("typo.yaml", "am.yaml", "empty.yaml")}
    assert "--kind" in result.stdout
    forced = invoke("lint", "--kind", "alertmanager", str(tmp_path / "am.yaml"), "--format", "json")
    assert [f["check"] for f in json.loads(forced.stdout)] == ["alertmanager/root-route"]
    forced = invoke("lint", "--kind", "rules", str(tmp_path / "typo.yaml"), "--format", "json")
    assert [f["check"] for f in json.loads(forced.stdout)] == ["rules/unknown-field"]
    # found in a directory, such files are not lint's business: skipped quietly
    assert invoke("lint", str(tmp_path)).exit_code == 2  # nothing linted at all


def test_fifos_and_devices_are_refused_not_read(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "monogen", "lint", "/dev/zero", str(fifo)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("not a regular file") == 2


def lint_one_expr(tmp_path: Path, expr: str):
    """`monogen lint --format json` on a rule file of one record, in its own process: a
    crash there is an exit code, not a lost test run."""
    import subprocess
    import sys

    path = tmp_path / "one.yaml"
    path.write_text(f"groups:\n- name: g\n  rules:\n  - record: x:y:z\n    expr: {expr}\n")
    return subprocess.run(
        [sys.executable, "-m", "monogen", "lint", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


@pytest.mark.parametrize("levels", [200, 1_000, 100_000])
def test_deeply_nested_promql_gives_a_result_not_a_crash(tmp_path: Path, levels: int) -> None:
    """promtool accepts 100,000 parentheses; the lint answers quickly, never with a
    RecursionError (exit 70) or a segfault (exit -11)."""
    result = lint_one_expr(tmp_path, "(" * levels + "up" + ")" * levels)
    assert result.returncode == 0, result.stderr[-2000:]
    found = json.loads(result.stdout)
    if levels <= 256:
        assert found == []
    else:
        (finding,) = found
        assert (
            finding["severity"] == "warning" and f"nests {levels} levels deep" in finding["message"]
        )


NO_RUNBOOK = """\
groups:
  - name: g
    rules:
      - alert: CephOsdFlapping
        expr: rate(ceph_osd_up[5m]) + rate(ceph_osd_up[5m]) > 0
        labels: {severity: warning}
        annotations: {summary: s, description: d}
"""


def test_a_team_sets_a_checks_severity_by_configuration(tmp_path: Path) -> None:
    rules = tmp_path / "r.yaml"
    rules.write_text(NO_RUNBOOK)
    result = invoke("lint", str(rules), "--format", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.output  # runbook-url is info by default
    found = {f["check"]: f["severity"] for f in json.loads(result.stdout)}
    assert found["alerts/runbook-url"] == "info"
    (tmp_path / ".monogen.yaml").write_text("lint:\n  severity: {alerts/runbook-url: error}\n")
    result = invoke("lint", str(rules), "--format", "json", cwd=tmp_path)
    assert result.exit_code == 1, result.output
    found = {f["check"]: f["severity"] for f in json.loads(result.stdout)}
    assert found["alerts/runbook-url"] == "error"
    for bad in ("{alerts/runbok-url: error}", "{alerts/runbook-url: fatal}", "[x]"):
        (tmp_path / ".monogen.yaml").write_text(f"lint:\n  severity: {bad}\n")
        result = invoke("lint", str(rules), cwd=tmp_path)
        assert result.exit_code == 2 and "severity" in result.stderr, bad


def test_the_same_finding_is_reported_once() -> None:
    """A metric twice in one expression is one finding, not two identical lines."""
    findings = lint_text(NO_RUNBOOK, "r.yaml", LintConfig(), {})
    assert [f.check for f in findings].count("promql/rate-counter") == 1


def test_a_missing_dashboard_uid_is_info_and_a_shared_one_an_error() -> None:
    board = {"title": "t", "schemaVersion": 39, "panels": []}
    shared: dict = {}
    found = lint_text(json.dumps(board), "a.json", LintConfig(), shared)
    assert [f.severity for f in found if f.check == "dashboard/uid"] == [Severity.INFO]
    for name in ("a.json", "b.json"):
        found = lint_text(json.dumps({**board, "uid": "x"}), name, LintConfig(), shared)
    assert [f.severity for f in found if f.check == "dashboard/uid"] == [Severity.ERROR]


METADATA = {
    "status": "success",
    "data": {
        "pg_stat_database_xact_commit": [{"type": "counter", "help": "", "unit": ""}],
        "queue_length": [{"type": "gauge", "help": "", "unit": ""}],
        "temperature_celsius_total": [{"type": "gauge", "help": "", "unit": ""}],
        "request_seconds": [{"type": "histogram", "help": "", "unit": ""}],
        "node_up": [{"type": "counter", "help": "", "unit": ""}],
    },
}
RATES = "groups:\n- name: g\n  rules:\n" + "".join(
    f"  - record: a:r{i}:rate5m\n    expr: rate({name}[5m])\n"
    for i, name in enumerate(
        ["queue_length", "pg_stat_database_xact_commit", "temperature_celsius_total",
         "request_seconds_bucket", "node_up", "other_ratio"]
    )
)  # fmt: skip


def rate_counter_names(result) -> list[str]:
    return sorted(
        f["message"].split("'")[1]
        for f in json.loads(result.stdout)
        if f["check"] == "promql/rate-counter"
    )


def test_metric_metadata_gives_types_for_sure(tmp_path: Path) -> None:
    rules = tmp_path / "rates.yaml"
    rules.write_text(RATES)
    meta = tmp_path / "metadata.json"
    meta.write_text(json.dumps(METADATA))
    # by name alone: `_up` and `_ratio` say they are no counters; gauges without a hint pass
    by_name = invoke("lint", str(rules), "--format", "json")
    assert rate_counter_names(by_name) == ["node_up", "other_ratio"]
    # with metadata: the types decide where known, the names elsewhere
    typed = invoke("lint", str(rules), "--format", "json", "--metadata", str(meta))
    assert rate_counter_names(typed) == ["other_ratio", "queue_length", "temperature_celsius_total"]
    # the same from the lint configuration, relative to it
    (tmp_path / ".monogen.yaml").write_text("lint:\n  metadata: metadata.json\n")
    configured = invoke("lint", str(rules), "--format", "json", cwd=tmp_path)
    assert rate_counter_names(configured) == rate_counter_names(typed)
    meta.write_text("{")
    broken = invoke("lint", str(rules), "--metadata", str(meta))
    assert broken.exit_code == 2 and "is not JSON" in broken.stderr


@pytest.mark.parametrize(
    "expr",
    [
        " + ".join(["up"] * 5000),  # a flat chain is as deep for the parser
        "-" * 20000 + "up > 1",
        " or ".join(f'up{{job="x{i}"}}' for i in range(6000)),
    ],
    ids=["plus-chain", "unary-chain", "or-chain"],
)
def test_long_operator_chains_give_a_result_not_a_segfault(tmp_path: Path, expr: str) -> None:
    result = lint_one_expr(tmp_path, expr)
    assert result.returncode == 0, result.stderr[-2000:]
    (finding,) = json.loads(result.stdout)
    assert finding["severity"] == "warning" and "operators" in finding["message"]


@pytest.mark.parametrize(
    "content", ['{"data": {"foo": 5}}', '{"status": "error", "error": "x"}', "[]"]
)
def test_a_metadata_file_of_the_wrong_shape_is_bad_input(tmp_path: Path, content: str) -> None:
    rules = tmp_path / "rates.yaml"
    rules.write_text(RATES)
    meta = tmp_path / "metadata.json"
    meta.write_text(content)
    result = invoke("lint", str(rules), "--metadata", str(meta))
    assert result.exit_code == 2 and "metadata file" in result.stderr
    device = invoke("lint", str(rules), "--metadata", "/dev/null")
    assert device.exit_code == 2 and "not a regular file" in device.stderr
