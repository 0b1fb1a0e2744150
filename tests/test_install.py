"""Installing monogen anywhere: the wheel holds every module and data file, and pipx installs
it into a venv of its own where `monogen -V`, `monogen init` and a build of the examples
work without this checkout on the path."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from monogen import __version__
from tests.conftest import GENERATED, ROOT, SPECS, copy_source
from tests.test_cli import snapshot


def run(*args: str | Path, **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, timeout=240, check=False, **kwargs
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the working tree (so no build/ lands in the checkout)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = copy_source(tmp / "source")
    built = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp, source)
    assert built.returncode == 0, built.stderr
    (path,) = tmp.glob("monogen-*.whl")
    return path


def test_the_wheel_holds_every_module_and_data_file(wheel: Path) -> None:
    package = ROOT / "monogen"
    expected = {
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert any(name.startswith("monogen/templates/") for name in expected)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = archive.read(f"monogen-{__version__}.dist-info/entry_points.txt").decode()
    assert {n for n in names if n.startswith("monogen/")} == expected
    assert "monogen = monogen.cli:main" in entry_points


def test_pipx_installs_the_wheel_and_it_runs_anywhere(wheel: Path, tmp_path: Path) -> None:
    home = tmp_path / "pipx"
    env = {
        **os.environ,
        "PIPX_HOME": str(home),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
    }
    env.pop("PYTHONPATH", None)
    pipx = Path(sys.executable).parent / "pipx"
    installed = run(pipx, "install", wheel, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    monogen = tmp_path / "bin" / "monogen"
    work = tmp_path / "work"  # away from this checkout: only the installed package is found
    work.mkdir()

    version = run(monogen, "-V", cwd=work, env=env)
    assert version.stdout == f"monogen, version {__version__}\n", version.stderr
    python = home / "venvs/monogen/bin/python"
    where = run(python, "-c", "import monogen; print(monogen.__file__)", cwd=work, env=env)
    assert where.stdout.startswith(str(home)), where.stdout

    started = run(monogen, "init", "starter", cwd=work, env=env)  # the template is package data
    assert started.returncode == 0, started.stderr
    assert run(monogen, "build", "specs/", cwd=work / "starter", env=env).returncode == 0

    built = run(monogen, "build", SPECS, "-o", work / "generated", cwd=work, env=env)
    assert built.returncode == 0, built.stderr
    ours, theirs = snapshot(GENERATED), snapshot(work / "generated")
    assert sorted(ours) == sorted(theirs)
    assert {k: v for k, v in ours.items() if k != ".monogen-generated"} == {
        k: v for k, v in theirs.items() if k != ".monogen-generated"
    }
