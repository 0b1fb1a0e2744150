"""vmalert (each VictoriaMetrics release of the tool matrix) loads every generated
VictoriaMetrics rule file with `-dryRun`, rejects broken ones, and agrees with `monogen
lint`'s victoriametrics dialect, its target-versions set to that release, on a corpus of
files written for this project (good/: every release accepts; bad/: every release
refuses; versioned/: some do, some do not)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from monogen.spec.loader import discover
from tests.conftest import GENERATED, MINIMAL_EXPERIMENT, SPECS, VICTORIA_METRICS, invoke, run_tool
from tests.lint_tools import assert_agrees, folder_claim

CORPUS = Path(__file__).parent / "lint" / "corpus" / "rulers" / "victoriametrics"
CORPUS_FILES = sorted(CORPUS.rglob("*.yaml"))
GENERATED_VM = sorted((GENERATED / "rulers" / "victoriametrics").glob("*.yaml"))


def dry_run(path: Path, version: str | None = None) -> tuple[bool, str]:
    """(accepted, what vmalert said)."""
    result = run_tool(
        "vmalert", "-dryRun", f"-rule={path}", "-loggerLevel=ERROR", timeout=30, version=version
    )
    return result.returncode == 0, result.stdout + result.stderr


def test_every_example_experiment_has_a_victoriametrics_file() -> None:
    experiments = sorted(
        doc["metadata"]["name"]
        for path in discover(SPECS)
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc["kind"] == "Experiment"
    )
    assert len(experiments) >= 4
    assert [p.name for p in GENERATED_VM] == [f"{e}.rules.yaml" for e in experiments]


@pytest.mark.parametrize("version", VICTORIA_METRICS)
@pytest.mark.parametrize("path", GENERATED_VM, ids=lambda p: p.name)
def test_vmalert_accepts_the_generated_rules(path: Path, version: str) -> None:
    accepted, said = dry_run(path, version)
    assert accepted, said


# what each release calls an expression it cannot parse
BAD_EXPR = {"1.79": "bad prometheus expr", "1.145": "bad MetricsQL expr"}


@pytest.mark.parametrize("version", VICTORIA_METRICS)
def test_vmalert_rejects_a_broken_generated_file(tmp_path: Path, version: str) -> None:
    data = yaml.safe_load(GENERATED_VM[0].read_text())
    data["groups"][-1]["rules"][0]["expr"] += " +"  # an operator without its right side
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data))
    accepted, said = dry_run(broken, version)
    assert not accepted
    assert BAD_EXPR[version] in said


def test_vmalert_accepts_every_configured_option(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "demo.yaml").write_text(MINIMAL_EXPERIMENT)
    (specs / ".monogen.yaml").write_text(
        "rulers:\n  victoriametrics:\n    concurrency: 4\n"
        "    labels: {ruler: vmalert}\n    params: {nocache: ['1'], step: [30s]}\n"
    )
    out = tmp_path / "out"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    (path,) = (out / "rulers" / "victoriametrics").glob("*.yaml")
    assert "concurrency: 4" in path.read_text()
    accepted, said = dry_run(path)
    assert accepted, said


def test_corpus_has_both_verdicts() -> None:
    assert {p.parent.name for p in CORPUS_FILES} == {"good", "bad", "versioned"}
    assert len(CORPUS_FILES) >= 12


@pytest.mark.parametrize("version", VICTORIA_METRICS)
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lint_verdict_matches_vmalert(path: Path, version: str) -> None:
    assert_agrees("victoria-metrics", version, path)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_folder_says_what_vmalert_does(path: Path) -> None:
    folder_claim("victoria-metrics", path)
