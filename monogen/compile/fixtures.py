"""Synthetic input series for promtool tests: counters, gauges and histograms laid out
the way an experiment's services expose them, and the values Prometheus will compute
from them (with the same float operations, so expected values match exactly).

Most series have a sample on every evaluation step. Every value computed from them is
computed under each release's reading of a range (see readings.py): a proof keeps only
values all readings agree on. Series whose increments are uneven (bursts) are sampled at a
phase instead, between evaluations, so no sample ever lies on a window's edge and the
closed and left-open readings hold the same samples."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

from monogen.compile.matchers import Matcher, merged, satisfying
from monogen.compile.promql import quote
from monogen.compile.readings import CLOSED, READINGS, Reading, extrapolated, summed
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
    interval: int = STEP  # seconds between the input series' slots (phased series: less)


def series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f"{k}={quote(v)}" for k, v in sorted(labels.items()))
    return {"series": f"{name}{{{inner}}}", "values": values}


def constant(value: float, samples: int) -> str:
    return f"{format_number(value)}x{samples}"


def counter(per_step: float, samples: int) -> str:
    return f"0+{format_number(per_step)}x{samples}"


def window_steps(window: float) -> int:
    """Sample intervals a full window spans, on samples every step."""
    return math.floor(window / STEP)


def counter_points(per_step: float, at: float) -> list[tuple[float, float]]:
    """The samples of `counter(per_step, ...)` up to `at`: 0 at time 0, then a step each."""
    return [(k * STEP, per_step * k) for k in range(int(at // STEP) + 1)]


# pure, and asked the same (rate, window, time) for every variant and case of a build
@lru_cache(maxsize=8192)
def rate(
    per_step: float, window: float, at: float | None = None, reading: Reading = CLOSED
) -> float:
    """rate() over `window` seconds of a counter growing `per_step` (a whole number) a
    step since time 0, evaluated at `at` (default: once the window is full)."""
    at = window_steps(window) * STEP + STEP if at is None else at
    found = extrapolated(counter_points(per_step, at), at, window, reading=reading)
    return math.nan if found is None else found


@lru_cache(maxsize=8192)
def increase(
    per_step: float, window: float, at: float | None = None, reading: Reading = CLOSED
) -> float:
    """increase() over `window` seconds of a counter growing `per_step` a step."""
    at = window_steps(window) * STEP + STEP if at is None else at
    found = extrapolated(counter_points(per_step, at), at, window, rate=False, reading=reading)
    return math.nan if found is None else found


def exact_rates(count: int, window: float, skip: int = 0) -> list[float]:
    """`count` distinct request rates (a second, multiples of 10) whose rate(), error
    rate (a tenth) and success rate come out as exact integers under every reading, so
    that sums and ratios of them are the same float in any order, in Go as in Python;
    the first `skip` such rates left out."""
    found: list[float] = []
    per_second = 0
    while len(found) < count + skip:
        per_second += 10
        parts = (per_second, per_second // 10, per_second - per_second // 10)
        if all(rate(STEP * p, window, reading=r) == p for p in parts for r in READINGS):
            found.append(float(per_second))
    return found[skip:]


# -- phased series: samples between evaluations -------------------------------------


def phase_of(window: float) -> int:
    """Seconds past each step at which phased samples lie: never on the left edge of a
    `window` evaluated on a step (t - window), where the readings of a range differ."""
    for phase in (30, 20, 15, 12, 10):
        if (phase + window) % STEP:
            return phase
    raise AssertionError("no phase avoids the window's edge")  # (30 + w) and (20 + w) differ


def phased_points(values: list[float], phase: int) -> list[tuple[float, float]]:
    """(seconds, value) of phased samples: the i-th `phase` seconds after step i."""
    return [(phase + STEP * i, v) for i, v in enumerate(values)]


def phased(values: list[float], phase: int) -> str:
    """promtool values placing `values` `phase` seconds past each step, on slots of
    `math.gcd(phase, STEP)` seconds (the test group's interval), the others empty."""
    slot = math.gcd(phase, STEP)
    lead, gap = phase // slot, STEP // slot - 1
    empty = lambda n: [] if n == 0 else ["_"] if n == 1 else [f"_x{n}"]  # noqa: E731
    out = empty(lead)
    for i, v in enumerate(values):
        out += ([] if i == 0 else empty(gap)) + [format_number(v)]
    return " ".join(out)


def burst_values(per_step: int, burst: int, period: int, count: int, start: int) -> list[float]:
    """Counter samples from `start`: `per_step` a step, plus `burst` in every `period`-th
    step (the one ending at sample period, 2 period, …)."""
    values, value = [], start
    for i in range(count):
        if i:
            value += per_step + (burst if i % period == 0 else 0)
        values.append(float(value))
    return values


def window_samples(window: float, phase: int) -> int:
    """Phased samples in a full `window`: the same under every reading."""
    at = 2 * window + STEP  # any step past the first full window
    points = phased_points([0.0] * int(at // STEP + 1), phase)
    return len([t for t, _ in points if at - window < t <= at])


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


class Unsatisfiable(ValueError):
    """No label values satisfy a series' matchers (or violate a decoy's): no fixture."""


@dataclass(frozen=True)
class FixtureContext:
    """An experiment's series layout: selectors, the variant label, the metrics.

    With `decoy` set, every series whose selector holds that matcher carries a label value
    that violates it (and satisfies the rest): a series the rules must leave out, which a
    rule without the matcher would count (promtests.py adds them to the proofs)."""

    selector: tuple[Matcher, ...]  # the experiment's
    variant_label: str | None  # None: a single variant whose series carry no variant label
    variants: tuple[Variant, ...]
    metrics: Metrics
    samples: int  # samples per series: past the longest `for`, with room to spare
    window: float  # seconds of the recording rules' rate()
    scope: Scope | None = None  # how the rules select series, for kinds that query them
    reading: Reading = CLOSED  # the release whose reading the computed values follow
    decoy: Matcher | None = None
    weight: int = 1  # counters grow this many times as fast (decoys: more than the proof's)

    @property
    def in_metrics(self) -> bool:
        return self.variant_label is not None

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.variants]

    def rate(self, per_step: float) -> float:
        return rate(per_step, self.window, reading=self.reading)

    def matchers_of(self, metric: Metric) -> list[Matcher]:
        """The experiment's matchers and the metric's own, as the rules select it."""
        return merged(self.selector, metric.matchers())

    def labels_for(
        self, matchers: list[Matcher], variant: str | None, violate: list[Matcher] | None = None
    ) -> dict[str, str]:
        """Labels of a series that `matchers` select and each of `violate` leaves out (a
        decoy's violating its matcher too), with `variant`'s label where series carry one."""
        violate = list(violate or [])
        if self.decoy is not None and self.decoy in matchers:
            matchers = [m for m in matchers if m != self.decoy]
            violate.append(self.decoy)
        labels = satisfying(matchers, violate)
        if labels is None:
            raise Unsatisfiable(f"no label values for {matchers} without {violate}")
        if self.variant_label is not None and variant is not None:
            labels[self.variant_label] = variant
        return labels

    def base_labels(self, metric: Metric, variant: str) -> dict[str, str]:
        return self.labels_for(self.matchers_of(metric), variant)

    def absent_labels(self, metric: Metric, variant: str) -> dict[str, str]:
        """The labels `absent(selector)` returns: those its equality matchers set."""
        found = {k: v for k, op, v in self.matchers_of(metric) if op == "=" and v}
        return {**found, **self.out_labels(variant)}

    def request_labels(self, variant: str) -> tuple[dict[str, str], dict[str, str] | None]:
        """Labels of a variant's requests: with an error selector, (the others, the failed);
        else (all, None). The others violate every error matcher they can (one at least)."""
        requests = self.metrics.requests
        assert requests is not None
        enclosing = self.matchers_of(requests)
        errors = requests.error_matchers()
        if not errors:
            return self.labels_for(enclosing, variant), None
        failed = self.labels_for([*enclosing, *errors], variant)
        for violate in (errors, *([e] for e in errors)):
            try:
                return self.labels_for(enclosing, variant, violate), failed
            except Unsatisfiable:
                continue
        raise Unsatisfiable("no labels for a request the error selector leaves out")

    def out_labels(self, variant: str) -> dict[str, str]:
        return {self.variant_label: variant} if self.variant_label is not None else {}

    @property
    def output_variant_label(self) -> str:
        return self.variant_label or DEFAULT_VARIANT_LABEL

    def gauge(self, metric: Metric, variant: str, value: float, **extra: str) -> Fixture:
        # an instance as scrapes add it, unless a selector matches it (its value is theirs)
        own = (
            {"instance": "model-0"}
            if all(m[0] != "instance" for m in self.matchers_of(metric))
            else {}
        )
        labels = {**self.base_labels(metric, variant), **extra, **own}
        return Fixture(
            [series(metric.name, labels, constant(value, self.samples))],
            {variant: value},
            {variant: {**self.out_labels(variant), **extra}},
        )

    def requests(self, variant: str, total: float, errors: float) -> list[dict[str, str]]:
        """Counters for one variant: `total` requests a step, `errors` of them failed."""
        m = self.metrics
        assert m.requests is not None
        ok, failed = self.request_labels(variant)
        w = self.weight
        out = []
        if failed is not None:
            out.append(series(m.requests.name, ok, counter((total - errors) * w, self.samples)))
            if errors:
                out.append(series(m.requests.name, failed, counter(errors * w, self.samples)))
        else:
            out.append(series(m.requests.name, ok, counter(total * w, self.samples)))
            if m.errors is not None and errors:
                out.append(
                    series(
                        m.errors.name,
                        self.base_labels(m.errors, variant),
                        counter(errors * w, self.samples),
                    )
                )
        return out

    def histogram(
        self, variant: str, buckets: list[tuple[float, float]], inf: float | None = None
    ) -> list[dict[str, str]]:
        """Cumulative bucket counters: (upper bound, observations a step); every
        observation within the last bound unless `inf` counts them all."""
        m = self.metrics.latency
        assert m is not None
        labels = self.base_labels(m, variant)
        everything = buckets[-1][1] if inf is None else inf
        return [
            series(f"{m.name}_bucket", {**labels, "le": le}, counter(n * self.weight, self.samples))
            for le, n in [(format_number(b), n) for b, n in buckets] + [("+Inf", everything)]
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
            total = summed([rates[name] for name in sorted(targets)], self.reading)
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
