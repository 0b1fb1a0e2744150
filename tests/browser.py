"""Headless Chromium for tests of HTML pages monogen writes: open a page from file://,
keep a screenshot, and report what went wrong in its console and every request it tried
to make beyond its own file (a report must be self-contained and work offline).

Chromium is driven over the DevTools protocol on a pipe (--remote-debugging-pipe: stdlib
only, no port, no websocket): its console log on stderr says "CONSOLE" for console.log
and console.error alike, the protocol tells them apart and reports uncaught exceptions.
Every request goes to a local recording proxy that refuses it (403, or no tunnel for
https), so nothing leaves the machine and a request that never reaches the page's
protocol events (a worker's, say) is still listed. Debian's chromium; `make browser`
installs it."""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.conftest import missing
from tests.servers import LOOPBACK

CHROMIUM = Path("/usr/bin/chromium")
# URLs a page may name without a request leaving it: its own file (with any fragment),
# inline data and objects it made itself.
OWN_SCHEMES = ("data:", "blob:", "about:")
# Where Chromium 156 itself calls even with background networking, component updates and
# sync off (on-demand component installs, sign-in, network time): refused by the proxy
# like everything, but listed only when the page's own protocol events name them.
BROWSER_HOSTS = frozenset(
    {
        "accounts.google.com",
        "update.googleapis.com",
        "clients2.google.com",
        "clients2.googleusercontent.com",
        "clientservices.googleapis.com",
        "optimizationguide-pa.googleapis.com",
        "safebrowsingohttpgateway.googleapis.com",
        "redirector.gvt1.com",
        "edgedl.me.gvt1.com",
    }
)


@dataclass
class PageRun:
    """What opening a page showed: console errors (console.error, console.assert,
    uncaught exceptions and rejections, and the errors Chromium logs to the console,
    such as failed loads), the requests beyond the page file, and the screenshot."""

    console_errors: list[str]
    requests: list[str]
    screenshot: Path
    probed: Any = None  # the value of the `probe` expression, evaluated after load


class RecordingProxy:
    """An HTTP proxy on loopback that records every request and forwards none: plain
    http is answered 403, an https tunnel (CONNECT host:port) is refused the same way."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _refuse(self) -> None:
                with proxy._lock:  # an absolute URL, or host:port for a tunnel
                    proxy.seen.append(f"{self.command} {self.path}")
                self.send_response(403)
                self.send_header("Content-Length", "0")
                self.send_header("Connection", "close")
                self.end_headers()
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = do_OPTIONS = _refuse
            do_PATCH = do_CONNECT = _refuse

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class DevTools:
    """The DevTools protocol over Chromium's pipe: NUL-terminated JSON messages, commands
    in on fd 3, answers and events out on fd 4."""

    def __init__(self, commands: int, answers: int) -> None:
        self._out = os.fdopen(commands, "wb", buffering=0)
        self._in = os.fdopen(answers, "rb", buffering=0)
        self._next = 0
        self._cond = threading.Condition()
        self._answers: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.closed = False
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        buffer = b""
        while chunk := self._in.read(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            with self._cond:
                for raw in messages:
                    message = json.loads(raw)
                    if "id" in message:
                        self._answers[message["id"]] = message
                    else:
                        message["at"] = time.monotonic()
                        self.events.append(message)
                self._cond.notify_all()
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def send(self, method: str, session: str | None = None, timeout: float = 30, **params: Any):
        """Send a command and wait for its result."""
        with self._cond:
            self._next += 1
            ident = self._next
        message: dict[str, Any] = {"id": ident, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        with self._cond:
            if not self._cond.wait_for(lambda: ident in self._answers or self.closed, timeout):
                raise TimeoutError(f"chromium did not answer {method} within {timeout}s")
            if ident not in self._answers:
                raise RuntimeError(f"chromium closed its pipe before answering {method}")
            answer = self._answers.pop(ident)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def wait(self, method: str, timeout: float, after: int = 0) -> None:
        """Wait for an event `method` among the events from index `after` on."""
        with self._cond:
            found = self._cond.wait_for(
                lambda: any(e["method"] == method for e in self.events[after:]), timeout
            )
        if not found:
            raise TimeoutError(f"no {method} within {timeout}s")

    def quiet_for(self, seconds: float, timeout: float) -> None:
        """Wait until no protocol event came for `seconds` (late requests, timers that
        fire soon after load), at most `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._cond:
                last = max((e["at"] for e in self.events), default=0.0)
            if time.monotonic() - last >= seconds:
                return
            time.sleep(0.05)

    def close(self) -> None:
        self._out.close()
        self._reader.join(timeout=5)
        self._in.close()


def open_page(
    html_path: Path,
    screenshot: Path,
    width: int = 1280,
    height: int = 2400,
    settle: float = 0.5,
    probe: str = "",
) -> PageRun:
    """Open `html_path` (from file://) in headless Chromium with a `width` x `height`
    viewport, wait for its load event and then `settle` seconds without activity, write a
    PNG screenshot of the viewport to `screenshot` (and Chromium's own log beside it, as
    `<screenshot>.chromium.log`); what the page did. `probe`, a JavaScript expression, is
    evaluated by DevTools (not by the page, whose policy may forbid scripts) after the
    screenshot, its JSON value returned."""
    if not os.access(CHROMIUM, os.X_OK):
        missing(f"{CHROMIUM} not found: run `make browser` (Debian's chromium package)")
    page_url = html_path.resolve().as_uri()
    log = screenshot.with_name(screenshot.name + ".chromium.log")  # kept: why it failed
    with (
        RecordingProxy() as proxy,
        tempfile.TemporaryDirectory(prefix="monogen-chromium-") as profile,
        _Chromium(proxy.port, Path(profile), log, width, height) as tools,
    ):
        target = tools.send("Target.createTarget", url="about:blank")["targetId"]
        session = tools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            tools.send(f"{domain}.enable", session)
        tools.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        before = len(tools.events)  # about:blank's own load event may still come
        tools.send("Page.navigate", session, url=page_url)
        tools.wait("Page.loadEventFired", timeout=30, after=before)
        tools.quiet_for(settle, timeout=10)
        shot = tools.send("Page.captureScreenshot", session, format="png")
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        events = list(tools.events)
        probed = None
        if probe:
            answer = tools.send("Runtime.evaluate", session, expression=probe, returnByValue=True)
            probed = answer["result"].get("value")
    return PageRun(
        console_errors=_console_errors(events),
        requests=_requests(events, proxy.seen, page_url),
        screenshot=screenshot,
        probed=probed,
    )


class _Chromium:
    """Chromium headless with a fresh profile, every request through the proxy (loopback
    included), its DevTools pipe on fds 3 and 4; always stopped."""

    def __init__(self, proxy_port: int, profile: Path, log: Path, width: int, height: int):
        self.args = [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",  # root in a container: the setuid sandbox cannot start
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            # the browser's own calls home (network time, updates, sign-in, safe browsing,
            # metrics): off, so that what reaches the proxy is the page's
            "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,"
            "MediaRouter,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
            "--disable-client-side-phishing-detection",
            "--disable-default-apps",
            "--disable-domain-reliability",
            "--safebrowsing-disable-auto-update",
            "--no-pings",
            "--no-default-browser-check",
            "--metrics-recording-only",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--proxy-server=http://{LOOPBACK}:{proxy_port}",
            "--proxy-bypass-list=<-loopback>",  # loopback through the proxy too
            "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.log = log

    def __enter__(self) -> DevTools:
        commands_r, commands_w = os.pipe()
        answers_r, answers_w = os.pipe()
        # moved above 9 so that placing them on 3 and 4 in the child overwrites nothing;
        # close-on-exec, so only the copies placed on 3 and 4 reach Chromium
        high_r = fcntl.fcntl(commands_r, fcntl.F_DUPFD_CLOEXEC, 10)
        high_w = fcntl.fcntl(answers_w, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (commands_r, answers_w):
            os.close(fd)

        def place() -> None:
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                self.args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                # not pass_fds=(3, 4): that needs 3 and 4 open in this process, which
                # only a test runner's capture happens to give; Python's own descriptors
                # are not inheritable, so nothing else reaches the child
                close_fds=False,
                preexec_fn=place,
            )
        os.close(high_r)
        os.close(high_w)
        self.tools = DevTools(commands_w, answers_r)
        return self.tools

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.tools.send("Browser.close", timeout=5)  # else it is stopped below
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.tools.close()


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        params = event.get("params", {})
        if event["method"] == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            errors.append(" ".join(_text(arg) for arg in params.get("args", [])))
        elif event["method"] == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            thrown = details.get("exception", {}).get("description", "")
            errors.append(f"{details.get('text', 'Uncaught')} {thrown}".strip())
        elif event["method"] == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            errors.append(f"{entry['text']} ({entry.get('url', '')})")
    return errors


def _text(arg: dict[str, Any]) -> str:
    if "value" in arg:
        return str(arg["value"])
    return str(arg.get("description", arg.get("type", "")))


def _requests(events: list[dict[str, Any]], proxied: list[str], page_url: str) -> list[str]:
    """The page's requests by URL, then what reached the proxy unexplained by them."""
    urls: list[str] = []
    for event in events:
        if event["method"] == "Network.requestWillBeSent":
            url = event["params"]["request"]["url"]
        elif event["method"] == "Network.webSocketCreated":
            url = event["params"]["url"]
        else:
            continue
        if url.split("#")[0] != page_url and not url.startswith(OWN_SCHEMES):
            urls.append(url)
    explained = {f"GET {u}" for u in urls} | {f"CONNECT {_host_port(u)}" for u in urls}
    unexplained = [p for p in proxied if p not in explained and _host_of(p) not in BROWSER_HOSTS]
    return list(dict.fromkeys(urls + unexplained))


def _host_port(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme in ("https", "wss") else 80
    return f"{parts.hostname}:{parts.port or default}"


def _host_of(proxied: str) -> str:
    """The host of what the proxy saw: "CONNECT host:port" or "METHOD absolute-URL"."""
    method, _, target = proxied.partition(" ")
    if method == "CONNECT":
        return target.rsplit(":", 1)[0]
    return urllib.parse.urlsplit(target).hostname or ""
