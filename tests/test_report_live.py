"""`monogen report` on a real Prometheus (oldest and newest release) and VictoriaMetrics,
each holding days of backfilled history whose effects are known (readout_scenarios.py).

Every number the report gives is set beside one computed here, apart from monogen: the
counts come from PromQL written in this test, the statistics from scipy; the counts
themselves are checked against the history's known totals."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from scipy import stats

from tests.conftest import RELEASE_ENDS, invoke
from tests.history import prometheus_with_history, query, victoriametrics_with_history
from tests.readout_scenarios import (
    RANGE,
    SCENARIOS,
    SLO_OBJECTIVE,
    all_series,
    end_of_history,
    outage_window,
    spec,
)

BACKENDS = [*(("prometheus", v) for v in RELEASE_ENDS["prometheus"]),
            ("victoria-metrics", RELEASE_ENDS["victoria-metrics"][1])]  # fmt: skip


class Server:
    def __init__(self, url: str, end: float, specs: Path, product: str) -> None:
        self.url, self.end, self.specs, self.product = url, end, specs, product
        self.start = end - RANGE

    def report(self, experiment: str, *args: str) -> tuple[int, str, str]:
        result = invoke(
            "report", str(self.specs), "--experiment", experiment, "--prometheus", self.url,
            "--from", f"{self.start:.0f}", "--to", f"{self.end:.0f}", *args,
        )  # fmt: skip
        return result.exit_code, result.stdout, result.stderr

    def json(self, experiment: str) -> dict:
        code, out, err = self.report(experiment, "--format", "json")
        assert code == 0, err
        return json.loads(out)

    def per_variant(self, promql: str) -> dict[str, float]:
        return {
            r["metric"]["variant"]: float(r["value"][1]) for r in query(self.url, promql, self.end)
        }

    def counts(self, service: str, window: int, outcome: str = "") -> dict[str, float]:
        matcher = f', outcome="{outcome}"' if outcome else ""
        return self.per_variant(
            f'sum by (variant) (increase(ranker_requests_total{{service="{service}"{matcher}}}[{window}s]))'
        )


@pytest.fixture(scope="module", params=BACKENDS, ids=lambda b: f"{b[0]}-{b[1]}")
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    product, version = request.param
    tmp = tmp_path_factory.mktemp(f"history-{product}-{version}")
    specs = tmp / "specs"
    specs.mkdir()
    for s in SCENARIOS.values():
        (specs / f"{s.name}.yaml").write_text(spec(s))
    # the equal scenario's requests with a latency histogram the server never saw
    partial = spec(SCENARIOS["equal"]).replace("name: equal,", "name: partial,")
    partial = partial.replace(
        "errorSelector: {outcome: error}}",
        "errorSelector: {outcome: error}}\n    latency: {name: ghost_seconds}",
    ).replace(
        "      - {metric: errorRate,",
        "      - {metric: latency, margin: {absolute: 100ms}}\n      - {metric: errorRate,",
    )
    (specs / "partial.yaml").write_text(partial)
    end = end_of_history()
    start = (
        victoriametrics_with_history if product == "victoria-metrics" else prometheus_with_history
    )
    with start(tmp, all_series(end), version) as url:
        yield Server(url, end, specs, product)


def _truth(scenario: str, variant: str, errors: bool) -> float:
    v = next(x for x in SCENARIOS[scenario].variants if x.name == variant)
    return (v.errors_per_minute if errors else v.per_minute) * RANGE / 60


@pytest.mark.tools
def test_a_worse_treatment(server: Server) -> None:
    data = server.json("worse")
    n = server.counts("worse", RANGE)
    x = server.counts("worse", RANGE, "error")
    for variant in ("control", "treatment"):  # the server's counts are the history's
        assert n[variant] == pytest.approx(_truth("worse", variant, False), rel=2e-3)
        assert x[variant] == pytest.approx(_truth("worse", variant, True), rel=2e-3)
    (rate,) = [c for c in data["verdicts"] if c["metric"] == "errorRate"]
    effect = rate["effect"]
    p_c, p_t = x["control"] / n["control"], x["treatment"] / n["treatment"]
    z = stats.norm.ppf(1 - (1 - 0.99) / 2)  # the guardrail's own confidence
    se = math.sqrt(p_c * (1 - p_c) / n["control"] + p_t * (1 - p_t) / n["treatment"])
    assert rate["confidence"] == 0.99
    assert effect["difference"] == pytest.approx(p_t - p_c, rel=1e-9)
    assert effect["difference_interval"] == pytest.approx(
        [p_t - p_c - z * se, p_t - p_c + z * se], rel=1e-7
    )
    table = [
        [x["control"], n["control"] - x["control"]],
        [x["treatment"], n["treatment"] - x["treatment"]],
    ]
    assert effect["p_value"] == pytest.approx(
        stats.chi2_contingency(table, correction=False)[1], rel=1e-5, abs=1e-300
    )
    assert rate["outcome"] == "treatment worse"
    # the ratio and its log interval (Katz), from the same counts
    log_se = math.sqrt(
        1 / x["treatment"] - 1 / n["treatment"] + 1 / x["control"] - 1 / n["control"]
    )
    assert effect["ratio"] == pytest.approx(p_t / p_c, rel=1e-9)
    assert effect["ratio_interval"] == pytest.approx(
        [p_t / p_c * math.exp(-z * log_se), p_t / p_c * math.exp(z * log_se)], rel=1e-7
    )
    assert rate["reached"] is True and rate["needed"] == 1000  # the declared minimum
    # latency: the p95 read from buckets as histogram_quantile reads them
    (lat,) = [c for c in data["verdicts"] if c["metric"] == "latency"]
    buckets = {}
    for r in query(
        server.url,
        f'sum by (variant, le) (increase(ranker_latency_seconds_bucket{{service="worse"}}[{RANGE}s]))',
        server.end,
    ):
        buckets.setdefault(r["metric"]["variant"], []).append(
            (float(r["metric"]["le"]), float(r["value"][1]))
        )

    def quantile(bs: list[tuple[float, float]], rank: float) -> float:
        bs = sorted(bs)
        for i, (le, c) in enumerate(bs[:-1]):
            if c >= rank:
                lo, below = bs[i - 1] if i else (0.0, 0.0)
                return lo + (le - lo) * (rank - below) / (c - below)
        return bs[-2][0]

    q95 = {v: quantile(b, 0.95 * max(c for _, c in b)) for v, b in buckets.items()}
    assert lat["effect"]["control"] == pytest.approx(q95["control"], rel=1e-9)
    assert lat["effect"]["treatment"] == pytest.approx(q95["treatment"], rel=1e-9)
    assert q95["control"] == pytest.approx(0.5 + 0.5 * (0.95 * 600 - 570) / 24, rel=1e-3)
    zz = stats.norm.ppf(0.975)
    ses = []
    for v in ("control", "treatment"):
        total = max(c for _, c in buckets[v])
        spread = zz * math.sqrt(total * 0.95 * 0.05)
        low = quantile(buckets[v], 0.95 * total - spread)
        high = quantile(buckets[v], 0.95 * total + spread)
        ses.append((high - low) / (2 * zz))
    se_diff = math.hypot(*ses)
    assert lat["effect"]["standard_error"] == pytest.approx(se_diff, rel=1e-6)
    assert lat["effect"]["p_value"] == pytest.approx(
        2 * stats.norm.sf(abs(q95["treatment"] - q95["control"]) / se_diff), rel=1e-5, abs=1e-300
    )
    assert lat["outcome"] == "treatment worse"
    assert data["trustworthy"] is True
    rendered = _github(server.report("worse", "--format", "markdown")[1])
    assert rendered.count("<table>") == 4  # verdict, sample ratio, guardrails, SLOs
    assert rendered.count("<td>treatment worse</td>") == 2


@pytest.mark.tools
def test_an_equal_treatment(server: Server) -> None:
    data = server.json("equal")
    (rate,) = data["verdicts"]
    assert rate["outcome"] == "no significant difference"
    assert rate["effect"]["difference"] == pytest.approx(0, abs=1e-12)
    assert rate["effect"]["p_value"] == pytest.approx(1.0)
    assert data["sample_ratio"]["failed"] is False and data["trustworthy"] is True


@pytest.mark.tools
def test_a_sample_ratio_mismatch(server: Server) -> None:
    data = server.json("srm")
    n = server.counts("srm", RANGE)
    expected = stats.chisquare([n["control"], n["treatment"]])
    srm = data["sample_ratio"]
    assert srm["chi_square"] == pytest.approx(expected.statistic, rel=1e-9)
    assert srm["p_value"] == pytest.approx(expected.pvalue, abs=1e-300, rel=1e-6)
    assert srm["failed"] is True and srm["alpha"] == 0.001
    assert data["trustworthy"] is False
    markdown = server.report("srm", "--format", "markdown")[1]
    assert markdown.startswith("# Experiment readout: srm\n\n> **Warning.** Sample-ratio mismatch")
    assert "(untrustworthy: SRM)" in markdown


@pytest.mark.tools
def test_an_outage_burns_the_slo_and_fires_the_error_alert(server: Server) -> None:
    data = server.json("outage")
    (slo,) = data["objectives"]
    period = 3 * 86_400
    n, x = server.counts("outage", period), server.counts("outage", period, "error")
    budget = 1 - SLO_OBJECTIVE
    for variant in ("control", "treatment"):
        assert slo["remaining"][variant] == pytest.approx(
            1 - x[variant] / n[variant] / budget, rel=1e-6
        )
    assert slo["remaining"]["control"] > 0.5 > 0 > slo["remaining"]["treatment"]
    down = outage_window(server.end)
    (rail,) = [g for g in data["guardrails"] if g["alert"] == "ModelHighErrorRate"]
    critical = [f for f in rail["firing"] if f["severity"] == "critical"]
    assert len(critical) == 1, rail["firing"]
    from datetime import datetime

    began = datetime.fromisoformat(critical[0]["from"].replace("Z", "+00:00")).timestamp()
    ended = datetime.fromisoformat(critical[0]["to"].replace("Z", "+00:00")).timestamp()
    # the 5m rate passes 5% within a few minutes of the outage, then `for: 5m`
    assert down[0] + 5 * 60 <= began <= down[0] + 15 * 60
    assert down[1] <= ended <= down[1] + 10 * 60


def _github(text: str) -> str:
    """The Markdown as GitHub's CommonMark with tables renders it; raw HTML in it would
    render differently with HTML off, so equal renderings mean there is none."""
    from markdown_it import MarkdownIt

    raw = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
    assert raw == MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return raw


@pytest.mark.tools
def test_the_html_page_in_chromium(server: Server, tmp_path: Path) -> None:
    """Self-contained: no console error, no request; the SRM banner above the verdict,
    the verdict and the charts visible in the first screen."""
    from tests.browser import open_page

    page = tmp_path / "readout.html"
    code, _, err = server.report("srm", "-o", str(page))
    assert code == 0, err
    probe = """JSON.stringify(Object.fromEntries(
      ['srm-warning', 'verdict', 'sample-ratio', 'guardrails'].map(id => {
        const r = document.getElementById(id).getBoundingClientRect();
        return [id, [r.top, r.height, getComputedStyle(document.getElementById(id)).visibility]];
      }).concat([['charts', document.querySelectorAll('.chart svg').length],
                 ['firstChart', document.querySelector('.chart svg').getBoundingClientRect().top],
                 ['rows', document.querySelectorAll('table')[0].rows.length]])))"""
    run = open_page(page, tmp_path / "readout.png", height=1400, probe=probe)
    assert run.console_errors == []
    assert run.requests == []
    seen = json.loads(run.probed)
    banner, verdict = seen["srm-warning"], seen["verdict"]
    assert banner[1] > 20 and banner[2] == "visible"
    assert 0 < banner[0] < verdict[0] < seen["firstChart"] < 1400  # all in the first screen
    assert seen["rows"] == 2  # header and the treatment's row
    assert seen["charts"] >= 5  # effects, shares, traffic over time, guardrails, burn
    from tests.png import png_pixels

    width, height, rows = png_pixels(run.screenshot)
    assert (width, height) == (1280, 1400)
    pink = bytes((0xFD, 0xEC, 0xEA))  # the banner's background
    top = int(banner[0]) + 5
    line = rows[top]
    step = len(line) // width
    assert any(line[i : i + 3] == pink for i in range(0, len(line), step))


@pytest.mark.tools
def test_missing_series_and_empty_ranges_are_said(server: Server) -> None:
    data = server.json("partial")
    (latency,) = [v for v in data["verdicts"] if v["metric"] == "latency"]
    assert latency["outcome"] == "no data" and latency["effect"] is None
    markdown = server.report("partial", "--format", "markdown")[1]
    # Markdown escapes the parentheses of the text it quotes
    assert (
        "- no data in the range for p95 latency \\(TreatmentWorseThanControl\\): its series are missing"
        in markdown
    )
    before = invoke(
        "report", str(server.specs), "--experiment", "equal", "--prometheus", server.url,
        "--from", f"{server.end - 30 * 86_400:.0f}", "--to", f"{server.end - 20 * 86_400:.0f}",
        "--format", "json",
    )  # fmt: skip
    assert before.exit_code == 2 and before.stdout == ""
    assert "error: no requests of experiment equal between the range's ends" in before.stderr
    assert "hint:" in before.stderr
    too_fine = server.report("equal", "--step", "1s", "--format", "json")
    assert too_fine[0] == 2
    assert "Prometheus answers at most 11000 points a series" in too_fine[2]
    assert "give a step of at least 16s (--step)" in too_fine[2]


@pytest.mark.tools
def test_backtest_of_a_change_only_and_its_gate(server: Server, tmp_path: Path) -> None:
    """Against the tree built before a change, only the changed alert is evaluated; the
    gate fails when it fired more often than allowed."""
    from monogen.output.write import write_tree
    from monogen.pipeline import compile_specs, load

    old = tmp_path / "old-generated"
    write_tree(old, compile_specs(load([server.specs])))
    changed = tmp_path / "specs"
    changed.mkdir()
    for path in server.specs.iterdir():
        text = path.read_text()
        if path.name == "outage.yaml":  # the warning line drops from 2% to 1%
            text = text.replace("warning: {above: 2%, for: 5m}", "warning: {above: 1%, for: 5m}")
        (changed / path.name).write_text(text)
    args = ["backtest", str(changed), "--prometheus", server.url, "--from", f"{server.start:.0f}",
            "--to", f"{server.end:.0f}", "--against", str(old), "--format", "json"]  # fmt: skip
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    (alert,) = json.loads(result.stdout)["alerts"]
    assert (alert["experiment"], alert["alert"], alert["severity"]) == (
        "outage", "ModelHighErrorRate", "warning",
    )  # fmt: skip
    assert len(alert["episodes"]) == 1  # the outage hour
    gate = invoke(*args, "--max-episodes", "0")
    assert gate.exit_code == 1
    assert (
        "outage: ModelHighErrorRate (warning) fired 1 times, more than --max-episodes 0"
        in gate.stderr
    )
    assert invoke(*args, "--max-episodes", "1").exit_code == 0
    same = invoke("backtest", str(server.specs), "--prometheus", server.url, "--since", "1h",
                  "--against", str(old))  # fmt: skip
    assert same.exit_code == 0 and "no alert is new or changed against" in same.stderr
