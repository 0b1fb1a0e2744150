"""The history harness (tests/history.py) on real engines: three days of minute samples
backfilled into Prometheus (the oldest and newest release, each by its own promtool) and
imported into VictoriaMetrics (both releases), then queried in the past. Every expected
value is computed here from closed forms, not read back from the series written."""

from __future__ import annotations

import base64
import math
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import open_page
from tests.conftest import RELEASE_ENDS, VICTORIA_METRICS
from tests.history import (
    Series,
    api,
    histogram,
    le_value,
    openmetrics_text,
    prometheus_with_history,
    query,
    query_range,
    victoriametrics_with_history,
)
from tests.png import png_pixels

MINUTE, HOUR, DAY = 60, 3600, 86400
# Three days of history ending a day before now, on hour boundaries (so on Prometheus'
# 2h block boundaries too): nothing of it is in a head or near "now".
START = int(time.time()) // HOUR * HOUR - 4 * DAY
MINUTES = 3 * 24 * 60
STEP_AT = 2 * 24 * 60  # the minute the request rate steps from 10 to 25 a minute
ODD = 'quote " backslash \\ newline \n end'  # a label value every escape is needed for
OBSERVED = (0.05, 0.3, 0.3, 2.0)  # what the latency histogram sees every minute
BOUNDS = (0.1, 0.5, 1.0)


def requests_at(minute: int) -> int:
    """The request counter's value at a minute of the history (closed form)."""
    return 10 * min(minute, STEP_AT) + 25 * max(0, minute - STEP_AT)


def accuracy_at(minute: int) -> float:
    return (minute % 60) / 100


def at(minute: int) -> int:
    return START + minute * MINUTE


def build_history() -> list[Series]:
    counter: list[tuple[float, float]] = []
    total = 0
    for i in range(MINUTES + 1):
        total += 0 if i == 0 else (10 if i <= STEP_AT else 25)
        counter.append((at(i), total))
    return [
        Series("demo_requests_total", {"variant": "a"}, "counter", counter),
        Series(
            "demo_accuracy",
            {"variant": "a", "odd": ODD},
            "gauge",
            [(at(i), accuracy_at(i)) for i in range(MINUTES + 1)],
        ),
        *histogram(
            "demo_latency_seconds",
            {"variant": "a"},
            BOUNDS,
            [(at(i), OBSERVED if i else ()) for i in range(MINUTES + 1)],
        ),
    ]


ENGINES = [
    *(pytest.param(("prometheus", v), id=f"prometheus-{v}") for v in RELEASE_ENDS["prometheus"]),
    *(pytest.param(("victoria-metrics", v), id=f"victoria-metrics-{v}") for v in VICTORIA_METRICS),
]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """(product, release, URL) of an engine holding the history; one start per module."""
    product, version = request.param
    tmp = tmp_path_factory.mktemp(f"{product}-{version}")
    start = prometheus_with_history if product == "prometheus" else victoriametrics_with_history
    with start(tmp, build_history(), version) as url:
        yield product, version, url


def value(url: str, promql: str, when: float) -> float:
    (found,) = query(url, promql, when)
    return float(found["value"][1])


def test_raw_samples_at_known_times(engine: tuple[str, str, str]) -> None:
    *_, url = engine
    assert value(url, "demo_accuracy", at(7)) == accuracy_at(7)
    assert value(url, "demo_accuracy", at(7) + 30) == accuracy_at(7)  # the last sample before
    assert value(url, "demo_accuracy", at(MINUTES)) == accuracy_at(MINUTES)
    assert value(url, "demo_requests_total", at(STEP_AT + 100)) == requests_at(STEP_AT + 100)
    assert query(url, "demo_accuracy", START - MINUTE) == []  # before the history
    # and nothing once the last sample is older than the lookback (5m; VictoriaMetrics
    # derives its own from the samples' interval and agrees at 1m resolution)
    assert query(url, "demo_accuracy", at(MINUTES) + 6 * MINUTE) == []


def test_label_values_survive_escaping(engine: tuple[str, str, str]) -> None:
    *_, url = engine
    (found,) = query(url, "demo_accuracy", at(1))
    assert found["metric"] == {"__name__": "demo_accuracy", "variant": "a", "odd": ODD}


def test_increase_over_a_day_of_constant_rate(engine: tuple[str, str, str]) -> None:
    *_, url = engine
    when = at(DAY // MINUTE + 10)  # the day before lies wholly at 10 a minute
    assert value(url, "increase(demo_requests_total[1d])", when) == pytest.approx(14400)


def test_increase_over_the_step_change(engine: tuple[str, str, str]) -> None:
    """Half a day at 10 a minute and half at 25: 25200 by the samples. Prometheus 3's
    range is left-open, so its first sample is a minute into the day; it extrapolates the
    1439-minute increase to the whole day (at the rate of the window, not of its start)
    and says more. Prometheus 2 (closed range) and VictoriaMetrics (the sample before the
    window) see the whole day."""
    product, version, url = engine
    when = at(STEP_AT + 12 * 60)
    exact = requests_at(STEP_AT + 12 * 60) - requests_at(STEP_AT - 12 * 60)
    assert exact == 25200
    if product == "prometheus" and int(version.split(".")[0]) >= 3:
        seen = requests_at(STEP_AT + 12 * 60) - requests_at(STEP_AT - 12 * 60 + 1)
        expected = seen * 1440 / 1439
    else:
        expected = exact
    assert value(url, "increase(demo_requests_total[1d])", when) == pytest.approx(expected)
    assert value(url, "rate(demo_requests_total[5m])", at(STEP_AT - 30)) == pytest.approx(10 / 60)
    assert value(url, "rate(demo_requests_total[5m])", at(STEP_AT + 30)) == pytest.approx(25 / 60)


def test_histogram_buckets_and_quantile(engine: tuple[str, str, str]) -> None:
    *_, url = engine
    minute = 1000
    found = query(url, "demo_latency_seconds_bucket", at(minute))
    buckets = {r["metric"]["le"]: float(r["value"][1]) for r in found}
    expected = {le_value(b): minute * sum(o <= b for o in OBSERVED) for b in BOUNDS}
    assert buckets == {**expected, "+Inf": minute * len(OBSERVED)}
    assert value(url, "demo_latency_seconds_count", at(minute)) == minute * len(OBSERVED)
    assert value(url, "demo_latency_seconds_sum", at(minute)) == pytest.approx(
        minute * sum(OBSERVED)
    )
    # rank 2 of 4 lies in (0.1, 0.5], holding observations 2 and 3: halfway, 0.3
    median = "histogram_quantile(0.5, rate(demo_latency_seconds_bucket[1h]))"
    assert value(url, median, at(minute)) == pytest.approx(0.3)
    assert value(url, "increase(demo_latency_seconds_count[1d])", at(2000)) == pytest.approx(
        len(OBSERVED) * 1440
    )


def test_range_query_over_the_past(engine: tuple[str, str, str]) -> None:
    *_, url = engine
    first = at(3 * 60 + 7)
    (found,) = query_range(url, "demo_accuracy", first, first + 5 * HOUR, "1h")
    assert [(int(t), float(v)) for t, v in found["values"]] == [
        (first + h * HOUR, accuracy_at(3 * 60 + 7 + h * 60)) for h in range(6)
    ]


@pytest.mark.parametrize("version", RELEASE_ENDS["prometheus"])
def test_prometheus_loads_rule_files(tmp_path: Path, version: str) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(
        "groups:\n  - name: history\n    rules:\n"
        "      - record: variant:demo_requests:rate5m\n"
        "        expr: sum by (variant) (rate(demo_requests_total[5m]))\n"
    )
    history = build_history()[:1]
    with prometheus_with_history(tmp_path, history, version, [rules], "1s") as url:
        (group,) = api(url, "/api/v1/rules")["groups"]
        assert [r["name"] for r in group["rules"]] == ["variant:demo_requests:rate5m"]
        assert group["interval"] == 1


def test_openmetrics_text_layout() -> None:
    """Families sorted, named without their suffixes under one # TYPE line each; a
    series' samples in time order whatever order they were given in (promtool drops a
    sample older than its series' last one without a word); histogram samples MetricPoint
    by MetricPoint; no _created; # EOF last."""
    text = openmetrics_text(
        [
            Series("b_total", {"x": 'a"b\\c\nd'}, "counter", [(120, 2), (60, 1)]),
            Series("a", {}, "gauge", [(60, math.nan), (120, math.inf)]),
            *histogram("h", {"v": "1"}, [1, 1e6, 0.25], [(60, [0.2, 3e6]), (120, [])]),
        ]
    )
    assert text == (
        "# TYPE a gauge\n"
        "a NaN 60\n"
        "a +Inf 120\n"
        "# TYPE b counter\n"
        'b_total{x="a\\"b\\\\c\\nd"} 1 60\n'
        'b_total{x="a\\"b\\\\c\\nd"} 2 120\n'
        "# TYPE h histogram\n"
        'h_bucket{le="0.25",v="1"} 1 60\n'
        'h_bucket{le="1.0",v="1"} 1 60\n'
        'h_bucket{le="1e+06",v="1"} 1 60\n'
        'h_bucket{le="+Inf",v="1"} 2 60\n'
        'h_count{v="1"} 2 60\n'
        'h_sum{v="1"} 3000000.2 60\n'
        'h_bucket{le="0.25",v="1"} 1 120\n'
        'h_bucket{le="1.0",v="1"} 1 120\n'
        'h_bucket{le="1e+06",v="1"} 1 120\n'
        'h_bucket{le="+Inf",v="1"} 2 120\n'
        'h_count{v="1"} 2 120\n'
        'h_sum{v="1"} 3000000.2 120\n'
        "# EOF\n"
    )


@pytest.mark.parametrize(
    ("name", "labels", "kind", "points"),
    [
        ("requests", {}, "counter", []),  # a counter's samples end in _total
        ("lat", {}, "histogram", []),
        ("lat_bucket", {}, "histogram", []),  # no le
        ("g", {"le": "1"}, "gauge", []),
        ("up-time", {}, "gauge", []),
        ("g", {"__name__": "x"}, "gauge", []),
        ("g", {}, "gauge", [(1, 1), (1, 2)]),
        ("g_total", {}, "gauge", []),
        ("g", {}, "gauge", [(1.0001, 1)]),  # finer than a millisecond
    ],
)
def test_series_refuses_what_no_engine_would_read_alike(
    name: str, labels: dict[str, str], kind: str, points: list[tuple[float, float]]
) -> None:
    with pytest.raises(ValueError):
        Series(name, labels, kind, points)  # type: ignore[arg-type]


def test_openmetrics_text_refuses_ambiguous_families() -> None:
    with pytest.raises(ValueError, match="both"):
        openmetrics_text([Series("x_total", {}, "counter"), Series("x", {}, "gauge")])
    with pytest.raises(ValueError, match="twice"):
        openmetrics_text([Series("x", {}, "gauge"), Series("x", {}, "gauge")])
    with pytest.raises(ValueError, match="Inf"):
        openmetrics_text([Series("h_bucket", {"le": "1.0"}, "histogram")])


# --- the browser harness (tests/browser.py) ---------------------------------------------


def page(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "page.html"
    path.write_text(
        f"<!doctype html><html><head><meta charset=utf-8></head><body>{body}</body></html>"
    )
    return path


def tiny_png() -> bytes:
    """A 2x2 PNG (red, green / blue, white) made here, for a data: URI."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"\0\xff\0\0\0\xff\0" + b"\0\0\0\xff\xff\xff\xff"
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_browser_reports_console_error(tmp_path: Path) -> None:
    run = open_page(page(tmp_path, "<script>console.error('boom')</script>"), tmp_path / "s.png")
    assert run.console_errors == ["boom"]
    assert run.requests == []


def test_browser_reports_uncaught_exception(tmp_path: Path) -> None:
    run = open_page(page(tmp_path, "<script>throw new Error('x')</script>"), tmp_path / "s.png")
    (error,) = run.console_errors
    assert error.startswith("Uncaught Error: x"), error


def test_browser_reports_requests_leaving_the_page(tmp_path: Path) -> None:
    run = open_page(page(tmp_path, '<img src="http://example.invalid/x.png">'), tmp_path / "a.png")
    assert run.requests == ["http://example.invalid/x.png"]
    script = '<script src="https://cdn.example.invalid/lib.js"></script>'
    run = open_page(page(tmp_path, script), tmp_path / "b.png")
    assert run.requests == ["https://cdn.example.invalid/lib.js"]
    # a worker's fetch is not among the page's own events: the recording proxy lists it
    worker = "fetch('http://worker.invalid/y')"
    body = f"<script>new Worker(URL.createObjectURL(new Blob([{worker!r}])))</script>"
    run = open_page(page(tmp_path, body), tmp_path / "c.png")
    assert run.requests == ["GET http://worker.invalid/y"]
    # loopback is no exception (Chromium's Local Network Access may refuse it before it
    # leaves, but the attempt is listed)
    run = open_page(
        page(tmp_path, "<script>fetch('http://127.0.0.1:9/z')</script>"), tmp_path / "d.png"
    )
    assert run.requests == ["http://127.0.0.1:9/z"]


def test_browser_clean_page_reports_nothing_and_draws(tmp_path: Path) -> None:
    png = base64.b64encode(tiny_png()).decode()
    body = (
        "<h1>Report</h1>"
        '<svg width="400" height="200"><rect width="300" height="100" fill="#36c"/>'
        '<circle cx="350" cy="150" r="40" fill="#c33"/></svg>'
        f'<img src="data:image/png;base64,{png}" width="200" height="200" style="image-rendering: pixelated">'
        "<script>console.log('fine'); console.info('also fine')</script>"
    )
    run = open_page(page(tmp_path, body), tmp_path / "clean.png")
    assert run.console_errors == []
    assert run.requests == []
    assert run.screenshot == tmp_path / "clean.png"
    width, height, rows = png_pixels(run.screenshot)
    assert (width, height) == (1280, 2400)
    colours = {row[i : i + 3] for row in rows[:400] for i in range(0, len(row), 4 * 7)}
    # the page's white, the SVG's blue and red, the PNG's red, green and blue, the text's
    assert {b"\xff\xff\xff", b"\x33\x66\xcc", b"\xcc\x33\x33", b"\x00\xff\x00"} <= colours
