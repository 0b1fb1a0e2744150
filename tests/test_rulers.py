"""Ruler targets: the project's configuration chooses them (positioned errors when it is
wrong), each writes the experiment's groups with its own fields, and `monogen lint`
reads each file in its dialect."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.lint import versions
from monogen.lint.config import LintConfig
from monogen.lint.run import lint_text
from tests.conftest import MINIMAL_EXPERIMENT, invoke

ENGINES = ("thanos", "mimir", "victoriametrics")


def build(tmp_path: Path, config: str | None, name: str = ".monogen.yaml") -> Path:
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT)
    if config is not None:
        (specs / name).write_text(config)
    out = tmp_path / "generated"
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    return out


def read(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def plain_groups(out: Path) -> list[dict]:
    return read(out / "prometheus/rules/demo-ab.rules.yaml")["groups"]


def test_without_configuration_only_prometheus_is_written(tmp_path: Path) -> None:
    out = build(tmp_path, None)
    assert not (out / "rulers").exists()
    assert (out / "prometheus/rules/demo-ab.rules.yaml").is_file()


def test_a_list_turns_every_ruler_on_with_its_defaults(tmp_path: Path) -> None:
    out = build(tmp_path, "rulers: [thanos, mimir, victoriametrics]\n")
    written = sorted(p.relative_to(out).as_posix() for p in (out / "rulers").rglob("*"))
    assert written == [
        "rulers/mimir",
        "rulers/mimir/demo-ab.rules.yaml",
        "rulers/thanos",
        "rulers/thanos/demo-ab.rules.yaml",
        "rulers/victoriametrics",
        "rulers/victoriametrics/demo-ab.rules.yaml",
    ]
    plain = plain_groups(out)
    assert len(plain) >= 2  # recording and alerting groups
    thanos = read(out / "rulers/thanos/demo-ab.rules.yaml")
    assert [g.pop("partial_response_strategy") for g in thanos["groups"]] == ["abort"] * len(plain)
    assert thanos == {"groups": plain}
    mimir = read(out / "rulers/mimir/demo-ab.rules.yaml")
    assert mimir == {"namespace": "demo-ab", "groups": plain}  # no options: plain groups
    assert read(out / "rulers/victoriametrics/demo-ab.rules.yaml") == {"groups": plain}


def test_each_engine_writes_its_options(tmp_path: Path) -> None:
    out = build(
        tmp_path,
        "rulers:\n"
        "  thanos: {partialResponseStrategy: warn}\n"
        "  mimir: {sourceTenants: [team-a, team-b], queryOffset: 2m}\n"
        "  victoriametrics:\n"
        "    concurrency: 3\n"
        "    labels: {ruler: vm, cluster: eu-1}\n"
        "    params: {nocache: ['1']}\n",
    )
    plain = plain_groups(out)
    thanos = read(out / "rulers/thanos/demo-ab.rules.yaml")["groups"]
    assert {g["partial_response_strategy"] for g in thanos} == {"warn"}
    mimir = read(out / "rulers/mimir/demo-ab.rules.yaml")
    for group, original in zip(mimir["groups"], plain, strict=True):
        assert group.pop("source_tenants") == ["team-a", "team-b"]
        assert group.pop("query_offset") == "2m"
        assert group == original
    vm = read(out / "rulers/victoriametrics/demo-ab.rules.yaml")["groups"]
    for group, original in zip(vm, plain, strict=True):
        assert group.pop("concurrency") == 3
        assert group.pop("labels") == {"cluster": "eu-1", "ruler": "vm"}
        assert group.pop("params") == {"nocache": ["1"]}
        assert group == original
    # the build linted them in their dialects; `monogen lint` agrees
    result = invoke("lint", str(out), "--fail-on", "warning")
    assert result.exit_code == 0, result.output


def test_pyproject_table_and_a_folder_above_the_specs(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.monogen.rulers.thanos]\npartialResponseStrategy = "warn"\n'
    )
    out = build(tmp_path, None)
    assert sorted(p.name for p in (out / "rulers").iterdir()) == ["thanos"]
    groups = read(out / "rulers/thanos/demo-ab.rules.yaml")["groups"]
    assert {g["partial_response_strategy"] for g in groups} == {"warn"}


def test_a_pyproject_that_does_not_parse_is_bad_input_not_no_table(tmp_path: Path) -> None:
    """A mistake in another tool's table must not read as "no monogen table": that would
    drop the rulers configured below it, and the next commit would delete their output."""
    (tmp_path / "pyproject.toml").write_text(
        '[tool.black]\nline-length = 100\n[tool.ruff\n\n[tool.monogen]\nrulers = ["thanos"]\n'
    )
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT)
    for command in (("build",), ("build", "--check"), ("validate",)):
        result = invoke(
            *command, str(specs), *(["-o", str(tmp_path / "out")] if command[0] == "build" else [])
        )
        assert result.exit_code == 2, (command, result.output)
        assert "pyproject.toml:3:11: error: invalid TOML: Expected ']'" in result.stderr
        assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_ruler_labels_may_not_overwrite_labels_experiments_use(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(
        MINIMAL_EXPERIMENT.replace("{namespace: seldon}", "{app: seldon}")
    )
    (specs / ".monogen.yaml").write_text(
        "rulers:\n  victoriametrics:\n    labels: {region: eu, model_name: x, app: y}\n"
    )
    result = invoke("build", str(specs), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert [e.split(".monogen.yaml:")[1] for e in errors] == [
        "3:26: error: ruler label 'model_name' would overwrite the label experiment demo-ab "
        "tells variants by (at rulers.victoriametrics.labels.model_name)",
        "3:41: error: ruler label 'app' would overwrite the label experiment demo-ab "
        "selects on (at rulers.victoriametrics.labels.app)",
    ]
    assert not (tmp_path / "out").exists()


CONFIG_ERRORS = [
    # (configuration, line, the text the error points at, message, hint)
    (
        "rulers:\n  thanos: {partialResponseStrategy: ignore}\n",
        2,
        "ignore",
        "'abort' or 'warn'",
        "",
    ),
    ("rulers: [thanos, mimr]\n", 1, "mimr", "unknown ruler 'mimr'", "did you mean 'mimir'?"),
    ("ruler: [thanos]\n", 1, "ruler", "unknown key 'ruler'", "did you mean 'rulers'?"),
    (
        "rulers:\n  mimir:\n    queryOffset: 5 minutes\n",
        3,
        "5 minutes",
        "rulers.mimir.queryOffset",
        "a duration such as 30s",
    ),
    ("rulers:\n  victoriametrics: {concurrency: 0}\n", 2, "0}", "greater than or equal to 1", ""),
    ("rulers:\n  victoriametrics: {labels: {team: other}}\n", 2, "other", "'team'", ""),
    ("rulers:\n  mimir: {sourceTenants: ['..']}\n", 2, "'..'", "'.' or '..'", ""),
]


@pytest.mark.parametrize(("config", "line", "token", "message", "hint"), CONFIG_ERRORS)
def test_bad_configuration_is_a_positioned_error(
    tmp_path: Path, config: str, line: int, token: str, message: str, hint: str
) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT)
    (specs / ".monogen.yaml").write_text(config)
    out = tmp_path / "generated"
    result = invoke("build", str(specs), "-o", str(out), cwd=tmp_path)
    assert result.exit_code == 2, result.output
    column = config.splitlines()[line - 1].index(token) + 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"specs/.monogen.yaml:{line}:{column}: error: "), result.stderr
    assert message in first
    assert hint in result.stderr
    assert not out.exists()
    assert invoke("validate", str(specs), cwd=tmp_path).exit_code == 2


def test_configuration_and_spec_errors_are_reported_together(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT.replace("traffic: 30", "traffic: 20"))
    (specs / ".monogen.yaml").write_text("rulers: [thanoss]\n")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    assert "unknown ruler 'thanoss'" in result.stderr
    assert "demo.yaml" in result.stderr
    assert "2 errors." in result.stderr


def test_check_sees_a_changed_configuration(tmp_path: Path) -> None:
    out = build(tmp_path, "rulers: [thanos]\n")
    specs = tmp_path / "specs"
    assert invoke("build", str(specs), "-o", str(out), "--check").exit_code == 0
    (specs / ".monogen.yaml").write_text("rulers: [thanos, mimir]\n")
    result = invoke("build", str(specs), "-o", str(out), "--check")
    assert result.exit_code == 1
    assert "rulers/mimir/demo-ab.rules.yaml" in result.output


# -- lint dialects ---------------------------------------------------------------------

THANOS_GROUP = """\
groups:
  - name: g
    partial_response_strategy: warn
    rules:
      - {record: "job:up:sum", expr: sum by (job) (up)}
"""
MIMIR_FILE = """\
namespace: demo
groups:
  - name: g
    source_tenants: [a, b]
    query_offset: 1m
    rules:
      - {record: "job:up:sum", expr: sum by (job) (up)}
"""
VM_KEEP_FIRING = """\
groups:
  - name: g
    concurrency: 2
    rules:
      - {alert: Down, expr: up == 0, keep_firing_for: 5m}
"""


# The oldest releases of the matrix, which generated output must also load on.
OLDEST = LintConfig(settings={"target_versions": dict(versions.OLDEST)})


def errors(text: str, name: str, config: LintConfig | None = None) -> list[tuple[int, str]]:
    found = lint_text(text, name, config or LintConfig(), {})
    return [(f.line, f.check) for f in found if f.severity.name == "ERROR"]


def test_a_thanos_field_is_an_error_in_a_prometheus_file_only() -> None:
    assert errors(THANOS_GROUP, "rules/demo.yaml") == [(3, "rules/unknown-field")]
    assert errors(THANOS_GROUP, "generated/rulers/thanos/demo.yaml") == []
    # another engine's directory does not read it either
    assert errors(THANOS_GROUP, "generated/rulers/mimir/demo.yaml") == [
        (1, "rules/unknown-field"),  # no namespace
        (3, "rules/unknown-field"),
    ]


def test_mimir_namespace_files() -> None:
    assert errors(MIMIR_FILE, "rulers/mimir/demo.yaml") == []
    # Prometheus reads a group's query_offset since 2.53
    assert errors(MIMIR_FILE, "rules/demo.yaml", OLDEST) == [
        (1, "rules/unknown-field"),
        (4, "rules/unknown-field"),
        (5, "rules/unknown-field"),
    ]
    assert errors(MIMIR_FILE, "rules/demo.yaml") == [
        (1, "rules/unknown-field"),
        (4, "rules/unknown-field"),
    ]
    bad = MIMIR_FILE.replace("query_offset: 1m", "query_offset: soon").replace("[a, b]", "tenant-a")
    assert errors(bad, "rulers/mimir/demo.yaml") == [
        (4, "rules/ruler-field"),
        (5, "rules/ruler-field"),
    ]


def test_vmalert_1_79_knows_no_keep_firing_for() -> None:
    assert errors(VM_KEEP_FIRING, "rulers/victoriametrics/demo.yaml", OLDEST) == [
        (5, "rules/unknown-field")
    ]
    assert errors(VM_KEEP_FIRING, "rulers/victoriametrics/demo.yaml") == []  # 1.145 reads it
    assert errors(VM_KEEP_FIRING, "rulers/thanos/demo.yaml") == [(3, "rules/unknown-field")]


def test_the_lint_configuration_names_dialects(tmp_path: Path) -> None:
    (tmp_path / "thanos").mkdir()
    (tmp_path / "thanos" / "demo.yaml").write_text(THANOS_GROUP)
    assert invoke("lint", "thanos/demo.yaml", cwd=tmp_path).exit_code == 1
    (tmp_path / ".monogen.yaml").write_text("lint:\n  dialects: {'thanos/*.yaml': thanos}\n")
    result = invoke("lint", "thanos/demo.yaml", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    (tmp_path / ".monogen.yaml").write_text("lint:\n  dialects: {'thanos/*.yaml': thanoss}\n")
    result = invoke("lint", "thanos/demo.yaml", cwd=tmp_path)
    assert result.exit_code == 2
    assert "unknown dialect 'thanoss'" in result.stderr


def test_every_ruler_has_a_dialect() -> None:
    from monogen.lint.dialects import DIALECTS
    from monogen.spec.project import ENGINES as CONFIGURED

    assert set(CONFIGURED) == set(ENGINES) == set(DIALECTS) - {"prometheus"}


def test_build_refuses_a_ruler_file_its_engine_would_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monogen.targets.victoriametrics_ruler import VictoriaMetricsRuler

    def with_keep_firing_for(self, exp, rules) -> dict:  # a compiler bug
        data = rules.to_dict()
        data["groups"][-1]["rules"][0]["keep_firing_for"] = "5m"
        return data

    monkeypatch.setattr(VictoriaMetricsRuler, "rule_file", with_keep_firing_for)
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT)
    (specs / ".monogen.yaml").write_text("rulers: [victoriametrics]\n")
    out = tmp_path / "out"
    result = invoke("build", str(specs), "-o", str(out))
    assert result.exit_code == 1
    assert "rulers/victoriametrics/demo-ab.rules.yaml:" in result.stderr
    assert "unknown field 'keep_firing_for' in rule: vmalert reads no such field" in result.stderr
    assert not out.exists()
