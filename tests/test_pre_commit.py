"""The pre-commit hooks (.pre-commit-hooks.yaml), run by the real pre-commit with `try-repo`:
pre-commit installs monogen from a git copy of this checkout into an environment of its own,
and the hooks pass in an infra repository holding the examples and fail in one whose spec
was edited without rebuilding."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import GENERATED, SPECS, copy_source

GIT_ENV = {
    "GIT_AUTHOR_NAME": "monogen tests",
    "GIT_AUTHOR_EMAIL": "tests@monogen.invalid",
    "GIT_COMMITTER_NAME": "monogen tests",
    "GIT_COMMITTER_EMAIL": "tests@monogen.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PRE_COMMIT_COLOR": "never",
}


def git_repo(path: Path, env: dict[str, str]) -> str:
    """Make `path` a git repository with everything in it committed; return the commit."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)
    head = ["git", "rev-parse", "HEAD"]
    return subprocess.run(
        head, cwd=path, env=env, check=True, capture_output=True, text=True
    ).stdout


def infra_repo(path: Path, env: dict[str, str], edit: str = "") -> Path:
    """An infra repository with a copy of the examples and their generated tree, committed;
    with `edit`, fraud-detector-ab's accuracy warning is moved without rebuilding."""
    shutil.copytree(SPECS, path / "specs")
    shutil.copytree(GENERATED, path / "generated")
    if edit:
        spec = path / "specs/financial-mlops/fraud-detector-ab.yaml"
        spec.write_text(spec.read_text().replace("below: 75, for: 5m", edit))
    git_repo(path, env)
    return path


def test_pre_commit_try_repo_passes_on_the_examples_and_fails_on_a_stale_tree(
    tmp_path: Path,
) -> None:
    env = {**os.environ, **GIT_ENV}
    source = copy_source(tmp_path / "monogen")
    ref = git_repo(source, env).strip()
    clean = infra_repo(tmp_path / "clean", env)
    stale = infra_repo(tmp_path / "stale", env, edit="below: 70, for: 5m")
    pre_commit = Path(sys.executable).parent / "pre-commit"
    # try-repo installs the hooks afresh on every run: the two run side by side
    runs = {
        repo: subprocess.Popen(
            [pre_commit, "try-repo", source, "--ref", ref, "--all-files", "--verbose"],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for repo in (clean, stale)
    }
    out = {repo: run.communicate(timeout=300)[0] for repo, run in runs.items()}
    codes = {repo: run.returncode for repo, run in runs.items()}

    assert codes[clean] == 0, out[clean]
    assert "[INFO] Installing environment for " in out[clean]
    lines = out[clean].splitlines()
    assert any(ln.startswith("monogen build --check....") and ln.endswith("Passed") for ln in lines)
    assert any(ln.startswith("monogen lint....") and ln.endswith("Passed") for ln in lines)
    assert "generated: up to date" in out[clean]
    assert "file(s) linted, 0 finding(s)" in out[clean]

    assert codes[stale] == 1, out[stale]
    lines = out[stale].splitlines()
    assert any(ln.startswith("monogen build --check....") and ln.endswith("Failed") for ln in lines)
    assert any(ln.startswith("monogen lint....") and ln.endswith("Passed") for ln in lines)
    assert "+++ b/prometheus/rules/fraud-detector-ab.rules.yaml" in out[stale]
    assert "< 70\n" in out[stale]
    assert "file(s) out of date; run `monogen build` and commit." in out[stale]
