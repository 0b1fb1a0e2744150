"""The readout against what a hostile or broken world hands it: servers that redirect,
trickle, flood or answer in the wrong shape; counts that are no numbers; rule trees that
are not rule files; ranges at the edges; spec text that reads as markup; outputs that are
links or devices. Each is a message with a hint (exit 2) or a right answer, never exit 70."""

from __future__ import annotations

import json
import math
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from monogen.compile import naming
from monogen.kinds.comparison_proof import ComparisonOptions
from monogen.readout import backtest, effects, prometheus_api, verdicts
from monogen.readout.prometheus_api import PrometheusApi, ReadoutError, Series
from monogen.readout.report_text import p_value
from monogen.readout.window import resolve
from tests.conftest import invoke

SPEC = Path(__file__).parent / "data" / "readout" / "ranker.yaml"
Handler = Callable[[BaseHTTPRequestHandler], None]


@contextmanager
def serving(handle: Handler) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback stand-in calling `handle` for every request; yields its URL and the
    headers of the requests it saw. Always stopped."""
    seen: list[dict[str, str]] = []

    class Serve(BaseHTTPRequestHandler):
        def _any(self) -> None:
            seen.append(dict(self.headers))
            with suppress(BrokenPipeError, ConnectionResetError):  # the client gave up
                handle(self)

        do_GET = do_POST = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Serve)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def answer(body: bytes, status: int = 200, **headers: str) -> Handler:
    def handle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for k, v in {"Content-Type": "application/json", **headers}.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handle


def success(data: object, **extra: object) -> bytes:
    return json.dumps({"status": "success", "data": data, **extra}).encode()


@pytest.fixture
def no_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prometheus_api, "RETRIES", 0)


def test_a_redirect_is_said_and_the_token_goes_nowhere_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MONOGEN_PROMETHEUS_TOKEN", "s3cr3t")
    with serving(answer(success({"resultType": "vector", "result": []}))) as (other, leaked):
        elsewhere = other.replace("127.0.0.1", "localhost") + "/api/v1/query"
        with serving(answer(b"", 302, Location=elsewhere)) as (url, seen):
            api = PrometheusApi.connect(url, timeout=5)
            with pytest.raises(ReadoutError, match=r"redirect \(HTTP 302\) to http://localhost"):
                api.query("up", 0)
    assert seen[0]["Authorization"] == "Bearer s3cr3t"
    assert leaked == []  # neither the token nor a query without its body went there


@pytest.mark.parametrize(
    "data",
    [
        {"resultType": "vector", "result": [{"metric": {}}]},
        {"resultType": "vector", "result": [{"metric": {}, "value": [0, None]}]},
        {"resultType": "vector", "result": None},
        {"resultType": "scalar", "result": None},
        {"resultType": "matrix", "result": "x"},
        {"resultType": "matrix", "result": [{"metric": {}, "values": [[0]]}]},
    ],
)
def test_an_answer_in_the_wrong_shape_is_said(data: dict, no_retries: None) -> None:
    with serving(answer(success(data))) as (url, _):
        api = PrometheusApi.connect(url, timeout=5)
        for ask in (lambda: api.query("up", 0), lambda: api.query_range("up", 0, 60, 60)):
            with pytest.raises(ReadoutError):
                ask()


def test_a_vector_is_no_range_answer(no_retries: None) -> None:
    vector = {"resultType": "vector", "result": [{"metric": {}, "value": [0, "1"]}]}
    with (
        serving(answer(success(vector))) as (url, _),
        pytest.raises(ReadoutError, match="expected a range vector"),
    ):
        PrometheusApi.connect(url, timeout=5).query_range("up", 0, 60, 60)


def _garbage(h: BaseHTTPRequestHandler) -> None:
    h.wfile.write(b"NOT HTTP\r\n\r\n")


def _cut_short(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Length", "1000")
    h.end_headers()
    h.wfile.write(b'{"status"')


@pytest.mark.parametrize("handle", [_garbage, _cut_short], ids=["not-http", "cut-short"])
def test_a_broken_http_answer_is_said(handle: Handler, no_retries: None) -> None:
    with serving(handle) as (url, _), pytest.raises(ReadoutError, match="cannot reach"):
        PrometheusApi.connect(url, timeout=5).query("up", 0)


def test_the_timeout_bounds_a_whole_answer_sent_a_byte_at_a_time(no_retries: None) -> None:
    body = success({"resultType": "vector", "result": []})
    stop = threading.Event()

    def trickle(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        for byte in body:  # each byte well within the socket's timeout, the whole far past it
            if stop.wait(0.2):
                return
            h.wfile.write(bytes([byte]))
            h.wfile.flush()

    with serving(trickle) as (url, _):
        began = time.monotonic()
        try:
            with pytest.raises(ReadoutError, match="within 1s"):
                PrometheusApi.connect(url, timeout=1).query("up", 0)
        finally:
            stop.set()
        assert time.monotonic() - began < 5


def test_an_answer_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prometheus_api, "MAX_BODY", 1000)
    monkeypatch.setattr(prometheus_api, "CHUNK", 100)
    big = [{"metric": {"i": str(i)}, "value": [0, "1"]} for i in range(200)]
    body = success({"resultType": "vector", "result": big})
    with serving(answer(body)) as (url, _), pytest.raises(ReadoutError, match="larger than"):
        PrometheusApi.connect(url, timeout=5).query("up", 0)


def test_the_servers_warnings_are_kept() -> None:
    body = success({"resultType": "vector", "result": []}, warnings=["partial response"])
    with serving(answer(body)) as (url, _):
        api = PrometheusApi.connect(url, timeout=5)
        api.query("up", 0)
        api.query("up", 0)
    assert api.warnings == ["partial response"]


class _Points:
    """A stand-in API answering a range query with one series, a point each step."""

    def __init__(self) -> None:
        self.asked: list[tuple[float, float]] = []

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        prometheus_api.check_range(start, end, step)
        self.asked.append((start, end))
        n = round((end - start) / step)
        return [Series((("a", "b"),), tuple((start + i * step, 1.0) for i in range(n + 1)))]


@pytest.mark.parametrize("pieces", [1, 2, 3])
def test_a_range_of_whole_pieces_loses_and_repeats_no_point(pieces: int) -> None:
    step = 60.0
    end = pieces * prometheus_api.MAX_POINTS * step  # the last piece is one evaluation
    api = _Points()
    got = backtest.range_query(api, "x", 0.0, end, step)  # type: ignore[arg-type]
    times = [t for t, _ in got[0].points]
    assert times == [i * step for i in range(round(end / step) + 1)]


def test_a_range_of_ages_is_refused_at_once() -> None:
    began = time.monotonic()
    with pytest.raises(ReadoutError, match="queries of"):
        backtest.range_query(_Points(), "x", 0.0, 1e15, 60.0)  # type: ignore[arg-type]
    assert time.monotonic() - began < 1


@pytest.mark.parametrize(
    ("since", "start", "end"),
    [(None, None, "99999999999999999999"), ("100000000y", None, None),
     (None, "now-99999999999999d", None)],
)  # fmt: skip
def test_times_past_any_date_are_refused(since: str | None, start: str | None, end: str | None):
    with pytest.raises(ReadoutError, match="years 1 to 9999"):
        resolve(since, start, end, time.time())


def test_times_past_any_date_are_exit_2_quickly() -> None:
    began = time.monotonic()
    result = invoke("backtest", str(SPEC), "--prometheus", "http://127.0.0.1:9",
                    "--since", "100000000y")  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert time.monotonic() - began < 10


@pytest.mark.parametrize(
    "content",
    ["[1, 2]", "groups: {a: 1}", "groups: [1]", "groups: [{rules: {a: 1}}]",
     "groups: [{rules: [1]}]", "groups: [{rules: [{alert: X, labels: [1]}]}]",
     "groups: [{rules: [{alert: [1], expr: x}]}]", "just text", "[" * 5000],
)  # fmt: skip
def test_an_older_tree_that_holds_no_rule_file_is_said(tmp_path: Path, content: str) -> None:
    path = tmp_path / naming.rule_file_path("ranker-ab")
    path.parent.mkdir(parents=True)
    path.write_text(content + "\n")
    with pytest.raises(ReadoutError, match=r"not YAML|not a Prometheus rule file"):
        backtest.old_alerts(tmp_path)
    result = invoke("backtest", str(SPEC), "--prometheus", "http://127.0.0.1:9",
                    "--since", "1h", "--against", str(tmp_path))  # fmt: skip
    assert result.exit_code == 2, result.stderr
    assert "not YAML" in result.stderr or "not a Prometheus rule file" in result.stderr


def test_an_older_tree_without_groups_or_with_recording_rules_reads() -> None:
    assert backtest._alerting_rules({}, Path("x")) == []
    assert backtest._alerting_rules(None, Path("x")) == []
    rules = [{"record": "a:b", "expr": "1"}, {"alert": "A", "expr": "1"}]
    assert backtest._alerting_rules({"groups": [{"rules": rules}]}, Path("x")) == rules[1:]


def test_counts_that_are_no_numbers_give_no_effect() -> None:
    for bad in (math.nan, math.inf):
        assert effects.two_proportions(bad, 10, 1, 10, 0.95) is None
        assert effects.two_proportions(1, bad, 1, 10, 0.95) is None
        assert effects.sample_ratio({"a": bad, "b": 10}, {"a": 50, "b": 50}) is None
        assert effects.quantiles([(0.1, bad), (math.inf, 10)], [(0.1, 5), (math.inf, 10)],
                                 0.5, 0.95) is None  # fmt: skip
    assert p_value(math.nan) == "–"


def test_more_errors_than_requests_are_a_rate_of_one() -> None:
    # a separate errors counter, extrapolated apart from the requests, can count more
    got = effects.two_proportions(12, 10, 1, 10, 0.95)
    assert got is not None and got.control == 1.0 and got.treatment == 0.1
    assert math.isfinite(got.p_value) and math.isfinite(got.standard_error)


def _comparison(mode: str) -> ComparisonOptions:
    return ComparisonOptions(metric="errorRate", control="a", treatments=("b",), mode=mode,
                             worse="above", higher_worse=True)  # fmt: skip


def test_no_sample_is_needed_where_no_worse_rate_is_left() -> None:
    all_failing = effects.two_proportions(10, 10, 10, 10, 0.95)
    absolute = _comparison("absolute")
    assert verdicts._needed_rate(absolute, 0.01, all_failing, 0.95) == (None, "power")
    nan = effects.Effect(math.nan, 0.1, math.nan, (math.nan, math.nan), None, None, math.nan,
                         math.nan)  # fmt: skip
    assert verdicts._needed_rate(_comparison("relative"), 1.2, nan, 0.95) == (None, "power")
    assert verdicts._needed_scaled(_comparison("relative"), 1.2, nan, 10, 0.95) is None


def test_buckets_are_read_as_histogram_quantile_reads_them() -> None:
    # no quantile without a +Inf bucket, or with nothing but it
    assert effects.quantiles([(0.1, 5), (0.5, 10)], [(0.1, 5), (0.5, 10)], 0.5, 0.95) is None
    only_inf = [(math.inf, 10.0)]
    assert effects.quantiles(only_inf, only_inf, 0.5, 0.95) is None
    # one bound written two ways ("1" and "1.0", from two client libraries) is one bucket
    assert effects.value_at_rank([(1.0, 4), (1.0, 4), (2.0, 10), (math.inf, 10)], 8) == 1.0
    # a count below the one of a lower bound is raised to it
    assert effects.value_at_rank([(1.0, 6), (2.0, 4), (math.inf, 10)], 6) == 1.0
    assert verdicts._bound("+Inf") == math.inf and verdicts._bound("0.5") == 0.5
    assert verdicts._bound("fast") is None and verdicts._bound("NaN") is None


def test_spec_text_is_no_formula_and_underscores_stay_in_the_legend() -> None:
    pytest.importorskip("matplotlib")
    from monogen.readout import charts

    line = Series((), ((0.0, 1.0), (60.0, 2.0)))
    svg = charts.timeline("cost $x^$ <b>", [("_quiet", line)], 0.0, 60.0, "number",
                          (("warning", 1.5),))  # fmt: skip
    assert "_quiet" in svg and "cost $x^$ &lt;b&gt;" in svg
    forest = charts.forest([("a $\\alpha^$", 0.1, 0.0, 0.2)], "ratio", 0.95)
    assert "$\\alpha^$" in forest


def test_output_goes_through_a_link_and_keeps_its_mode(tmp_path: Path) -> None:
    from monogen.cli_readout import _write_atomically

    real = tmp_path / "real.html"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.html"
    link.symlink_to(real)
    _write_atomically(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.html"
    umask = os.umask(0o022)
    try:
        _write_atomically(fresh, "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_output_into_a_pipe_is_written_through(tmp_path: Path) -> None:
    from monogen.cli_readout import _write_atomically

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()), daemon=True)
    reader.start()
    _write_atomically(fifo, "through")
    reader.join(5)
    assert got == ["through"] and stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_that_cannot_be_written_is_said(tmp_path: Path) -> None:
    from monogen.cli_readout import _write_atomically

    with pytest.raises(ReadoutError, match="cannot write"):
        _write_atomically(Path("/proc/monogen-readout.html"), "x")
    with pytest.raises(ReadoutError, match="is not a directory"):
        _write_atomically(tmp_path / "missing" / "out.html", "x")


class _Since(_Points):
    """A series returned at every step from `since` on."""

    def __init__(self, since: float) -> None:
        super().__init__()
        self.since = since

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        self.asked.append((start, end))
        n = round((end - start) / step)
        times = [start + i * step for i in range(n + 1) if start + i * step >= self.since]
        return [Series((("a", "b"),), tuple((t, 1.0) for t in times))]


@pytest.mark.parametrize(
    ("since", "first"),
    [(-86_400.0, 0.0), (-120.0, 180.0), (-600.0, 0.0), (0.0, 300.0)],
)
def test_an_alert_pending_before_the_range_fires_when_prometheus_had_it(
    since: float, first: float
) -> None:
    """`for: 5m` at 1m steps over [0, 1h]: an expression true since a day before fires at
    the range's start, one true since 2m before at 3m, as the rule evaluator had it."""
    got = backtest.alert_episodes(_Since(since), "x", 0.0, 3600.0, 60.0, 300.0, {})  # type: ignore[arg-type]
    assert [(e.start, e.end) for e in got] == [(first, 3600.0)]


def test_an_older_tree_with_links_or_unreadable_rule_files_is_refused(tmp_path: Path) -> None:
    """Skipped, such a file's alerts would all count as new (and a link is never
    followed out of a tree)."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "rules").mkdir(parents=True)
    (elsewhere / "rules" / "ranker-ab.rules.yaml").write_text("groups: []\n")
    linked = tmp_path / "linked"
    (linked / "prometheus").mkdir(parents=True)
    (linked / "prometheus" / "rules").symlink_to(elsewhere / "rules")
    with pytest.raises(ReadoutError, match="is a symbolic link: monogen does not follow it"):
        backtest.old_alerts(linked)
    fifo = tmp_path / "fifo"
    path = fifo / naming.rule_file_path("ranker-ab")
    path.parent.mkdir(parents=True)
    os.mkfifo(path)
    with pytest.raises(ReadoutError, match="is not a regular file of at most 64 MiB"):
        backtest.old_alerts(fifo)
    path.unlink()
    path.symlink_to(elsewhere / "rules" / "ranker-ab.rules.yaml")
    with pytest.raises(ReadoutError, match="is not a regular file"):
        backtest.old_alerts(fifo)
