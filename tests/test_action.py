"""The GitHub Action (action.yml): its structure, that its steps run the pre-commit hooks'
commands, and its shell steps run for real (outside GitHub) on a copy of the examples."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, invoke

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
HOOKS = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}
INPUT = re.compile(r"\$\{\{ inputs\.([\w-]+) \}\}")


def defaults(text: str) -> str:
    """`${{ inputs.x }}` replaced by the input's default, as GitHub would without `with:`."""
    return INPUT.sub(lambda m: str(ACTION["inputs"][m.group(1)]["default"]), text)


def step_env(step: dict) -> dict[str, str]:
    return {key: defaults(value) for key, value in step.get("env", {}).items()}


def monogen_argv(step: dict) -> list[str]:
    """The `monogen ...` command of a step's script, its variables expanded."""
    env = step_env(step)
    (line,) = [
        ln.strip()
        for ln in step["run"].splitlines()
        # the check step also describes a stale tree with `monogen diff`, for the summary
        if ln.strip().startswith("monogen ") and not ln.strip().startswith("monogen diff ")
    ]
    line = line.split(">", 1)[0]  # redirections are the step's business
    expanded = re.sub(r'"?\$(\w+)"?', lambda m: env.get(m.group(1), m.group(0)), line)
    return shlex.split(expanded)


def hook_argv(hook_id: str) -> list[str]:
    hook = HOOKS[hook_id]
    return [*shlex.split(hook["entry"]), *hook.get("args", [])]


def test_the_action_is_composite_with_inputs_for_paths_and_python() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"specs", "output", "python-version"}
    assert all(i["description"] and "default" in i for i in ACTION["inputs"].values())
    assert list(STEPS) == [
        "Set up Python",
        "Install monogen",
        "monogen build --check",
        "monogen lint",
    ]
    setup = STEPS["Set up Python"]
    assert setup["uses"].startswith("actions/setup-python@v")
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    install = STEPS["Install monogen"]["run"]
    assert install.startswith("python -m pip install") and '"$GITHUB_ACTION_PATH"' in install
    for step in ACTION["runs"]["steps"][1:]:
        assert step["shell"] == "bash"  # composite run steps must name their shell
        assert "${{" not in step["run"]  # inputs reach scripts through env, never spliced in
    assert STEPS["monogen lint"]["if"] == "${{ !cancelled() }}"  # lint even when stale


def test_the_action_runs_the_pre_commit_hooks_commands() -> None:
    assert set(HOOKS) == {"monogen-build-check", "monogen-lint"}
    assert monogen_argv(STEPS["monogen build --check"]) == hook_argv("monogen-build-check")
    lint = monogen_argv(STEPS["monogen lint"])
    assert lint[:4] == ["monogen", "lint", "--format", "github"]
    assert [*lint[:2], *lint[4:]] == hook_argv("monogen-lint")
    for hook in HOOKS.values():
        assert hook["language"] == "python" and hook["pass_filenames"] is False


def run_step(name: str, repo: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, str]:
    """Run one of the action's shell steps with bash, as a runner would."""
    summary = tmp_path / "summary.md"
    summary.unlink(missing_ok=True)
    env = {
        **os.environ,
        **step_env(STEPS[name]),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTIONS": "true",
    }
    result = subprocess.run(
        ["bash", "-e", "-c", STEPS[name]["run"]],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, summary.read_text() if summary.exists() else ""


@pytest.fixture(scope="module")
def starter(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An infra repository from `monogen init`, built (smaller than the examples: faster)."""
    repo = tmp_path_factory.mktemp("starter")
    assert invoke("init", str(repo)).exit_code == 0
    assert invoke("build", "specs/", cwd=repo).exit_code == 0
    return repo


@pytest.fixture
def infra_repo(starter: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(starter, tmp_path / "infra"))


def test_the_check_step_summarises_an_up_to_date_tree(infra_repo: Path, tmp_path: Path) -> None:
    result, summary = run_step("monogen build --check", infra_repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert summary.startswith("### monogen build --check\n\nUp to date: `generated/` is what")
    assert "\n````text\ngenerated: up to date" in summary and "````diff" not in summary


def test_the_check_step_fails_and_summarises_a_stale_tree(infra_repo: Path, tmp_path: Path) -> None:
    spec = infra_repo / "specs/my-model-ab.yaml"
    spec.write_text(
        spec.read_text().replace("warning: {below: 75, for: 5m}", "warning: {below: 70, for: 5m}")
    )
    result, summary = run_step("monogen build --check", infra_repo, tmp_path)
    assert result.returncode == 1
    assert "+++ b/prometheus/rules/my-model-ab.rules.yaml" in result.stdout  # the log
    assert "Out of date: run `monogen build` and commit `generated/`." in summary
    assert "file(s) out of date" in summary
    assert "\n+++ b/prometheus/rules/my-model-ab.rules.yaml\n" in summary
    assert re.search(r"^\+ .*< 70$", summary, re.M)
    # the meaning first: the semantic diff, as markdown
    assert "### monogen: " in summary
    assert "`my-model-ab ModelAccuracyDegraded warning` (below 75 → 70)" in summary
    assert summary.index("### monogen: ") < summary.index("````diff")
    assert max(len(line) for line in summary.splitlines()) <= 400


def test_the_check_step_reports_bad_specs(infra_repo: Path, tmp_path: Path) -> None:
    (infra_repo / "specs/broken.yaml").write_text("apiVersion: monogen/v1\nkind: Nope\n")
    result, summary = run_step("monogen build --check", infra_repo, tmp_path)
    assert result.returncode == 2
    assert "The specs could not be built (exit 2)." in summary
    assert "specs/broken.yaml:2:" in summary


def test_the_lint_step_annotates_findings(infra_repo: Path, tmp_path: Path) -> None:
    result, _ = run_step("monogen lint", infra_repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    rules = infra_repo / "generated/prometheus/rules/my-model-ab.rules.yaml"
    rules.write_text(rules.read_text().replace("expr: ", "expr: sum(", 1))
    result, _ = run_step("monogen lint", infra_repo, tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("::error file=generated/prometheus/rules/my-model-ab")
