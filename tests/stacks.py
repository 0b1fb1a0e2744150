"""Generated monitoring on loopback for the end-to-end tests: an experiment and its team's
routing compiled into a temporary tree (receivers pointing at a local stand-in), and a
real Alertmanager running the generated configuration."""

from __future__ import annotations

import functools
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from monogen.output.write import write_tree
from monogen.pipeline import compile_specs, load
from tests.conftest import missing, tool
from tests.servers import HttpSink, free_port, process, wait_for
from tools import matrix

ROUTING = """\
apiVersion: monogen/v1
kind: Alerting
metadata: {{name: e2e, team: e2e}}
spec:
  receivers:
    e2e-pager: {{pagerduty: {{routingKeyFile: {secrets}/pd-key, url: "{pd_url}"}}}}
    e2e-chat: {{slack: {{apiUrlFile: {secrets}/slack-url, channel: "#e2e"}}}}
  routes:
    - {{match: {{severity: critical}}, receivers: [e2e-pager]}}
    - {{match: {{severity: warning}}, receivers: [e2e-chat], groupInterval: 5m}}
  defaults: {{groupWait: 1s, groupInterval: 1s, repeatInterval: 1h}}
"""
# The warnings' group flushes once (after groupWait) within a test, never again: when
# the page resolves, the rule evaluator reports the critical resolved a few milliseconds
# before the warning, and a flush landing in between would rightly send the warning
# (Alertmanager's inhibition follows the critical's state). A real team's 5m interval
# makes that window as unlikely as here; a 1s one made the test flaky.


def write_generated(tmp_path: Path, experiment: str, sink: HttpSink, project: str = "") -> Path:
    """Compile `experiment` and the e2e team's routing (PagerDuty and Slack receivers
    delivering to `sink`) with the project configuration `project`; the output tree."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "pd-key").write_text("e2e0e2e0e2e0e2e0e2e0e2e0e2e0e2e0\n")
    (secrets / "slack-url").write_text(sink.url("/slack") + "\n")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "exp.yaml").write_text(experiment)
    (specs / "routing.yaml").write_text(
        ROUTING.format(secrets=secrets, pd_url=sink.url("/pagerduty"))
    )
    if project:
        (specs / ".monogen.yaml").write_text(project)
    out = tmp_path / "generated"
    write_tree(out, compile_specs(load([specs])))
    return out


@functools.cache
def _overlay_refusal(version: str) -> str:
    """Why the release's Alertmanager server cannot start here ("" when it can)."""
    try:
        done = subprocess.run(
            matrix.alertmanager_command(version, ["--version"]),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, matrix.MatrixError) as exc:
        return str(exc)
    return "" if done.returncode == 0 else (done.stdout + done.stderr).strip()


def alertmanager_command(version: str | None, args: list[str]) -> list[str]:
    """The argv of a release's Alertmanager server (the newest by default)."""
    version = version or matrix.NEWEST["alertmanager"]
    tool("prometheus-alertmanager", version)
    refusal = _overlay_refusal(version)
    if refusal:
        missing(
            f"Alertmanager {version}'s server needs a mount namespace (root, unshare and "
            f"overlayfs) to read its templates: {refusal}"
        )
    return matrix.alertmanager_command(version, args)


@contextmanager
def alertmanager(tmp_path: Path, out: Path, version: str | None = None) -> Iterator[int]:
    """A real Alertmanager (of `version`, the newest by default) with the generated
    configuration; yields its port."""
    port = free_port()
    args = alertmanager_server(
        version, out / "alertmanager/alertmanager.yaml", tmp_path / "am-data", port
    )
    with process(args, tmp_path / "am.log", f"http://127.0.0.1:{port}/-/ready"):
        yield port


def alertmanager_server(version: str | None, config: Path, storage: Path, port: int) -> list[str]:
    """The argv of an Alertmanager server on 127.0.0.1:`port`, alone (no cluster)."""
    return alertmanager_command(
        version,
        [
            f"--config.file={config}",
            f"--storage.path={storage}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
    )


@contextmanager
def prometheus(
    tmp_path: Path,
    rule_files: list[Path],
    scrape_port: int,
    am_port: int | None = None,
    version: str | None = None,
) -> Iterator[str]:
    """A real Prometheus on loopback scraping 127.0.0.1:`scrape_port` and evaluating
    `rule_files` every second (notifying the Alertmanager on `am_port`); yields its URL."""
    port = free_port()
    config = tmp_path / "prometheus.yml"
    alerting = (
        "alerting:\n  alertmanagers:\n"
        f"    - static_configs: [{{targets: ['127.0.0.1:{am_port}']}}]\n"
        if am_port
        else ""
    )
    config.write_text(
        "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
        f"rule_files: {[str(p) for p in rule_files]}\n"
        f"{alerting}"
        "scrape_configs:\n  - job_name: exporter\n"
        f"    static_configs: [{{targets: ['127.0.0.1:{scrape_port}']}}]\n"
    )
    args = [
        tool("prometheus", version),
        f"--config.file={config}",
        f"--storage.tsdb.path={tmp_path / 'prom-data'}",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    url = f"http://127.0.0.1:{port}"
    with process(args, tmp_path / "prom.log", f"{url}/-/ready"):
        yield url


def collapse_pages_once(sink: HttpSink, set_treatment: Callable[[float], None]) -> None:
    """The accuracy scenario of EXPERIMENT (tests/test_end_to_end.py), whoever evaluates
    the rules: healthy values notify nobody; the treatment's accuracy at 40% (below the
    critical 50 and the warning 75) pages once, naming experiment and variant, with its
    warning inhibited; back at 90% the page resolves."""
    time.sleep(6)  # evaluated for a while
    assert sink.received == []

    set_treatment(40)
    wait_for(lambda: sink.posts("/pagerduty"), 45, "the page")
    time.sleep(3)  # room for a wrongly uninhibited warning to arrive
    (page,) = sink.posts("/pagerduty")
    assert page["event_action"] == "trigger"
    assert "ModelAccuracyDegraded in e2e-ab" in page["payload"]["summary"]
    details = page["payload"]["custom_details"]["firing"]
    assert "Accuracy of variant enhanced-predictor is below 50% in experiment e2e-ab" in details
    assert "is 40.0%" in details
    assert sink.posts("/slack") == [], "the warning should be inhibited"

    set_treatment(90)
    wait_for(lambda: len(sink.posts("/pagerduty")) >= 2, 45, "the resolution")
    assert sink.posts("/pagerduty")[1]["event_action"] == "resolve"
    assert sink.posts("/slack") == [], sink.posts("/slack")
