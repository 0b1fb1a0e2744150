"""The readout's pure parts: `for` applied to a range, recorded series inlined, the time
range a user writes, and the server's errors said so a user can act on them."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import promql_parser
import pytest

from monogen.model.rules import RecordingRule
from monogen.readout.episodes import episodes
from monogen.readout.inline import InlineError, Inliner, literal_alternatives, unquote
from monogen.readout.prometheus_api import PrometheusApi, ReadoutError, Series, check_range
from monogen.readout.window import resolve
from tests.conftest import invoke

STEP = 60.0


def _series(times: list[float], **labels: str) -> Series:
    return Series(tuple(sorted(labels.items())), tuple((t, 1.0) for t in times))


@pytest.mark.parametrize(
    ("times", "hold", "expected"),
    [
        ([0, 60, 120, 180], 0, [(0, 180)]),  # no `for`: fires at once
        ([0, 60, 120, 180], 120, [(120, 180)]),  # pending 0 and 60, fires at 120
        ([0, 60], 120, []),  # resolved before `for` passed
        ([0, 60, 180, 240, 300], 120, [(300, 300)]),  # a missing step restarts the wait
        ([0, 60, 120, 600, 660, 720], 60, [(60, 120), (660, 720)]),
        ([0, 60, 120], 90, [(120, 120)]),  # `for` between steps: the next evaluation
    ],
)
def test_for_is_applied_as_the_rule_evaluator_does(
    times: list[float], hold: float, expected: list[tuple[float, float]]
) -> None:
    got = episodes([_series(times, variant="a")], {"severity": "warning"}, hold, STEP)
    assert [(e.start, e.end) for e in got] == expected
    for e in got:
        assert dict(e.labels) == {"variant": "a", "severity": "warning"}
        assert e.seconds == e.end - e.start + STEP


def test_rule_labels_override_the_expressions() -> None:
    got = episodes([_series([0], severity="x", __name__="m")], {"severity": "critical"}, 0, STEP)
    assert dict(got[0].labels) == {"severity": "critical"}


RULES = [
    RecordingRule("level:rate5m", 'sum by (variant) (rate(req{job="a"}[5m]))', {"experiment": "e"}),
    RecordingRule(
        "level:ratio",
        'level:errors{experiment="e"} / level:rate5m{experiment="e"}',
        {"experiment": "e"},
    ),
    RecordingRule("level:errors", "sum by (variant) (rate(err[5m]))", {"experiment": "e"}),
]


def test_recorded_series_are_inlined_with_their_labels_and_filters() -> None:
    inliner = Inliner(RULES, "30s")
    got = inliner.expand('level:ratio{experiment="e", variant=~"a|b\\\\.c"} > 0.1')
    promql_parser.parse(got)
    assert "level:" not in got.replace('"level:', "")  # every reference expanded
    assert 'label_replace(vector(1), "variant", "a"' in got
    assert 'label_replace(vector(1), "variant", "b.c"' in got  # the regex's literal value
    ranged = inliner.expand('avg_over_time(level:rate5m{experiment="e"}[1d])')
    assert ranged.endswith("[1d:30s])")
    promql_parser.parse(ranged)
    # a string that spells a recorded name is left alone
    assert inliner.expand('label_replace(x, "a", "level:ratio", "", "")') == (
        'label_replace(x, "a", "level:ratio", "", "")'
    )
    with pytest.raises(InlineError):
        inliner.expand('level:ratio{experiment="other"}')


def test_inlined_labels_escape_dollar_signs() -> None:
    inliner = Inliner([RecordingRule("a:b", "x", {"experiment": "cost$1"})])
    assert '"cost$$1"' in inliner.expand('a:b{experiment="cost$1"}')


def test_quoted_values_read_back() -> None:
    assert unquote('a\\"b\\\\c\\n\\x01') == 'a"b\\c\n\x01'
    assert literal_alternatives("a\\.b|c\\|d") == ["a.b", "c|d"]
    with pytest.raises(InlineError):
        literal_alternatives("a.*")


def test_time_ranges() -> None:
    now = 1_000_000.0
    assert resolve(None, None, None, now) == (now - 7 * 86400, now)
    assert resolve("12h", None, None, now) == (now - 43200, now)
    assert resolve(None, "now-2d", "now-1d", now) == (now - 172800, now - 86400)
    start, end = resolve(None, "1970-01-01T00:00:00Z", "1970-01-02T00:00:00+00:00", now)
    assert (start, end) == (0.0, 86400.0)
    for bad in [("1d", "now-1d", None), (None, "yesterday", None), (None, "2026-01-01", None),
                (None, "now-1d", "now-2d")]:  # fmt: skip
        with pytest.raises(ReadoutError):
            resolve(*bad, now)
    with pytest.raises(ReadoutError, match="86401 steps") as caught:
        check_range(0, 86400, 1)
    assert "at least 8s" in caught.value.hint


class _Server:
    """A stand-in answering every request with one status and body."""

    def __init__(self, status: int, body: bytes) -> None:
        self.hits = 0
        self.headers: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                outer.hits += 1
                outer.headers.append(dict(self.headers))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("status", "body", "message", "hits"),
    [
        (401, b"{}", r"refused the credentials \(HTTP 401\)", 1),
        (404, b"not found", "has no Prometheus query API", 1),
        (503, b"{}", "HTTP 503", 3),  # retried, bounded
        (200, b"<html>", "did not answer with the Prometheus query API", 1),
        (400, json.dumps({"status": "error", "error": "parse error"}).encode(), "parse error", 1),
    ],
)
def test_server_errors_are_said_plainly(status: int, body: bytes, message: str, hits: int) -> None:
    server = _Server(status, body)
    try:
        api = PrometheusApi.connect(server.url, timeout=5)
        with pytest.raises(ReadoutError, match=message):
            api.query("up", 0)
        assert server.hits == hits
    finally:
        server.close()


def test_credentials_go_in_headers_and_never_in_messages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _Server(401, b"{}")
    token = tmp_path / "token"
    token.write_text("s3cr3t-token\n")
    try:
        api = PrometheusApi.connect(server.url, token_file=token, timeout=5)
        with pytest.raises(ReadoutError) as caught:
            api.query("up", 0)
        assert server.headers[0]["Authorization"] == "Bearer s3cr3t-token"
        assert "s3cr3t" not in caught.value.message + caught.value.hint + repr(api)
        monkeypatch.setenv("MONOGEN_PROMETHEUS_TOKEN", "env-token")
        with pytest.raises(ReadoutError):
            PrometheusApi.connect(server.url, timeout=5).query("up", 0)
        assert server.headers[1]["Authorization"] == "Bearer env-token"
    finally:
        server.close()
    with pytest.raises(ReadoutError, match="carries credentials") as caught:
        PrometheusApi.connect("http://user:pw-secret@127.0.0.1:9/")
    assert "pw-secret" not in caught.value.message


def test_unreachable_prometheus_is_exit_2_with_a_hint(tmp_path: Path) -> None:
    from tests.servers import free_port

    spec = Path(__file__).parent / "data" / "readout" / "ranker.yaml"
    result = invoke(
        "backtest", str(spec), "--prometheus", f"http://127.0.0.1:{free_port()}",
        "--timeout", "1", "--since", "1h",
    )  # fmt: skip
    assert result.exit_code == 2
    assert "cannot reach Prometheus at http://127.0.0.1:" in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    missing = invoke(
        "report", str(spec), "--experiment", "nope", "--prometheus", "http://127.0.0.1:9",
        "--format", "json",
    )  # fmt: skip
    assert missing.exit_code == 2
    assert "no experiment 'nope' in the specs" in missing.stderr
    assert "ranker-ab" in missing.stderr


def test_business_guardrails_have_their_own_section() -> None:
    from monogen.readout.report_data import Readout, Timeline
    from monogen.readout.report_text import markdown

    def line(alert: str, category: str) -> Timeline:
        return Timeline(alert, alert.lower(), category, "number", "below",
                        (("warning", 0.0),), [], [("warning", 0.0, 3600.0)])  # fmt: skip

    readout = Readout("e", "http://p", 0.0, 86_400.0, 60.0, "sha256:0")
    readout.timelines = [line("Revenue", "business_impact"), line("Errors", "reliability")]
    text = markdown(readout)
    guardrails, business = text.split("## Guardrails")[1].split("## Business impact")
    assert "| errors | Errors | warning 0 | 1 warning | 1.00 |" in guardrails
    assert "Revenue" not in guardrails
    assert "| revenue | Revenue | warning 0 | 1 warning | 1.00 |" in business


def test_build_and_lint_do_not_import_the_readout_or_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from monogen.cli import main\n"
        "r = CliRunner().invoke(main, ['build', 'specs/', '--check'])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['lint', 'generated/prometheus'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('matplotlib', 'monogen.readout'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_html_without_matplotlib_says_which_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from monogen.readout import charts

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    with pytest.raises(ReadoutError, match="matplotlib, which is not installed") as caught:
        charts.timeline("t", [], 0, 1, "ratio")
    assert "pip install 'monogen[report]'" in caught.value.hint


def test_hours_firing_count_overlaps_once_and_markdown_keeps_dollars_literal() -> None:
    from monogen.readout.report_data import Readout, Timeline
    from monogen.readout.report_text import firing_hours, markdown

    both = Timeline("A", "t$x$", "reliability", "ratio", "above", (("warning", 0.1),), [],
                    [("warning", 0.0, 7200.0), ("warning", 3600.0, 10800.0),
                     ("critical", 14400.0, 18000.0)])  # fmt: skip
    assert firing_hours(both) == 4.0  # 0-3h once, and 4h-5h
    readout = Readout("e", "http://p/`x`", 0.0, 86_400.0, 60.0, "sha256:0")
    readout.timelines = [both]
    text = markdown(readout)
    assert "| t\\$x\\$ | A |" in text  # not GitHub math
    assert "- Prometheus: `` http://p/`x` ``" in text


def test_without_a_requests_metric_no_count_is_made_up() -> None:
    from monogen.readout.report_data import Readout
    from monogen.readout.report_text import markdown

    readout = Readout("e", "http://p", 0.0, 86_400.0, 60.0, "sha256:0")
    readout.variants = [("a", "control", 50.0), ("b", "treatment", 50.0)]
    text = markdown(readout)
    assert "| a | control | 50% | – | – | – |" in text
    readout.requests = {"a": 10.0, "b": 30.0}
    assert "| b | treatment | 50% | 30 | 75.00% | – |" in markdown(readout)
