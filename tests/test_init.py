"""`monogen init`: a commented starter that builds, lints and proves clean, and that never
overwrites a file."""

from __future__ import annotations

import re
from pathlib import Path

from monogen.starter import starter_files
from tests.conftest import invoke, tool
from tests.test_cli import snapshot

STARTER = ["specs/my-model-ab.yaml", "specs/routing/my-team.yaml"]


def test_the_starter_is_one_experiment_and_one_teams_routing() -> None:
    files = starter_files()
    assert list(files) == STARTER
    experiment, routing = files.values()
    assert "\nkind: Experiment\n" in experiment and "\nkind: Alerting\n" in routing
    assert "team: my-team" in experiment and "team: my-team" in routing
    for text in files.values():  # commented: a header and notes beside the fields
        assert text.startswith("# ")
        assert len(re.findall(r"\S +# ", text)) >= 3


def test_init_writes_a_starter_that_builds_lints_and_proves_clean(tmp_path: Path) -> None:
    result = invoke("init", str(tmp_path / "infra"))
    assert result.exit_code == 0, result.output
    root = tmp_path / "infra"
    assert sorted(snapshot(root)) == STARTER
    assert "next: cd " in result.stderr and "monogen build specs/" in result.stderr

    built = invoke("build", "specs/", cwd=root)
    assert built.exit_code == 0, built.output
    assert (root / "generated/prometheus/rules/my-model-ab.rules.yaml").is_file()
    assert (root / "generated/kubernetes/alertmanagerconfigs/my-team.yaml").is_file()
    assert invoke("build", "specs/", "--check", cwd=root).exit_code == 0
    linted = invoke("lint", "generated/", "--fail-on", "info", "--format", "text", cwd=root)
    assert linted.exit_code == 0, linted.output
    assert ", 0 finding(s)" in linted.stderr
    routed = invoke("routes", "specs/", cwd=root)
    assert routed.exit_code == 0 and "my-team-pager" in routed.stdout

    tool("promtool")
    proved = invoke("test", "specs/", cwd=root)
    assert proved.exit_code == 0, proved.output
    assert "my-model-ab    8/8   alerts proven (100%)  ok" in proved.stdout


def test_init_into_the_current_directory(tmp_path: Path) -> None:
    result = invoke("init", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(snapshot(tmp_path)) == STARTER
    assert "next: monogen build specs/" in result.stderr


def test_init_never_overwrites_and_writes_nothing_if_a_file_exists(tmp_path: Path) -> None:
    invoke("init", str(tmp_path))
    (tmp_path / "specs/my-model-ab.yaml").write_text("# mine\n")
    (tmp_path / "specs/routing/my-team.yaml").unlink()
    before = snapshot(tmp_path)
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"{tmp_path}/specs/my-model-ab.yaml: error: already exists; monogen init never "
        "overwrites a file\n  hint: move it away, or init another directory\n"
        "1 error; nothing written.\n"
    )
    assert snapshot(tmp_path) == before  # the missing routing file was not written either


def test_init_takes_back_what_it_wrote_when_a_write_fails(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs/routing").write_text("a file where a directory should be\n")
    before = snapshot(tmp_path)
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 2
    assert f"{tmp_path}/specs/routing/my-team.yaml: error: cannot write: " in result.stderr
    assert "Traceback" not in result.output and "nothing written" in result.stderr
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["routing", "specs"]


def test_init_into_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x\n")
    result = invoke("init", str(tmp_path / "f"))
    assert result.exit_code == 2
    assert "is a file" in result.stderr
