"""amlint-style planted defects: Alertmanager configs that `amtool check-config` accepts
(their defects are semantic), each defect marked on its line with `# defect: <check id>`
(a warning) or `# defect: <check id> (info)` (a convention-level finding, such as dead
configuration). Lint must report exactly the marked (line, check, severity), and nothing on
the clean config."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monogen.lint.config import LintConfig
from monogen.lint.finding import Severity
from monogen.lint.run import lint_paths
from tests.conftest import run_tool

HERE = Path(__file__).parent / "lint" / "amlint"
CONFIGS = sorted(HERE.glob("*.yaml"))
MARK = re.compile(r"#\s*defect:\s*(\S+)(?:\s+\((info)\))?")


def planted(path: Path) -> list[tuple[int, str, Severity]]:
    return [
        (number, match.group(1), Severity[(match.group(2) or "warning").upper()])
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if (match := MARK.search(line))
    ]


def test_at_least_fifteen_defects_and_a_clean_config() -> None:
    assert sum(len(planted(p)) for p in CONFIGS) >= 15
    assert (HERE / "clean.yaml") in CONFIGS and not planted(HERE / "clean.yaml")


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_amtool_accepts_the_config(path: Path) -> None:
    """The defects are ones amtool lets through: linting adds what it does not check."""
    result = run_tool("amtool", "check-config", str(path), version="0.33")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_every_planted_defect_is_caught_and_nothing_else(path: Path) -> None:
    found = lint_paths([path], LintConfig()).findings
    assert [(f.line, f.check, f.severity) for f in found] == planted(path), [
        f"{f.line}: {f.check}: {f.severity}: {f.message}" for f in found
    ]


WATCHDOG = """\
route:
  receiver: slack
  routes:
    - receiver: watchdog
      matchers: ['alertname="Watchdog"']
receivers:
  - name: slack
    slack_configs: [{api_url_file: /etc/slack, channel: "#alerts"}]
  - name: watchdog
"""


def test_a_heartbeat_routed_to_nobody_is_info_not_a_warning(tmp_path: Path) -> None:
    """kube-prometheus ships Watchdog routed to an empty receiver, to be wired to a dead
    man's switch service: said, but not as a defect."""
    path = tmp_path / "am.yaml"
    path.write_text(WATCHDOG)
    found = lint_paths([path], LintConfig()).findings
    assert [(f.line, f.check, f.severity) for f in found] == [
        (4, "alertmanager/receiver-empty", Severity.INFO)
    ]
