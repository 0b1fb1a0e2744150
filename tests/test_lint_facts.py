"""Facts a project states in its own files: the scrape interval of a Prometheus
configuration linted with its rule files and dashboards (monogen/lint/facts.py)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import invoke

RULES = """\
groups:
  - name: g
    rules:
      - alert: Fast
        expr: rate(x_total[25s]) > 1
        for: 5m
"""


def short_ranges(tmp_path: Path, *names: str) -> list[str]:
    result = invoke("lint", *(str(tmp_path / n) for n in names), "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return [
        Path(f["file"]).name
        for f in json.loads(result.stdout)
        if f["check"] in ("promql/range-too-short", "dashboard/rate-interval")
        and f["severity"] == "warning"
    ]


def test_the_prometheus_config_naming_a_rule_file_gives_its_scrape_interval(
    tmp_path: Path,
) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules/fast.yml").write_text(RULES)
    assert short_ranges(tmp_path, "rules/fast.yml") == [
        "fast.yml"
    ]  # read as 15s: nothing states it
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 10s}\nrule_files: ['rules/*.yml']\nscrape_configs: []\n"
    )
    assert short_ranges(tmp_path, "prometheus.yml", "rules/fast.yml") == []
    # Prometheus' own default, 1m, when the configuration sets none
    (tmp_path / "prometheus.yml").write_text("rule_files: ['rules/*.yml']\nscrape_configs: []\n")
    assert short_ranges(tmp_path, "prometheus.yml", "rules/fast.yml") == ["fast.yml"]


def test_a_path_inside_the_container_names_the_file_by_its_name(tmp_path: Path) -> None:
    (tmp_path / "alert.rules").write_text(RULES)
    (tmp_path / "other.yml").write_text(RULES)
    for name in ("a.yml", "b.yml"):  # two configurations: each speaks for what it names
        (tmp_path / name).write_text(
            "global: {scrape_interval: 10s}\nrule_files: [/etc/prometheus/alert.rules]\n"
            "scrape_configs: []\n"
        )
    assert short_ranges(tmp_path, "a.yml", "b.yml", "alert.rules", "other.yml") == ["other.yml"]


def test_the_only_configuration_of_a_run_speaks_for_its_dashboards(tmp_path: Path) -> None:
    board = {
        "uid": "u",
        "title": "t",
        "panels": [
            {
                "id": 1,
                "type": "timeseries",
                "title": "p",
                "datasource": "${DS_PROMETHEUS}",
                "targets": [{"expr": "rate(x_total[25s])", "refId": "A"}],
            }
        ],
    }
    (tmp_path / "board.json").write_text(json.dumps(board))
    assert short_ranges(tmp_path, "board.json") == ["board.json"]
    (tmp_path / "prometheus.yml").write_text("global: {scrape_interval: 10s}\nscrape_configs: []\n")
    assert short_ranges(tmp_path, "prometheus.yml", "board.json") == []


def test_a_prometheus_config_alone_is_read_not_refused(tmp_path: Path) -> None:
    (tmp_path / "prometheus.yml").write_text("global: {scrape_interval: 10s}\nscrape_configs: []\n")
    result = invoke("lint", str(tmp_path / "prometheus.yml"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    # a directory holding one is linted as before; its rule files take its interval
    (tmp_path / "fast.yml").write_text(RULES)
    assert short_ranges(tmp_path, ".") == []


def test_a_job_scraped_faster_than_the_global_interval_counts(tmp_path: Path) -> None:
    """Sock Shop's docker-compose prometheus.yml: a 1m global interval, its services' jobs
    every 5s; a rule does not say which job its series come from, so the fastest counts."""
    (tmp_path / "alert.rules").write_text(RULES)
    (tmp_path / "prometheus.yml").write_text(
        "global: {scrape_interval: 1m}\nrule_files: [/etc/prometheus/alert.rules]\n"
        "scrape_configs: [{job_name: front-end, scrape_interval: 5s}, {job_name: p}]\n"
    )
    assert short_ranges(tmp_path, "prometheus.yml", "alert.rules") == []
