"""Parity with the real tools of every release: on a corpus of rule files and Alertmanager
configs written for this project, `monogen lint` with target-versions set to a release
rejects (with an error) exactly the files that release's promtool or amtool rejects.

The corpus folders say what the tools do: good/ files every release accepts, bad/ files
every release refuses, versioned/ files some releases accept and others refuse (a field
or a check that changed between releases). The tools decide the truth; the folder is
checked against them, and monogen against each of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ALERTMANAGER, PROMETHEUS
from tests.lint_tools import assert_agrees, folder_claim

CORPUS = Path(__file__).parent / "lint" / "corpus"
RULES = sorted((CORPUS / "rules").rglob("*.yaml"))
AM = sorted((CORPUS / "alertmanager").rglob("*.yaml"))
FOLDERS = {"good", "bad", "versioned"}


def ids(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def test_corpus_is_large_enough() -> None:
    assert len(RULES) + len(AM) >= 40
    for files in (RULES, AM):
        assert {p.parent.name for p in files} == FOLDERS
        assert len([p for p in files if p.parent.name == "versioned"]) >= 5


@pytest.mark.parametrize("release", PROMETHEUS)
@pytest.mark.parametrize("path", RULES, ids=ids)
def test_rules_verdict_matches_promtool(path: Path, release: str) -> None:
    assert_agrees("prometheus", release, path)


@pytest.mark.parametrize("release", ALERTMANAGER)
@pytest.mark.parametrize("path", AM, ids=ids)
def test_alertmanager_verdict_matches_amtool(path: Path, release: str) -> None:
    assert_agrees("alertmanager", release, path)


@pytest.mark.parametrize("path", RULES, ids=ids)
def test_rules_corpus_folder_says_what_promtool_does(path: Path) -> None:
    folder_claim("prometheus", path)


@pytest.mark.parametrize("path", AM, ids=ids)
def test_alertmanager_corpus_folder_says_what_amtool_does(path: Path) -> None:
    folder_claim("alertmanager", path)
