"""The Prometheus HTTP query API, as Prometheus, Thanos Query and VictoriaMetrics all answer
it: instant and range queries, with bounded timeouts and retries.

Credentials come from a file or the environment and go only into request headers: no
message, error or report ever shows them (nor a URL's user information)."""

from __future__ import annotations

import base64
import http.client
import json
import math
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TOKEN_ENV = "MONOGEN_PROMETHEUS_TOKEN"
MAX_POINTS = 11_000  # Prometheus refuses a range query of more points per series
RETRIES = 2  # after the first try, on connection errors and 5xx answers only
BACKOFF = 0.5  # seconds before the first retry; doubled each time
MAX_BODY = 256 << 20  # bytes of one answer: more is not a query result a readout can use
CHUNK = 1 << 16

Labels = tuple[tuple[str, str], ...]


class ReadoutError(Exception):
    """Something a user can act on: the server, the query's range, the specs' window."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Sample:
    labels: Labels
    value: float


@dataclass(frozen=True)
class Series:
    labels: Labels
    points: tuple[tuple[float, float], ...]  # (unix seconds, value), in time order

    def label(self, name: str, default: str = "") -> str:
        return dict(self.labels).get(name, default)


def _labels(metric: dict[str, str]) -> Labels:
    return tuple(sorted((str(k), str(v)) for k, v in metric.items()))


def _float(text: str) -> float:
    return float(text)  # Go writes NaN, +Inf and -Inf as Python reads them


@dataclass
class PrometheusApi:
    url: str  # the base URL, without credentials: safe to show
    timeout: float = 30.0
    headers: dict[str, str] = field(default_factory=dict, repr=False)
    asked: list[str] = field(default_factory=list)  # every query, in order, for the record
    warnings: list[str] = field(default_factory=list)  # the server's, each once, in order

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        token_file: Path | None = None,
        basic_auth_file: Path | None = None,
        timeout: float = 30.0,
    ) -> PrometheusApi:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ReadoutError(
                f"{_shown(url)!r} is not an http(s) URL of a Prometheus server",
                "write e.g. --prometheus http://prometheus:9090",
            )
        if parts.username or parts.password:
            raise ReadoutError(
                "the Prometheus URL carries credentials; they would show in the report",
                "put them in a file: --basic-auth-file (user:password) or --token-file",
            )
        headers = {"Accept": "application/json", "User-Agent": "monogen"}
        token = (
            _read_secret(token_file, "--token-file")
            if token_file
            else os.environ.get(TOKEN_ENV, "").strip()
        )
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if basic_auth_file is not None:
            pair = _read_secret(basic_auth_file, "--basic-auth-file")
            if ":" not in pair:
                raise ReadoutError(
                    f"{basic_auth_file} does not hold user:password", "one line, user:password"
                )
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        return cls(url.rstrip("/"), timeout, headers)

    def query(self, expr: str, at: float) -> list[Sample]:
        data = self._get("/api/v1/query", {"query": expr, "time": _time(at)})
        try:
            if data["resultType"] == "scalar":
                return [Sample((), _float(data["result"][1]))]
            if data["resultType"] != "vector":
                raise ReadoutError(f"expected an instant vector from {expr!r}")
            return [Sample(_labels(r["metric"]), _float(r["value"][1])) for r in data["result"]]
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise _misshapen(self.url, expr) from None

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        check_range(start, end, step)
        params = {"query": expr, "start": _time(start), "end": _time(end), "step": _time(step)}
        data = self._get("/api/v1/query_range", params)
        if data["resultType"] != "matrix":
            raise ReadoutError(f"expected a range vector (matrix) from {expr!r}")
        try:
            return [
                Series(
                    _labels(r["metric"]),
                    tuple((float(t), _float(v)) for t, v in r["values"]),
                )
                for r in data["result"]
            ]
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            raise _misshapen(self.url, expr) from None

    def _get(self, path: str, params: dict[str, str]) -> dict:
        self.asked.append(params["query"])
        # POST, as Grafana does: long expressions do not fit a URL
        body = urllib.parse.urlencode(params).encode()
        headers = {**self.headers, "Content-Type": "application/x-www-form-urlencoded"}
        delay = BACKOFF
        for attempt in range(RETRIES + 1):
            request = urllib.request.Request(self.url + path, body, headers, method="POST")
            try:
                with _OPENER.open(request, timeout=self.timeout) as answer:
                    data = _data(json.loads(_read(answer, self.timeout, MAX_BODY)), params["query"])
                for warning in data.pop("warnings", None) or ():
                    if str(warning) not in self.warnings:
                        self.warnings.append(str(warning))
                return data
            except urllib.error.HTTPError as exc:
                if exc.code < 500 or attempt == RETRIES:
                    raise _http_error(self.url, exc, params["query"]) from None
            except (
                urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException,
            ) as exc:  # fmt: skip
                if attempt == RETRIES:
                    reason = getattr(exc, "reason", None) or str(exc) or type(exc).__name__
                    reason = " ".join(str(reason).split())  # a server's bytes, on one line
                    raise ReadoutError(
                        f"cannot reach Prometheus at {self.url}: {reason}",
                        f"tried {RETRIES + 1} times, {self.timeout:g}s each; is the URL "
                        "right and the server up? (--timeout sets the wait)",
                    ) from None
            except ValueError:
                raise ReadoutError(
                    f"{self.url} did not answer with the Prometheus query API's JSON",
                    "point --prometheus at Prometheus, Thanos Query or VictoriaMetrics "
                    "(the URL that serves /api/v1/query)",
                ) from None
            time.sleep(delay)
            delay *= 2
        raise AssertionError("unreachable")


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is said, not followed: urllib would send the credentials to wherever it
    points (another host too) and turn the POST into a GET without its query."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _read(answer: Any, timeout: float, limit: int) -> bytes:
    """The answer's body, within `timeout` seconds in all (a server sending a byte at a
    time stays within the socket's own timeout forever) and at most `limit` bytes."""
    deadline = time.monotonic() + timeout
    parts, size = [], 0
    while chunk := answer.read1(CHUNK):
        size += len(chunk)
        if size > limit:
            raise ReadoutError(
                f"the answer is larger than {limit >> 20} MiB",
                "ask for less: a shorter range, or a longer --step",
            )
        if time.monotonic() > deadline:
            raise TimeoutError(f"no whole answer within {timeout:g}s")
        parts.append(chunk)
    if getattr(answer, "length", None):  # the connection closed before Content-Length
        raise http.client.IncompleteRead(b"".join(parts), answer.length)
    return b"".join(parts)


def _misshapen(url: str, expr: str) -> ReadoutError:
    return ReadoutError(
        f"{url} answered {expr!r} with a result not in the Prometheus query API's shape",
        "point --prometheus at Prometheus, Thanos Query or VictoriaMetrics",
    )


def _data(answer: object, query: str) -> dict:
    if not isinstance(answer, dict) or answer.get("status") != "success":
        error = answer.get("error", "no data") if isinstance(answer, dict) else "no data"
        raise ReadoutError(f"Prometheus refused the query {query!r}: {error}")
    data = answer.get("data")
    if not isinstance(data, dict) or "resultType" not in data:
        raise ReadoutError("the answer holds no query result", "is this a Prometheus URL?")
    warnings = answer.get("warnings")
    return {**data, "warnings": warnings if isinstance(warnings, list) else []}


def _http_error(url: str, exc: urllib.error.HTTPError, query: str) -> ReadoutError:
    if 300 <= exc.code < 400:
        target = _shown(urllib.parse.urljoin(exc.url, exc.headers.get("Location", "") or ""))
        return ReadoutError(
            f"{url} answered with a redirect (HTTP {exc.code}) to {target}",
            "give --prometheus the URL the server redirects to: a redirect is not followed, "
            "so that credentials go to no other place",
        )
    if exc.code in (401, 403):
        return ReadoutError(
            f"{url} refused the credentials (HTTP {exc.code})",
            f"give a token with --token-file or ${TOKEN_ENV}, or --basic-auth-file",
        )
    if exc.code == 404:
        return ReadoutError(
            f"{url} has no Prometheus query API (HTTP 404 for /api/v1/query)",
            "give the base URL, e.g. http://prometheus:9090 (for Grafana's proxy, its "
            "datasource URL)",
        )
    try:
        detail = str(json.loads(_read(exc, 5.0, 1 << 20)).get("error", ""))
    except (ValueError, AttributeError, ReadoutError, OSError, http.client.HTTPException):
        detail = ""
    return ReadoutError(
        f"Prometheus answered HTTP {exc.code} to {query!r}" + (f": {detail}" if detail else "")
    )


def _read_secret(path: Path, flag: str) -> str:
    try:
        if not path.is_file():
            raise ReadoutError(f"{flag} {path} is not a file")
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReadoutError(f"cannot read {flag} {path}: {type(exc).__name__}") from None
    if not text or "\n" in text:
        raise ReadoutError(f"{flag} {path} must hold one line")
    return text


def _shown(url: str) -> str:
    """The URL without user information."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "") if parts.netloc else ""
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _time(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def check_range(start: float, end: float, step: float) -> None:
    # start == end is one evaluation, as a range split in pieces may end with
    if not (math.isfinite(start) and math.isfinite(end)) or end < start:
        raise ReadoutError("the time range is empty: --from must be before --to")
    if step <= 0:
        raise ReadoutError("the step must be more than 0")
    points = (end - start) / step + 1
    if points > MAX_POINTS:
        least = math.ceil((end - start) / (MAX_POINTS - 1))
        raise ReadoutError(
            f"the range holds {points:.0f} steps of {step:g}s; Prometheus answers at most "
            f"{MAX_POINTS} points a series",
            f"give a step of at least {least}s (--step) or a shorter range",
        )
