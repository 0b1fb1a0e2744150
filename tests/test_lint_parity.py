"""Parity with the real tools: on a corpus of good and bad files written for this project,
`monogen lint` rejects (with an error) exactly the files promtool or amtool reject."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.lint.config import LintConfig
from monogen.lint.finding import Severity
from monogen.lint.run import lint_paths
from tests.conftest import run_tool

CORPUS = Path(__file__).parent / "lint" / "corpus"
RULES = sorted((CORPUS / "rules").rglob("*.yaml"))
ALERTMANAGER = sorted((CORPUS / "alertmanager").rglob("*.yaml"))


def test_corpus_is_large_enough() -> None:
    assert len(RULES) + len(ALERTMANAGER) >= 40
    for files in (RULES, ALERTMANAGER):
        assert {p.parent.name for p in files} == {"good", "bad"}


def monogen_rejects(path: Path) -> bool:
    result = lint_paths([path], LintConfig())
    return any(f.severity >= Severity.ERROR for f in result.findings)


def ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


@pytest.mark.parametrize("path", RULES, ids=ids)
def test_rules_verdict_matches_promtool(path: Path) -> None:
    promtool = run_tool("promtool", "check", "rules", str(path))
    assert (promtool.returncode != 0) == (path.parent.name == "bad"), (
        promtool.stdout + promtool.stderr
    )
    assert monogen_rejects(path) == (promtool.returncode != 0), promtool.stderr


@pytest.mark.parametrize("path", ALERTMANAGER, ids=ids)
def test_alertmanager_verdict_matches_amtool(path: Path) -> None:
    amtool = run_tool("amtool", "check-config", str(path))
    assert (amtool.returncode != 0) == (path.parent.name == "bad"), amtool.stdout + amtool.stderr
    assert monogen_rejects(path) == (amtool.returncode != 0), amtool.stdout
