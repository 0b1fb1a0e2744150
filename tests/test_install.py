"""Installing monogen anywhere, for real: the wheel holds every module and data file; pipx
installs it into a venv of its own where `monogen -V`, `monogen init` and a build of the
examples work away from this checkout; and the real pre-commit, with `try-repo`, installs
monogen from a git copy of this checkout and runs the hooks of .pre-commit-hooks.yaml: they
pass in an infra repository holding the examples and fail in one whose spec was edited
without rebuilding.

Each install builds a venv and resolves monogen's dependencies (try-repo installs afresh on
every run), so the installs run side by side, started once for the module."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from monogen import __version__
from tests.conftest import GENERATED, ROOT, SPECS, copy_source
from tests.test_cli import snapshot

BIN = Path(sys.executable).parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "monogen tests",
    "GIT_AUTHOR_EMAIL": "tests@monogen.invalid",
    "GIT_COMMITTER_NAME": "monogen tests",
    "GIT_COMMITTER_EMAIL": "tests@monogen.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "PRE_COMMIT_COLOR": "never",
}
TIMEOUT = 300


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
        **kwargs,
    )


class Started:
    """A command running in the background, its output (both streams) in a file."""

    def __init__(self, log: Path, *args: str | Path, cwd: Path, env: dict[str, str]) -> None:
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(
                [str(a) for a in args], cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def result(self) -> tuple[int, str]:
        code = self.process.wait(timeout=TIMEOUT)
        return code, self.log.read_text()


def git_repo(path: Path, env: dict[str, str]) -> str:
    """Make `path` a git repository with everything in it committed; return the commit."""
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "snapshot"]):
        subprocess.run(["git", *args], cwd=path, env=env, check=True, capture_output=True)
    return run("git", "rev-parse", "HEAD", cwd=path, env=env).stdout.strip()


def infra_repo(path: Path, env: dict[str, str], edit: str = "") -> Path:
    """An infra repository with a copy of the examples and their generated tree, committed;
    with `edit`, fraud-detector-ab's accuracy warning is moved without rebuilding."""
    shutil.copytree(SPECS, path / "specs")
    shutil.copytree(GENERATED, path / "generated")
    if edit:
        spec = path / "specs/financial-mlops/fraud-detector-ab.yaml"
        spec.write_text(spec.read_text().replace("below: 75", edit, 1))
    git_repo(path, env)
    return path


@dataclass
class Installs:
    wheel: Path
    pipx_home: Path
    pipx_bin: Path
    env: dict[str, str]
    pipx: tuple[int, str]
    clean: tuple[int, str]  # pre-commit try-repo in the examples' repository
    stale: tuple[int, str]  # ... and in one whose spec was edited without rebuilding


@pytest.fixture(scope="module")
def installs(tmp_path_factory: pytest.TempPathFactory) -> Installs:
    tmp = tmp_path_factory.mktemp("install")
    env = {**os.environ, **GIT_ENV}
    env.pop("PYTHONPATH", None)
    env.update(PIPX_HOME=str(tmp / "pipx"), PIPX_BIN_DIR=str(tmp / "bin"))
    env["PIPX_MAN_DIR"] = str(tmp / "man")
    source = copy_source(tmp / "monogen")  # uncommitted edits included
    ref = git_repo(source, env)
    try_repo = (BIN / "pre-commit", "try-repo", source, "--ref", ref, "--all-files", "--verbose")
    clean = Started(tmp / "clean.log", *try_repo, cwd=infra_repo(tmp / "clean", env), env=env)
    stale_repo = infra_repo(tmp / "stale", env, edit="below: 70")
    stale = Started(tmp / "stale.log", *try_repo, cwd=stale_repo, env=env)
    # the wheel is built from a copy, so no build/ lands in the checkout
    wheels = tmp / "dist"
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, source)
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("monogen-*.whl")
    pipx = Started(tmp / "pipx.log", BIN / "pipx", "install", wheel, cwd=tmp, env=env)
    return Installs(
        wheel, tmp / "pipx", tmp / "bin", env, pipx.result(), clean.result(), stale.result()
    )


def test_the_wheel_holds_every_module_and_data_file(installs: Installs) -> None:
    package = ROOT / "monogen"
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert any(name.startswith("monogen/templates/runbooks/") for name in expected)
    assert any(name.startswith("monogen/templates/starter/") for name in expected)
    with zipfile.ZipFile(installs.wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(f"monogen-{__version__}.dist-info/entry_points.txt").decode()
    assert {n for n in names if n.startswith("monogen/")} == expected
    assert "monogen = monogen.entry:main" in entry_points


def test_pipx_installs_the_wheel_and_it_runs_anywhere(installs: Installs, tmp_path: Path) -> None:
    code, log = installs.pipx
    assert code == 0, log
    env, monogen = installs.env, installs.pipx_bin / "monogen"
    work = tmp_path / "work"  # away from this checkout: only the installed package is found
    work.mkdir()

    version = run(monogen, "-V", cwd=work, env=env)
    assert version.stdout == f"monogen, version {__version__}\n", version.stderr
    python = installs.pipx_home / "venvs/monogen/bin/python"
    where = run(python, "-c", "import monogen; print(monogen.__file__)", cwd=work, env=env)
    assert where.stdout.startswith(str(installs.pipx_home)), where.stdout

    started = run(monogen, "init", "starter", cwd=work, env=env)  # the template is package data
    assert started.returncode == 0, started.stderr
    assert run(monogen, "build", "specs/", cwd=work / "starter", env=env).returncode == 0

    built = run(monogen, "build", SPECS, "-o", work / "generated", cwd=work, env=env)
    assert built.returncode == 0, built.stderr
    ours, theirs = snapshot(GENERATED), snapshot(work / "generated")
    ours.pop(".monogen-generated")  # its stamps name library versions, which may differ
    theirs.pop(".monogen-generated")
    assert ours == theirs  # runbooks included: their templates are package data too


def hook_line(output: str, name: str) -> str:
    (line,) = [ln for ln in output.splitlines() if ln.startswith(f"{name}....")]
    return line


def test_pre_commit_try_repo_passes_on_the_examples(installs: Installs) -> None:
    code, out = installs.clean
    assert code == 0, out
    assert "[INFO] Installing environment for " in out
    assert hook_line(out, "monogen build --check").endswith("Passed")
    assert hook_line(out, "monogen lint").endswith("Passed")
    assert "generated: up to date" in out
    assert "file(s) linted, 0 finding(s)" in out


def test_pre_commit_try_repo_fails_after_a_spec_edit_without_rebuilding(
    installs: Installs,
) -> None:
    code, out = installs.stale
    assert code == 1, out
    assert hook_line(out, "monogen build --check").endswith("Failed")
    assert hook_line(out, "monogen lint").endswith("Passed")
    assert "+++ b/prometheus/rules/fraud-detector-ab.rules.yaml" in out
    assert "< 70\n" in out
    assert "file(s) out of date; run `monogen build` and commit." in out
