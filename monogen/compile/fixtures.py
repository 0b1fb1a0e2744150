"""Synthetic input series for promtool tests: counters, gauges and histograms laid out
the way an experiment's services expose them, and the values Prometheus will compute
from them (with the same float operations, so expected values match exactly)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from monogen.compile.promql import quote
from monogen.compile.scope import DEFAULT_VARIANT_LABEL, Scope
from monogen.spec.metrics import Metric, Metrics, Variant
from monogen.spec.quantities import format_number

STEP = 60  # seconds between samples and between rule evaluations


@dataclass
class Fixture:
    """Input series for one scenario and the value the alert expression will see."""

    series: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # variant → judged value
    output_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # variant → labels
    queries: dict[str, float] = field(default_factory=dict)  # annotation query → its value


def series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f"{k}={quote(v)}" for k, v in sorted(labels.items()))
    return {"series": f"{name}{{{inner}}}", "values": values}


def constant(value: float, samples: int) -> str:
    return f"{format_number(value)}x{samples}"


def counter(per_step: float, samples: int) -> str:
    return f"0+{format_number(per_step)}x{samples}"


def window_steps(window: float) -> int:
    """Sample intervals inside a range selector: its range is closed, [t - window, t]."""
    return math.floor(window / STEP)


def extrapolated(
    points: list[tuple[float, float]], at: float, window: float, *, rate: bool = True
) -> float | None:
    """rate() (or increase()) of counter samples (time, value) over `window` seconds at
    `at`, with the float operations of Prometheus 2.42's extrapolatedRate: the range is
    closed, [at - window, at]; under two samples there is no value."""
    inside = [(t, v) for t, v in points if at - window <= t <= at]
    if len(inside) < 2:
        return None
    result = inside[-1][1] - inside[0][1]
    previous = inside[0][1]
    for _, v in inside[1:]:
        if v < previous:  # a counter reset
            result += previous
        previous = v
    to_start = inside[0][0] - (at - window)
    to_end = at - inside[-1][0]
    sampled = inside[-1][0] - inside[0][0]
    average = sampled / (len(inside) - 1)
    if result > 0 and inside[0][1] >= 0:
        to_zero = sampled * (inside[0][1] / result)
        if to_zero < to_start:
            to_start = to_zero
    threshold = average * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average / 2
    interval += to_end if to_end < threshold else average / 2
    factor = interval / sampled
    if rate:
        factor /= window
    return result * factor


def counter_points(per_step: float, at: float) -> list[tuple[float, float]]:
    """The samples of `counter(per_step, ...)` up to `at`: 0 at time 0, then a step each."""
    return [(k * STEP, per_step * k) for k in range(int(at // STEP) + 1)]


def rate(per_step: float, window: float, at: float | None = None) -> float:
    """rate() over `window` seconds of a counter growing `per_step` (a whole number) a
    step since time 0, evaluated at `at` (default: once the window is full)."""
    at = window_steps(window) * STEP + STEP if at is None else at
    found = extrapolated(counter_points(per_step, at), at, window)
    return math.nan if found is None else found


def increase(per_step: float, window: float, at: float | None = None) -> float:
    """increase() over `window` seconds of a counter growing `per_step` a step."""
    at = window_steps(window) * STEP + STEP if at is None else at
    found = extrapolated(counter_points(per_step, at), at, window, rate=False)
    return math.nan if found is None else found


def avg_over_time(values: list[float]) -> float:
    """avg_over_time() as Prometheus 2.42 computes it: an incremental mean with Kahan-
    Neumaier compensation."""
    mean = c = count = 0.0
    for v in values:
        count += 1
        inc = v / count - mean / count
        t = mean + inc
        c += (mean - t) + inc if abs(mean) >= abs(inc) else (inc - t) + mean
        mean = t
    return mean + c


def exact_rates(count: int, window: float) -> list[float]:
    """`count` distinct request rates (a second, multiples of 10) whose rate(), error
    rate (a tenth) and success rate come out as exact integers, so that sums and ratios
    of them are the same float in any order, in Go as in Python."""
    found: list[float] = []
    per_second = 0
    while len(found) < count:
        per_second += 10
        parts = (per_second, per_second // 10, per_second - per_second // 10)
        if all(rate(STEP * p, window) == p for p in parts):
            found.append(float(per_second))
    return found


def bucket_quantile(q: float, buckets: list[tuple[float, float]]) -> float:
    """Prometheus' bucketQuantile for cumulative (upper bound, rate) buckets under +Inf."""
    total = buckets[-1][1]
    rank = q * total
    previous_bound, previous_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            in_bucket = count - previous_count
            return previous_bound + (bound - previous_bound) * ((rank - previous_count) / in_bucket)
        previous_bound, previous_count = bound, count
    return buckets[-1][0]


@dataclass(frozen=True)
class FixtureContext:
    """An experiment's series layout: selectors, the variant label, the metrics."""

    selector: dict[str, str]
    variant_label: str | None  # None: a single variant whose series carry no variant label
    variants: tuple[Variant, ...]
    metrics: Metrics
    samples: int  # samples per series: past the longest `for`, with room to spare
    window: float  # seconds of the recording rules' rate()
    scope: Scope | None = None  # how the rules select series, for kinds that query them

    @property
    def in_metrics(self) -> bool:
        return self.variant_label is not None

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variants]

    def rate(self, per_step: float) -> float:
        return rate(per_step, self.window)

    def base_labels(self, metric: Metric, variant: str) -> dict[str, str]:
        labels = {**self.selector, **metric.selector}
        if self.variant_label is not None:
            labels[self.variant_label] = variant
        return labels

    def out_labels(self, variant: str) -> dict[str, str]:
        return {self.variant_label: variant} if self.variant_label is not None else {}

    @property
    def output_variant_label(self) -> str:
        return self.variant_label or DEFAULT_VARIANT_LABEL

    def gauge(self, metric: Metric, variant: str, value: float, **extra: str) -> Fixture:
        labels = {**self.base_labels(metric, variant), **extra, "instance": "model-0"}
        return Fixture(
            [series(metric.name, labels, constant(value, self.samples))],
            {variant: value},
            {variant: {**self.out_labels(variant), **extra}},
        )

    def requests(self, variant: str, total: float, errors: float) -> list[dict[str, str]]:
        """Counters for one variant: `total` requests a step, `errors` of them failed."""
        m = self.metrics
        assert m.requests is not None
        labels = self.base_labels(m.requests, variant)
        out = []
        if m.requests.error_selector:
            failed = {**labels, **m.requests.error_selector}
            ok = {**labels, **{k: f"not-{v}" for k, v in m.requests.error_selector.items()}}
            out.append(series(m.requests.name, ok, counter(total - errors, self.samples)))
            if errors:
                out.append(series(m.requests.name, failed, counter(errors, self.samples)))
        else:
            out.append(series(m.requests.name, labels, counter(total, self.samples)))
            if m.errors is not None and errors:
                out.append(
                    series(
                        m.errors.name,
                        self.base_labels(m.errors, variant),
                        counter(errors, self.samples),
                    )
                )
        return out

    def histogram(self, variant: str, buckets: list[tuple[float, float]]) -> list[dict[str, str]]:
        """Cumulative bucket counters: (upper bound, observations a step)."""
        m = self.metrics.latency
        assert m is not None
        labels = self.base_labels(m, variant)
        return [
            series(f"{m.name}_bucket", {**labels, "le": le}, counter(n, self.samples))
            for le, n in [(format_number(b), n) for b, n in buckets] + [("+Inf", buckets[-1][1])]
        ]

    def traffic(self, variant: str, share: float) -> Fixture:
        """`variant` receives `share` percent; the others split the rest by their targets."""
        targets = {v.name: v.traffic or 0 for v in self.variants}
        others = sum(t for name, t in targets.items() if name != variant) or 1
        shares = {
            name: share if name == variant else (100 - share) * targets[name] / others
            for name in targets
        }
        per_step = {name: round(s * 100) for name, s in shares.items()}
        m = self.metrics
        if m.requests is not None:
            found = [s for name, n in per_step.items() for s in self.requests(name, n, 0)]
            rates = {name: self.rate(n) for name, n in per_step.items()}
            total = sum(rates[name] for name in targets)
            seen = {name: 100 * rates[name] / total for name in targets}
        else:
            assert m.traffic_share is not None
            scale = 1 if m.traffic_share.scale == "percent" else 0.01
            found = [
                series(
                    m.traffic_share.name,
                    self.base_labels(m.traffic_share, name),
                    constant(s * scale, self.samples),
                )
                for name, s in shares.items()
            ]
            seen = {name: (1 if scale == 1 else 100) * (s * scale) for name, s in shares.items()}
        return Fixture(found, seen, {name: self.out_labels(name) for name in targets})


def bursts(per_step: int, burst: int, period: int, samples: int) -> str:
    """promtool series values: `per_step` a step, plus `burst` every `period` steps."""
    segments, value, written = [], 0, 0
    while written < samples:
        count = min(period, samples - written)
        segments.append(f"{value}+{per_step}x{count - 1}")
        value += per_step * count + burst
        written += count
    return " ".join(segments)
