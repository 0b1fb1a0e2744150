"""Shared fixtures. Tests that need promtool, amtool or vmalert call `tool()`: under
MONOGEN_REQUIRE_TOOLS=1 (set by .ci/run) a missing tool fails the test; elsewhere it skips,
and the skip reason says what to install."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import NoReturn

import pytest
from click.testing import CliRunner

from monogen.cli import main
from tools import matrix

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
DATA = Path(__file__).resolve().parent / "data"
# What installing monogen from a checkout reads: a copy of these installs like the checkout.
PACKAGE_SOURCE = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "monogen")


def copy_source(dest: Path) -> Path:
    """Copy the working tree's package source (uncommitted edits included) into `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_SOURCE:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, dest / name)
    return dest


# The tool matrix (tools/matrix.py, installed by `make tools`): each release of promtool,
# amtool, vmalert and their servers in a folder of the project's. A test names the release
# it needs; unnamed, it gets the newest. The newest releases' folders also lead PATH, so
# what a test runs by name (monogen test's promtool) is the newest too, never the machine's.
PROMETHEUS = tuple(r.release for r in matrix.MATRIX if r.product == "prometheus")
ALERTMANAGER = tuple(r.release for r in matrix.MATRIX if r.product == "alertmanager")
VICTORIA_METRICS = tuple(r.release for r in matrix.MATRIX if r.product == "victoria-metrics")
# The oldest and newest release of each product (what the mutation tests run on).
RELEASE_ENDS = {p: (matrix.OLDEST[p], matrix.NEWEST[p]) for p in matrix.NEWEST}
# Both ends of the matrix, what the slow live tests run on: the oldest releases together,
# and the newest together (a test takes the versions of the products it starts).
ENDS = [
    pytest.param({p: matrix.OLDEST[p] for p in matrix.OLDEST}, id="oldest"),
    pytest.param({p: matrix.NEWEST[p] for p in matrix.NEWEST}, id="newest"),
]
os.environ["PATH"] = os.pathsep.join(
    [
        str(matrix.binary(n, matrix.NEWEST[matrix.PRODUCT_OF[n]]).parent)
        for n in ("promtool", "amtool", "vmalert")
    ]
    + [os.environ.get("PATH", "")]
)


def tool(name: str, version: str | None = None) -> str:
    """The named tool of a release of the matrix (the newest by default)."""
    version = version or matrix.NEWEST[matrix.PRODUCT_OF[name]]
    path = matrix.binary(name, version)
    if os.access(path, os.X_OK):
        return str(path)
    missing(f"{name} {version} not found at {path}: run `make tools` (tools/matrix.py)")


def fixture_dir(product: str, version: str, sub: str) -> Path:
    """A folder of upstream test fixtures from a release's -dev package."""
    return matrix.fixtures(product, version) / sub


def files_from(directory: Path, pattern: str, package: str) -> list[Path]:
    """The files a Debian package installs under `directory` (fixtures of the tools'
    own sources); missing, they fail or skip the test as a missing tool does."""
    found = sorted(directory.glob(pattern))
    if not found:
        missing(f"no {pattern} in {directory}: install Debian's {package} (`make tools` does)")
    return found


def missing(message: str) -> NoReturn:
    if os.environ.get("MONOGEN_REQUIRE_TOOLS") == "1":
        pytest.fail(f"MONOGEN_REQUIRE_TOOLS=1 but {message}")
    warnings.warn(message, stacklevel=3)
    pytest.skip(message)


def run_tool(
    *args: str, cwd: Path | None = None, timeout: float = 60, version: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool(args[0], version), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def invoke(*args: str, cwd: Path | None = None):
    """Run the CLI in-process; stderr is kept apart from stdout."""
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(main, list(args), catch_exceptions=False)
    old = Path.cwd()
    os.chdir(cwd)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


@pytest.fixture(autouse=True)
def render_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own render cache (never the user's, never another test's), in the
    environment so processes a test starts use it too."""
    where = tmp_path_factory.mktemp("render-cache")
    monkeypatch.setenv("MONOGEN_CACHE_DIR", str(where))
    monkeypatch.delenv("MONOGEN_CACHE", raising=False)
    return where


@pytest.fixture
def write_spec(tmp_path: Path):
    """Write spec text into tmp_path/specs/<name> and return the specs directory."""
    specs = tmp_path / "specs"
    specs.mkdir()

    def write(text: str, name: str = "spec.yaml") -> Path:
        path = specs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return specs

    return write


MINIMAL_EXPERIMENT = """\
apiVersion: monogen/v1
kind: Experiment
metadata:
  name: demo-ab
  team: mlops
spec:
  selector: {namespace: seldon}
  variantLabel: model_name
  variants:
    - {name: baseline-predictor, role: control, traffic: 70}
    - {name: enhanced-predictor, role: treatment, traffic: 30}
  metrics:
    requests: {name: ab_test_requests_total, errorSelector: {status: error}}
    latency: {name: ab_test_response_time_seconds, buckets: [0.05, 0.1, 0.2, 0.3, 0.5, 1]}
    accuracy: {name: ab_test_model_accuracy, scale: percent}
  guardrails:
    accuracy: {}
    errorRate: {}
    latency: {}
    trafficSplit: {tolerance: 5}
  runbookUrl: https://runbooks.example.com/demo
  grafanaUrl: https://grafana.example.com
"""
