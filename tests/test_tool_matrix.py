"""The tool matrix (tools/matrix.py): releases are picked by major.minor from what Debian
serves, a gone release is said plainly, a binary that names another release is refused,
and an installed release is never fetched again."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ALERTMANAGER, PROMETHEUS, VICTORIA_METRICS, tool
from tools import matrix


@pytest.mark.parametrize(
    ("debian", "upstream"),
    [
        ("2.53.3+ds1-2", "2.53.3"),
        ("0.25.0-1+b4", "0.25.0"),
        ("1.79.5+ds1-2+b5", "1.79.5"),
        ("1:3.5.3~rc1-1", "3.5.3"),
    ],
)
def test_upstream_version_of_a_debian_version(debian: str, upstream: str) -> None:
    assert matrix._upstream(debian) == upstream


def test_a_release_is_picked_by_major_minor_never_by_a_longer_prefix(monkeypatch) -> None:
    served = ["3.50.1-1", "3.5.3+ds1-6", "2.53.3+ds1-2"]
    monkeypatch.setattr(matrix, "_update", lambda: None)
    monkeypatch.setattr(matrix, "_candidates", lambda package: served)
    assert matrix.pick("prometheus", "3.5") == "3.5.3+ds1-6"
    assert matrix.pick("prometheus", "3.50") == "3.50.1-1"


def test_a_release_gone_from_debian_is_said_plainly(monkeypatch) -> None:
    monkeypatch.setattr(matrix, "_update", lambda: None)
    monkeypatch.setattr(matrix, "_candidates", lambda package: ["3.6.0-1"])
    with pytest.raises(matrix.MatrixError) as caught:
        matrix.pick("prometheus", "3.5")
    assert "prometheus 3.5.x is gone from Debian's bookworm, trixie, sid" in str(caught.value)
    assert "versions served: 3.6.0-1" in str(caught.value)


def fake_release(tmp_path: Path, says: str) -> matrix.Release:
    r = matrix.Release("prometheus", "3.5", ("prometheus",), ("promtool",))
    folder = tmp_path / "prometheus" / "3.5" / "usr" / "bin"
    folder.mkdir(parents=True)
    script = folder / "promtool"
    script.write_text(f"#!/bin/sh\necho 'promtool, version {says} (branch: x)'\n")
    script.chmod(0o755)
    return r


def test_a_binary_naming_another_release_is_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(matrix, "TOOLS", tmp_path)
    r = fake_release(tmp_path, "3.50.0")
    with pytest.raises(matrix.MatrixError, match=r"says version '3.50.0', expected 3.5.x"):
        matrix.check(r, {"prometheus": "3.5.3+ds1-6"})


def test_a_binary_naming_its_release_passes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(matrix, "TOOLS", tmp_path)
    r = fake_release(tmp_path, "3.5.3")
    assert matrix.check(r, {"prometheus": "3.5.3+ds1-6"}) == {"promtool": "3.5.3"}


def test_an_installed_release_is_not_fetched_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(matrix, "TOOLS", tmp_path)
    r = fake_release(tmp_path, "3.5.3")
    stamp = {"packages": {"prometheus": "3.5.3+ds1-6"}, "versions": {"promtool": "3.5.3"}}
    (r.folder / ".installed.json").write_text(json.dumps(stamp))

    def no_network(*args: object) -> str:
        raise AssertionError("apt was asked although the release is installed")

    monkeypatch.setattr(matrix, "_apt", no_network)
    assert matrix.install(r, with_fixtures=False) == stamp
    # a stamp lacking a package the release needs is an install still to do
    r2 = matrix.Release("prometheus", "3.5", ("prometheus", "promtool"), ("promtool",))
    with pytest.raises(AssertionError, match="apt was asked"):
        matrix.install(r2, with_fixtures=False)


def test_the_matrix_spans_the_supported_releases() -> None:
    assert PROMETHEUS == ("2.42", "2.53", "3.5")
    assert ALERTMANAGER == ("0.25", "0.28", "0.33")
    assert VICTORIA_METRICS == ("1.79", "1.145")


@pytest.mark.parametrize(
    ("name", "version"),
    [("promtool", v) for v in PROMETHEUS]
    + [("prometheus", v) for v in PROMETHEUS]
    + [("amtool", v) for v in ALERTMANAGER]
    + [("prometheus-alertmanager", v) for v in ALERTMANAGER],
)
def test_each_installed_binary_names_its_release(name: str, version: str) -> None:
    path = Path(tool(name, version))
    said = matrix.reported_version(path)
    assert said is not None and said.startswith(version + "."), said


@pytest.mark.parametrize("version", VICTORIA_METRICS)
def test_victoria_metrics_of_each_release_runs(version: str) -> None:
    """Debian's VictoriaMetrics builds print no version: the package's is checked at
    install; here each binary of the release must at least run its help."""
    for name in ("vmalert", "victoria-metrics"):
        done = subprocess.run(
            [tool(name, version), "-help"], capture_output=True, text=True, timeout=30
        )
        assert "-httpListenAddr" in done.stdout + done.stderr
    stamp = matrix.installed(matrix.release("victoria-metrics", version))
    assert stamp and stamp["versions"]["vmalert"].startswith(version + ".")


def test_the_newest_releases_lead_path_in_tests() -> None:
    first = os.environ["PATH"].split(os.pathsep)[0]
    assert first == str(matrix.binary("promtool", matrix.NEWEST["prometheus"]).parent)


def test_the_readme_support_table_names_the_matrix() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    header = next(line for line in readme.splitlines() if line.startswith("| artifact |"))
    names = {"prometheus": "Prometheus", "alertmanager": "Alertmanager"}
    names["victoria-metrics"] = "VictoriaMetrics"
    expected = []
    for product in ("prometheus", "alertmanager", "victoria-metrics"):
        releases = [r.release for r in matrix.MATRIX if r.product == product]
        expected += [f"{names[product]} {releases[0]}", *releases[1:]]
    assert header == "| artifact | " + " | ".join(expected) + " |"


def test_a_release_gone_from_debian_is_taken_from_the_cache_if_fetched_before(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(matrix, "CACHE", tmp_path)
    (tmp_path / "debs").mkdir()
    (tmp_path / "debs" / "promtool_3.5.3+ds1-6_amd64.deb").write_bytes(b"")
    monkeypatch.setattr(matrix, "_update", lambda: None)
    monkeypatch.setattr(matrix, "_candidates", lambda package: ["3.6.0-1"])
    assert matrix._pick_or_cached("promtool", "3.5") == "3.5.3+ds1-6"
    with pytest.raises(matrix.MatrixError, match="gone from Debian"):
        matrix._pick_or_cached("promtool", "2.53")
