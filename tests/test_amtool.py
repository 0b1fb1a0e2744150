"""The generated Alertmanager config, proved by the real amtool of every release of the
matrix: it loads, and amtool's own route walk agrees with monogen's on every generated
alert."""

from __future__ import annotations

import pytest

from monogen.compile.matchers import render_alertmanager as render_matcher
from monogen.pipeline import compile_targets, load
from tests.conftest import ALERTMANAGER, GENERATED, SPECS, run_tool

CONFIG = GENERATED / "alertmanager/alertmanager.yaml"


@pytest.mark.parametrize("version", ALERTMANAGER)
def test_amtool_check_config_accepts_the_generated_config(version: str) -> None:
    result = run_tool("amtool", "check-config", str(CONFIG), version=version)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
    assert "1 templates" in result.stdout


@pytest.mark.parametrize("version", ALERTMANAGER)
def test_amtool_rejects_a_broken_config(tmp_path, version: str) -> None:
    """The check above can fail: amtool is strict about what it loads."""
    broken = tmp_path / "alertmanager.yaml"
    broken.write_text(CONFIG.read_text().replace("receiver: mlops-slack", "receiver: mlops-slak"))
    result = run_tool("amtool", "check-config", str(broken), version=version)
    assert result.returncode != 0


ROWS = compile_targets(load([SPECS])).routes


def test_every_example_alert_reaches_its_team() -> None:
    assert len(ROWS) > 40
    assert not [r for r in ROWS if r.problem]
    assert {r.severity for r in ROWS} == {"critical", "warning"}


@pytest.mark.parametrize("version", ALERTMANAGER)
@pytest.mark.parametrize(
    "row", ROWS, ids=lambda r: f"{r.experiment}-{r.alert}-{r.severity}-{r.variant or 'all'}"
)
def test_amtool_route_walk_agrees(row, version: str) -> None:
    labels = [render_matcher((k, "=", v)) for k, v in row.labels]
    result = run_tool(
        "amtool",
        "config",
        "routes",
        "test",
        f"--config.file={CONFIG}",
        f"--verify.receivers={','.join(row.receivers)}",
        *labels,
        version=version,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ",".join(row.receivers)
