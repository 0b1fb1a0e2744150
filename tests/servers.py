"""Local stand-ins for the outside world, for tests: HTTP and SMTP sinks and managed server
processes. Everything listens on 127.0.0.1, on a free port, and is always stopped."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


class HttpSink:
    """Records every POST body by path; stands in for Slack, PagerDuty and webhooks."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self._lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    payload: Any = json.loads(body)
                except ValueError:
                    payload = body.decode("utf-8", "replace")
                with sink._lock:
                    sink.received.append((self.path, payload))
                self.send_response(202 if "pagerduty" in self.path else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "success", "message": "ok", "dedup_key": "x"}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.port}{path}"

    def posts(self, path: str) -> list[Any]:
        with self._lock:
            return [p for got, p in self.received if got == path]

    def __enter__(self) -> HttpSink:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpSink:
    """An SMTP server that keeps messages in memory (aiosmtpd)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[list[str], str]] = []
        sink = self

        class Handler:
            async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
                sink.messages.append(
                    (list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace"))
                )
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname=LOOPBACK, port=self.port)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@contextlib.contextmanager
def process(
    args: list[str], log: Path, ready_url: str, timeout: float = 30
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait until `ready_url` answers 200, and always stop it."""
    with log.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: _ok(ready_url) or _dead(proc, log), timeout, f"{args[0]} to start")
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _dead(proc: subprocess.Popen[bytes], log: Path) -> bool:
    if proc.poll() is not None:
        raise RuntimeError(f"process exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
    return False


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


def post_json(url: str, payload: Any) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status
