"""End to end on a scaled engine, on loopback: synthetic series imported into a real
VictoriaMetrics (its Prometheus text import endpoint, with timestamps) → the real vmalert
evaluating the generated rulers/victoriametrics rules every second → a real Alertmanager
with the generated config → local PagerDuty and Slack stand-ins.

Healthy values notify nobody; the treatment's accuracy falling below the critical line
pages once, naming experiment and variant, with its warning inhibited; recovery resolves.
"""

from __future__ import annotations

import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ENDS, tool
from tests.servers import HttpSink, free_port, process
from tests.stacks import alertmanager, collapse_pages_once, write_generated
from tests.test_end_to_end import EXPERIMENT

METRIC = 'ab_test_model_accuracy{{namespace="seldon",model_name="{variant}"}} {value} {ms}\n'


@contextmanager
def victoria_metrics(tmp_path: Path, version: str | None = None) -> Iterator[str]:
    """A single-node VictoriaMetrics storing in tmp_path; yields its URL. Queries see
    samples up to now (no latency offset)."""
    port = free_port()
    args = [
        tool("victoria-metrics", version),
        f"-storageDataPath={tmp_path / 'vm-data'}",
        f"-httpListenAddr=127.0.0.1:{port}",
        "-search.latencyOffset=0s",
        "-retentionPeriod=1d",
    ]
    url = f"http://127.0.0.1:{port}"
    with process(args, tmp_path / "vm.log", f"{url}/health"):
        yield url


def import_samples(url: str, values: dict[str, float]) -> None:
    """One sample per variant, stamped now, through the Prometheus text import endpoint;
    then a flush, so queries see it at once rather than within seconds."""
    ms = int(time.time() * 1000)
    body = "".join(METRIC.format(variant=v, value=x, ms=ms) for v, x in values.items())
    request = urllib.request.Request(f"{url}/api/v1/import/prometheus", data=body.encode())
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204
    with urllib.request.urlopen(f"{url}/internal/force_flush", timeout=5) as response:
        assert response.status == 200


@contextmanager
def feeding(url: str, values: dict[str, float]) -> Iterator[None]:
    """Import `values` (as they are at each tick) twice a second until the block ends."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def feed() -> None:
        while not stop.is_set():
            try:
                import_samples(url, dict(values))
            except BaseException as exc:  # reported by the test, not lost in the thread
                failures.append(exc)
                return
            stop.wait(0.5)

    import_samples(url, dict(values))  # data before the first evaluation
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    try:
        yield
    finally:
        stop.set()
        feeder.join(timeout=10)
    assert failures == []


def eval_delay(vmalert: str) -> list[str]:
    """vmalert 1.94 and later query 30 s in the past by default (-rule.evalDelay, for
    ingestion delay); this VictoriaMetrics has none (-search.latencyOffset=0s)."""
    done = subprocess.run([vmalert, "-help"], capture_output=True, text=True, timeout=30)
    return ["-rule.evalDelay=0s"] if "-rule.evalDelay" in done.stdout + done.stderr else []


@pytest.mark.parametrize("versions", ENDS)
def test_victoriametrics_vmalert_alertmanager(tmp_path: Path, versions: dict[str, str]) -> None:
    vm_version, am_version = versions["victoria-metrics"], versions["alertmanager"]
    vmalert = tool("vmalert", vm_version)
    tool("victoria-metrics", vm_version)
    tool("prometheus-alertmanager", am_version)
    accuracy = {"baseline-predictor": 90.0, "enhanced-predictor": 90.0}

    def set_treatment(value: float) -> None:
        accuracy["enhanced-predictor"] = value

    with HttpSink() as sink:
        out = write_generated(tmp_path, EXPERIMENT, sink, "rulers: [victoriametrics]\n")
        (rule_file,) = (out / "rulers" / "victoriametrics").glob("*.yaml")
        with (
            victoria_metrics(tmp_path, vm_version) as vm,
            alertmanager(tmp_path, out, am_version) as am_port,
            feeding(vm, accuracy),
        ):
            port = free_port()
            args = [
                vmalert,
                f"-rule={rule_file}",
                f"-datasource.url={vm}",
                f"-remoteWrite.url={vm}",  # recording rules and alert state
                f"-notifier.url=http://127.0.0.1:{am_port}",
                f"-httpListenAddr=127.0.0.1:{port}",
                "-evaluationInterval=1s",
                *eval_delay(vmalert),
            ]
            ready = f"http://127.0.0.1:{port}/-/ready"
            with process(args, tmp_path / "vmalert.log", ready):
                collapse_pages_once(sink, set_treatment)
