"""Days of synthetic history in a real Prometheus or VictoriaMetrics, for tests of what
queries the past (reports, backtests). Series are described in Python, written once as
OpenMetrics text with timestamps, and loaded the way each engine loads old data:
`promtool tsdb create-blocks-from openmetrics` into blocks Prometheus opens at start, or
VictoriaMetrics' Prometheus text import (millisecond timestamps) followed by a flush.

Queries should name their evaluation time (`time=` of /api/v1/query): the history lies in
the past, and an instant query at "now" finds nothing once it is older than 5 minutes."""

from __future__ import annotations

import json
import math
import re
import subprocess
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from tests.conftest import tool
from tests.servers import free_port, process, wait_for

Kind = Literal["counter", "gauge", "histogram"]
# Which sample names each kind of family has: family name + suffix.
SUFFIXES: dict[str, tuple[str, ...]] = {
    "counter": ("_total",),
    "gauge": ("",),
    "histogram": ("_bucket", "_count", "_sum"),
}
# Classic (legacy) names only: Prometheus 2.42 reads no other, and quoting UTF-8 names
# would make the file version-dependent.
NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
# Long enough for any history a test writes; Prometheus counts from its newest block and
# VictoriaMetrics from now, and VictoriaMetrics drops older samples silently at import.
RETENTION_DAYS = 3650
START_TIMEOUT = 60  # seconds; a large block directory takes Prometheus a while to open


@dataclass(frozen=True)
class Series:
    """One time series: its sample name (`foo_total` for a counter, `foo_bucket` with an
    `le` label, `foo_count` or `foo_sum` for a classic histogram, anything for a gauge),
    labels, the kind of its family, and (unix seconds, value) points."""

    name: str
    labels: dict[str, str]
    kind: Kind
    points: list[tuple[float, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"{self.name!r} is not a classic metric name")
        for label in self.labels:
            if not LABEL.match(label) or label.startswith("__"):
                raise ValueError(f"{self.name}: {label!r} is not a label name a series carries")
        if self.family == self.name and self.kind != "gauge":
            wanted = " or ".join(SUFFIXES[self.kind])
            raise ValueError(f"{self.name}: a {self.kind}'s samples are named *{wanted}")
        if self.kind == "gauge" and self.name.endswith(("_created", "_total")):
            # OpenMetrics reads these suffixes as a counter's; a gauge named so is ambiguous
            raise ValueError(f"{self.name}: a gauge's name may not end in _created or _total")
        if (self.name.endswith("_bucket") and self.kind == "histogram") != ("le" in self.labels):
            raise ValueError(f"{self.name}: a histogram's _bucket series, and only they, have le")
        times = [t for t, _ in self.points]
        if len(set(times)) != len(times):
            raise ValueError(f"{self.name}{self.labels}: two points share a timestamp")
        if any(abs(t * 1000 - round(t * 1000)) > 1e-3 for t in times):
            # both engines store milliseconds; finer would be cut differently by each
            raise ValueError(f"{self.name}: a timestamp is not a whole millisecond")

    @property
    def family(self) -> str:
        """The metric family's name: the sample name without its kind's suffix."""
        for suffix in SUFFIXES[self.kind]:
            if suffix and self.name.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name

    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        return self.name, tuple(sorted(self.labels.items()))


def histogram(
    name: str,
    labels: dict[str, str],
    bounds: Sequence[float],
    observations: Iterable[tuple[float, Sequence[float]]],
) -> list[Series]:
    """A classic histogram family's series (`name_bucket` per bound and +Inf, `name_count`,
    `name_sum`) from (timestamp, values observed since the previous timestamp) pairs:
    cumulative, as a client library exposes them."""
    les = [*sorted(float(b) for b in bounds if not math.isinf(b)), math.inf]
    buckets: list[list[tuple[float, float]]] = [[] for _ in les]
    counts: list[tuple[float, float]] = []
    sums: list[tuple[float, float]] = []
    seen = [0] * len(les)
    total = 0.0
    for t, values in observations:
        for v in values:
            for i, le in enumerate(les):
                seen[i] += v <= le
            total += v
        for i in range(len(les)):
            buckets[i].append((t, seen[i]))
        counts.append((t, seen[-1]))
        sums.append((t, total))
    series = [
        Series(f"{name}_bucket", {**labels, "le": le_value(le)}, "histogram", points)
        for le, points in zip(les, buckets, strict=True)
    ]
    series.append(Series(f"{name}_count", labels, "histogram", counts))
    series.append(Series(f"{name}_sum", labels, "histogram", sums))
    return series


def le_value(bound: float) -> str:
    """A bucket bound as Prometheus 3 rewrites every `le` it reads (Go's shortest 'g'
    format, '.0' added to a whole number, +Inf): written so, 2.42 and 3.5 store the same
    label value (2.42 keeps what it reads; 3.x would turn le="1" into le="1.0")."""
    if math.isinf(bound):
        return "+Inf" if bound > 0 else "-Inf"
    if bound == 0:
        return "0.0"
    digits = Decimal(repr(float(bound))).normalize().as_tuple()
    exponent = len(digits.digits) + int(digits.exponent) - 1
    if exponent < -4 or exponent >= 6:  # where Go's shortest 'g' switches to %e
        mantissa = "".join(map(str, digits.digits))
        body = mantissa[0] + ("." + mantissa[1:] if len(mantissa) > 1 else "")
        sign = "-" if digits.sign else ""
        return f"{sign}{body}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    text = repr(float(bound))
    return text if "." in text else text + ".0"


def openmetrics_text(series: Iterable[Series]) -> str:
    """OpenMetrics exposition of `series` with timestamps, as promtool backfills it: one
    block per metric family (sorted, each under its # TYPE line, counters and histograms
    named without their suffixes), each series' samples together in time order, a
    histogram's per labelset and timestamp (buckets by bound, then _count and _sum, as an
    OpenMetrics MetricPoint), no _created lines (3.x reads them apart), and # EOF."""
    families: dict[str, list[Series]] = {}
    kinds: dict[str, str] = {}
    keys: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for s in series:
        if kinds.setdefault(s.family, s.kind) != s.kind:
            raise ValueError(f"family {s.family} is both a {kinds[s.family]} and a {s.kind}")
        if s.key() in keys:
            raise ValueError(f"{s.name}{s.labels} is given twice")
        keys.add(s.key())
        families.setdefault(s.family, []).append(s)
    lines: list[str] = []
    for family, members in sorted(families.items()):
        lines.append(f"# TYPE {family} {kinds[family]}")
        if kinds[family] == "histogram":
            lines.extend(_histogram_lines(family, members))
            continue
        for s in sorted(members, key=Series.key):
            lines.extend(sample_line(s.name, s.labels, v, _number(t)) for t, v in sorted(s.points))
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _histogram_lines(family: str, members: list[Series]) -> Iterator[str]:
    """A histogram family's samples MetricPoint by MetricPoint."""
    groups: dict[tuple[tuple[str, str], ...], list[Series]] = {}
    for s in members:
        rest = tuple(sorted((k, v) for k, v in s.labels.items() if k != "le"))
        groups.setdefault(rest, []).append(s)

    def order(s: Series) -> tuple[int, float]:
        if s.name.endswith("_bucket"):
            return 0, float(s.labels["le"])
        return (1 if s.name.endswith("_count") else 2), 0.0

    for rest, group in sorted(groups.items()):
        if not any(s.labels.get("le") == "+Inf" for s in group):
            raise ValueError(f'histogram {family}{dict(rest)} has no le="+Inf" bucket')
        group.sort(key=order)
        by_time = [dict(s.points) for s in group]
        for t in sorted({t for s in group for t, _ in s.points}):
            for s, points in zip(group, by_time, strict=True):
                if t in points:
                    yield sample_line(s.name, s.labels, points[t], _number(t))


def sample_line(name: str, labels: dict[str, str], value: float, timestamp: str) -> str:
    """One sample in the text format both OpenMetrics and Prometheus' own share."""
    pairs = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
    selector = f"{name}{{{pairs}}}" if pairs else name
    return f"{selector} {_number(value)} {timestamp}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(x: float) -> str:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "+Inf" if x > 0 else "-Inf"
    return str(int(x)) if float(x).is_integer() and abs(x) < 2**53 else repr(float(x))


# --- the engines ------------------------------------------------------------------------


def backfill(source: Path, data: Path, version: str | None = None) -> None:
    """Blocks for `data` from an OpenMetrics file, by the promtool of the release that
    will read them."""
    files = (str(source), str(data))
    done = subprocess.run(
        [tool("promtool", version), "tsdb", "create-blocks-from", "openmetrics", "-q", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"promtool refused {source}:\n{(done.stdout + done.stderr)[-3000:]}")


@contextmanager
def prometheus_with_history(
    tmp_path: Path,
    series: Sequence[Series],
    version: str | None = None,
    rule_files: Sequence[Path] = (),
    evaluation_interval: str = "1m",
) -> Iterator[str]:
    """A real Prometheus (of `version`, the newest by default) on loopback whose storage
    holds `series`, backfilled by its own promtool; it scrapes nothing and evaluates
    `rule_files`. Yields its URL once a query returns the history."""
    data = tmp_path / "prom-history-data"
    source = tmp_path / "history.om"
    source.write_text(openmetrics_text(series))
    backfill(source, data, version)
    config = tmp_path / "prometheus-history.yml"
    config.write_text(
        f"global: {{evaluation_interval: {evaluation_interval}}}\n"
        f"rule_files: {json.dumps([str(p) for p in rule_files])}\n"
    )
    port = free_port()
    args = [
        tool("prometheus", version),
        f"--config.file={config}",
        f"--storage.tsdb.path={data}",
        f"--storage.tsdb.retention.time={RETENTION_DAYS}d",
        f"--web.listen-address=127.0.0.1:{port}",
    ]
    url = f"http://127.0.0.1:{port}"
    with process(args, tmp_path / "prom-history.log", f"{url}/-/ready", START_TIMEOUT):
        # ready means the blocks are open: a missing sample is a harness bug, not a delay
        if not _holds(url, series):
            raise RuntimeError(f"Prometheus at {url} started without the backfilled history")
        yield url


@contextmanager
def victoriametrics_with_history(
    tmp_path: Path, series: Sequence[Series], version: str | None = None
) -> Iterator[str]:
    """A real single-node VictoriaMetrics (of `version`, the newest by default) on
    loopback holding `series`; yields its URL (the Prometheus query API at its root) once
    a query returns the history. Import once: without -dedup.minScrapeInterval a second
    import of the same samples is stored twice."""
    port = free_port()
    args = [
        tool("victoria-metrics", version),
        f"-storageDataPath={tmp_path / 'vm-history-data'}",
        f"-httpListenAddr=127.0.0.1:{port}",
        f"-retentionPeriod={RETENTION_DAYS}d",
        # no hiding of the last 30s, and no rollup cache: a readiness query asked before
        # the imported samples were searchable would otherwise be served again from cache
        "-search.latencyOffset=0s",
        "-search.disableCache",
    ]
    url = f"http://127.0.0.1:{port}"
    with process(args, tmp_path / "vm-history.log", f"{url}/health", START_TIMEOUT):
        import_series(url, series)
        wait_for(lambda: _holds(url, series), START_TIMEOUT, "the imported history")
        yield url


def import_series(url: str, series: Iterable[Series], batch: int = 50_000) -> None:
    """Import into VictoriaMetrics through its Prometheus text endpoint (timestamps in
    milliseconds), in batches, then flush so the samples are searchable at once."""
    lines = [
        sample_line(s.name, s.labels, v, str(round(t * 1000))) for s in series for t, v in s.points
    ]
    for i in range(0, len(lines), batch):
        body = ("\n".join(lines[i : i + batch]) + "\n").encode()
        request = urllib.request.Request(f"{url}/api/v1/import/prometheus", data=body)
        with urllib.request.urlopen(request, timeout=60) as response:
            if response.status != 204:
                raise RuntimeError(f"import answered {response.status}")
    with urllib.request.urlopen(f"{url}/internal/force_flush", timeout=30) as response:
        if response.status != 200:
            raise RuntimeError(f"force_flush answered {response.status}")


def query(url: str, promql: str, at: float) -> list[dict[str, Any]]:
    """The result vector of an instant query evaluated at unix time `at`."""
    data = api(url, "/api/v1/query", query=promql, time=_number(at))
    return data["result"]


def query_range(url: str, promql: str, start: float, end: float, step: str) -> list[dict[str, Any]]:
    data = api(
        url, "/api/v1/query_range", query=promql, start=_number(start), end=_number(end), step=step
    )
    return data["result"]


def api(url: str, path: str, **params: str) -> dict[str, Any]:
    """The `data` of a Prometheus HTTP API answer; parameters are POSTed (long queries
    fit), which read-only endpoints such as /api/v1/rules refuse, so those are GETs."""
    body = urllib.parse.urlencode(params).encode() if params else None
    with urllib.request.urlopen(f"{url}{path}", data=body, timeout=30) as response:
        answer = json.loads(response.read())
    if answer.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {answer}")
    return answer["data"]


def selector(s: Series) -> str:
    pairs = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(s.labels.items()))
    return f"{s.name}{{{pairs}}}"


def _holds(url: str, series: Sequence[Series]) -> bool:
    """Whether the engine returns the newest point of the series that ends last (an
    engine that loaded part of the history misses it first)."""
    last = max((s for s in series if s.points), key=lambda s: max(s.points)[0], default=None)
    if last is None:
        return True
    t, value = max(last.points)
    try:
        found = query(url, selector(last), t)
    except OSError:
        return False
    return len(found) == 1 and _same(float(found[0]["value"][1]), value)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b
