"""promtool unit tests derived from each alert's intent, and from each recording rule.

For every alerting rule, three test groups with synthetic series:
- the judged value crosses the threshold and holds past `for`: the alert fires, with its
  exact labels and rendered annotations;
- the value crosses it, but the test looks before `for` has passed: it does not fire yet;
- the value stays just inside the threshold: it does not fire.
Expected alerts are computed over every rule of the same name, so a critical level firing
beside its warning is expected, not a surprise. For recording rules, one group of healthy
traffic checks each recorded value, computed here with the same float operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from monogen.compile import gotemplate
from monogen.compile.promql import quote
from monogen.compile.rules import DEFAULT_VARIANT_LABEL
from monogen.spec.experiment import Metric
from monogen.spec.families import FAMILIES
from monogen.spec.quantities import format_number, parse_duration
from monogen.spec.validate import ExperimentDoc
from monogen.targets.rules import AlertingRule, RecordingRule, RuleFile

STEP = 60  # seconds between samples and between rule evaluations
RATE_FAMILIES = {"error_rate", "latency", "traffic_split"}
WINDOW_SAMPLES = 5  # rate windows are full (no extrapolation) from this many steps on


@dataclass
class Fixture:
    """Input series for one scenario and the value the alert expression will see."""

    series: list[dict[str, str]] = field(default_factory=list)
    values: dict[str, float] = field(default_factory=dict)  # variant → judged value
    output_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # variant → labels


@dataclass
class PromTests:
    document: dict[str, Any]
    proven: list[str]  # "Alert/severity" of every alert with a firing case
    unproven: list[str]


def compile_promtests(rules: RuleFile, exp: ExperimentDoc, rule_path: str) -> PromTests:
    ctx = _Context(exp, rules)
    groups: list[dict[str, Any]] = []
    proven, unproven = [], []
    for rule in rules.alerts:
        made = ctx.alert_groups(rule)
        key = f"{rule.alert}/{rule.labels['severity']}"
        (proven if made else unproven).append(key)
        groups.extend(made)
    if rules.records:
        groups.append(ctx.recording_group())
    document = {
        "rule_files": [rule_path],
        "evaluation_interval": "1m",
        "tests": groups,
    }
    return PromTests(document, proven, unproven)


def _series(name: str, labels: dict[str, str], values: str) -> dict[str, str]:
    inner = ", ".join(f"{k}={quote(v)}" for k, v in sorted(labels.items()))
    return {"series": f"{name}{{{inner}}}", "values": values}


def _constant(value: float, samples: int) -> str:
    return f"{format_number(value)}x{samples}"


def _counter(per_step: float, samples: int) -> str:
    return f"0+{format_number(per_step)}x{samples}"


class _Context:
    def __init__(self, exp: ExperimentDoc, rules: RuleFile) -> None:
        self.exp = exp
        self.spec = exp.spec.spec
        self.rules = rules
        self.variant_label = self.spec.variant_label or DEFAULT_VARIANT_LABEL
        self.in_metrics = self.spec.variant_label is not None
        self.variants = [v.name for v in self.spec.variants]
        longest = max((parse_duration(r.for_) for r in rules.alerts), default=0)
        self.samples = int(longest // STEP) + 20

    # -- series -----------------------------------------------------------------------

    def base_labels(self, metric: Metric, variant: str) -> dict[str, str]:
        labels = {**self.spec.selector, **{k: v for k, v in metric.selector.items()}}
        if self.in_metrics:
            labels[self.variant_label] = variant
        return labels

    def out_labels(self, variant: str) -> dict[str, str]:
        return {self.variant_label: variant} if self.in_metrics else {}

    def gauge(self, metric: Metric, variant: str, value: float, **extra: str) -> Fixture:
        labels = {**self.base_labels(metric, variant), **extra, "instance": "model-0"}
        return Fixture(
            [_series(metric.name, labels, _constant(value, self.samples))],
            {variant: value},
            {variant: {**self.out_labels(variant), **extra}},
        )

    def requests(self, variant: str, total: float, errors: float) -> list[dict[str, str]]:
        """Counters for one variant: `total` requests a step, `errors` of them failed."""
        m = self.spec.metrics
        assert m.requests is not None
        labels = self.base_labels(m.requests, variant)
        out = []
        if m.requests.error_selector:
            failed = {**labels, **m.requests.error_selector}
            ok = {**labels, **{k: f"not-{v}" for k, v in m.requests.error_selector.items()}}
            out.append(_series(m.requests.name, ok, _counter(total - errors, self.samples)))
            if errors:
                out.append(_series(m.requests.name, failed, _counter(errors, self.samples)))
        else:
            out.append(_series(m.requests.name, labels, _counter(total, self.samples)))
            if m.errors is not None and errors:
                out.append(
                    _series(
                        m.errors.name,
                        self.base_labels(m.errors, variant),
                        _counter(errors, self.samples),
                    )
                )
        return out

    def histogram(self, variant: str, buckets: list[tuple[float, float]]) -> list[dict[str, str]]:
        """Cumulative bucket counters: (upper bound, observations a step)."""
        m = self.spec.metrics.latency
        assert m is not None
        labels = self.base_labels(m, variant)
        return [
            _series(f"{m.name}_bucket", {**labels, "le": le}, _counter(n, self.samples))
            for le, n in [(format_number(b), n) for b, n in buckets] + [("+Inf", buckets[-1][1])]
        ]

    # -- what each family sees --------------------------------------------------------

    def fixture(self, rule: AlertingRule, variant: str, value: float) -> Fixture | None:
        family = rule.intent.family if rule.intent else ""
        m = self.spec.metrics
        g = self.spec.guardrails
        if family == "error_rate":
            total = 100000.0
            errors = round(value * total)
            series = self.requests(variant, total, errors)
            seen = (
                _rate(errors) / (_rate(total - errors) + _rate(errors))
                if (m.requests and m.requests.error_selector)
                else _rate(errors) / _rate(total)
            )
            return Fixture(series, {variant: seen}, {variant: self.out_labels(variant)})
        if family == "latency":
            q = g.latency.quantile if g.latency else 0.95
            bound = value / q
            per_step = 600.0
            series = self.histogram(variant, [(bound, per_step)])
            c = _rate(per_step)
            seen = 0 + (bound - 0) * ((q * c) / c)
            return Fixture(series, {variant: seen}, {variant: self.out_labels(variant)})
        if family == "traffic_split":
            return self.traffic(variant, value)
        if family == "server_down":
            guard = g.server_down
            assert guard is not None
            labels = {**self.spec.selector, **guard.selector}
            labels.setdefault("job", "model-server")
            labels["instance"] = "model-server-0:8080"
            return Fixture(
                [_series(guard.metric, labels, _constant(value, self.samples))],
                {variant: value},
                {variant: labels},
            )
        if family == "drift":
            assert m.drift is not None
            feature = (g.drift.features or ["feature_a"])[0] if g.drift else "feature_a"
            return self.gauge(m.drift, variant, value, **{m.drift.feature_label: feature})
        if family == "business_impact":
            assert m.business_impact is not None and g.business_impact is not None
            fixture = self.gauge(
                m.business_impact,
                variant,
                value,
                **{m.business_impact.type_label: g.business_impact.type},
            )
            fixture.output_labels[variant] = self.out_labels(variant)
            return fixture
        metric = getattr(m, FAMILIES[family].metric or "", None)
        if metric is None:
            return None
        return self.gauge(metric, variant, value)

    def traffic(self, variant: str, share: float) -> Fixture:
        """`variant` receives `share` percent; the others split the rest by their targets."""
        targets = {v.name: v.traffic or 0 for v in self.spec.variants}
        others = sum(t for name, t in targets.items() if name != variant) or 1
        shares = {
            name: share if name == variant else (100 - share) * targets[name] / others
            for name in targets
        }
        per_step = {name: round(s * 100) for name, s in shares.items()}
        m = self.spec.metrics
        if m.requests is not None:
            series = [s for name, n in per_step.items() for s in self.requests(name, n, 0)]
            rates = {name: _rate(n) for name, n in per_step.items()}
            total = sum(rates[name] for name in targets)
            seen = {name: 100 * rates[name] / total for name in targets}
        else:
            assert m.traffic_share is not None
            scale = 1 if m.traffic_share.scale == "percent" else 0.01
            series = [
                _series(
                    m.traffic_share.name,
                    self.base_labels(m.traffic_share, name),
                    _constant(s * scale, self.samples),
                )
                for name, s in shares.items()
            ]
            seen = {name: (1 if scale == 1 else 100) * (s * scale) for name, s in shares.items()}
        return Fixture(series, seen, {name: self.out_labels(name) for name in targets})

    # -- alert groups -----------------------------------------------------------------

    def alert_groups(self, rule: AlertingRule) -> list[dict[str, Any]]:
        intent = rule.intent
        if intent is None:
            return []
        family = intent.family
        variant = (intent.variants or self.variants)[0]
        threshold = intent.threshold
        bad, inside = _probe_values(family, intent.direction, threshold, self)
        if bad is None or inside is None:
            return []
        start = STEP if family in RATE_FAMILIES else 0
        for_ = parse_duration(rule.for_)
        fires_at = start + for_ + STEP
        groups = []
        for label, value, at in (
            ("crosses and holds past `for`: fires", bad, fires_at),
            ("crosses, but not yet for `for`: silent", bad, start + for_ - STEP),
            ("stays just inside: silent", inside, fires_at),
        ):
            if at < start or (label.startswith("crosses, but") and for_ < STEP):
                continue
            fixture = self.fixture(rule, variant, value)
            if fixture is None:
                return []
            expected = self.expected(rule.alert, fixture, at - start)
            if label.endswith("fires") and not any(
                e["exp_labels"]["severity"] == rule.labels["severity"] for e in expected
            ):
                return []  # the probe value could not make this level fire
            groups.append(
                {
                    "name": f"{rule.alert} ({rule.labels['severity']}): {label}",
                    "interval": "1m",
                    "input_series": fixture.series,
                    "alert_rule_test": [
                        {"eval_time": _minutes(at), "alertname": rule.alert, "exp_alerts": expected}
                    ],
                }
            )
        return groups

    def expected(self, alert: str, fixture: Fixture, elapsed: float) -> list[dict[str, Any]]:
        """Every rule named `alert` that fires on this fixture after `elapsed` seconds."""
        found = []
        for rule in self.rules.alerts:
            intent = rule.intent
            if rule.alert != alert or intent is None:
                continue
            if elapsed < parse_duration(rule.for_):
                continue
            for variant, value in sorted(fixture.values.items()):
                if intent.variants and variant not in intent.variants:
                    continue
                crossed = (
                    value < intent.threshold
                    if intent.direction == "below"
                    else (value > intent.threshold)
                )
                if intent.family == "server_down":
                    crossed = value == 0
                elif intent.family == "traffic_split":
                    target = next(v.traffic or 0 for v in self.spec.variants if v.name == variant)
                    low = max(target - intent.threshold, 0)
                    high = min(target + intent.threshold, 100)
                    crossed = value < low or value > high
                if not crossed:
                    continue
                expr_labels = fixture.output_labels[variant]
                labels = {**expr_labels, **rule.labels}
                found.append(
                    {
                        "exp_labels": dict(sorted(labels.items())),
                        "exp_annotations": {
                            k: gotemplate.render(v, expr_labels, value)
                            for k, v in rule.annotations.items()
                        },
                    }
                )
        return found

    # -- recording rules --------------------------------------------------------------

    def recording_group(self) -> dict[str, Any]:
        """Healthy traffic on every variant; each recorded series checked for its value."""
        m = self.spec.metrics
        series: list[dict[str, str]] = []
        expected: dict[str, list[tuple[dict[str, str], float]]] = {}
        n = len(self.variants)
        # (requests a step, errors a step): whole numbers a second, so every recorded value
        # is one correctly rounded operation away from exact, in Go as in Python.
        per_variant = {
            v: (float(600 * (i + 1)), float(60 * (i + 1))) for i, v in enumerate(self.variants)
        }
        if m.requests is not None:
            for v, (total, errors) in per_variant.items():
                series += self.requests(v, total, errors)
        elif m.traffic_share is not None and self.in_metrics:
            fixture = self.traffic(self.variants[0], 100 / n)
            series += fixture.series
        if m.latency is not None:
            for v in self.variants:
                series += self.histogram(v, [(0.1, 300.0), (0.5, 600.0)])
        for rule in self.rules.records:
            samples = self.recorded_values(rule, per_variant)
            if samples is not None:
                expected[rule.record] = samples
        tests = []
        for record, samples in expected.items():
            tests.append(
                {
                    "expr": record,
                    "eval_time": _minutes(STEP * 10),
                    "exp_samples": [
                        {
                            "labels": record
                            + "{"
                            + ", ".join(f"{k}={quote(val)}" for k, val in sorted(labels.items()))
                            + "}",
                            "value": value,
                        }
                        for labels, value in samples
                    ],
                }
            )
        return {
            "name": "recording rules on healthy traffic",
            "interval": "1m",
            "input_series": series,
            "promql_expr_test": tests,
        }

    def recorded_values(
        self, rule: RecordingRule, per_variant: dict[str, tuple[float, float]]
    ) -> list[tuple[dict[str, str], float]] | None:
        name = rule.record
        labels = rule.labels
        m = self.spec.metrics
        out: list[tuple[dict[str, str], float]] = []
        rates = {}
        for v, (total, errors) in per_variant.items():
            if m.requests and m.requests.error_selector:
                rates[v] = (_rate(total - errors) + _rate(errors), _rate(errors))
            else:
                rates[v] = (_rate(total), _rate(errors))

        def each(fn: Any) -> list[tuple[dict[str, str], float]]:
            return [({**labels, **self.out_labels(v)}, fn(v)) for v in self.variants]

        op = name.split(":")[-1]
        if name.endswith("_bucket:" + op) and name.startswith("experiment_variant_le:"):
            for v in self.variants:
                for le, n in (("0.1", 300.0), ("0.5", 600.0), ("+Inf", 600.0)):
                    out.append(({**labels, **self.out_labels(v), "le": le}, _rate(n)))
            return sorted(out, key=lambda s: sorted(s[0].items()))
        if op.startswith("p") and "_rate" in op:
            q = float(op[1:].split("_rate")[0].replace("_", ".")) / 100
            return each(lambda v: _quantile(q, [(0.1, _rate(300.0)), (0.5, _rate(600.0))]))
        if op.startswith("traffic_percent"):
            if m.requests is None:
                return each(lambda v: 100 / len(self.variants))
            total = sum(rates[v][0] for v in self.variants)
            return each(lambda v: 100 * rates[v][0] / total)
        if op.startswith("ratio_"):
            return each(lambda v: rates[v][1] / rates[v][0])
        base = m.requests.name.removesuffix("_total") if m.requests else ""
        if name.startswith(f"experiment_variant:{base}:rate"):
            return each(lambda v: rates[v][0])
        if op.startswith("rate"):
            return each(lambda v: rates[v][1])
        return None


def _rate(per_step: float) -> float:
    """rate() over a full window of a counter growing `per_step` a step, as Prometheus
    computes it: increase over the window divided by its seconds."""
    return (per_step * WINDOW_SAMPLES) / (STEP * WINDOW_SAMPLES)


def _quantile(q: float, buckets: list[tuple[float, float]]) -> float:
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


def _probe_values(
    family: str, direction: str, threshold: float, ctx: _Context
) -> tuple[float | None, float | None]:
    """A value just past the threshold, and one just inside it, valid for the metric."""
    if family == "server_down":
        return 0.0, 1.0
    if family == "traffic_split":
        target = next(v.traffic or 0 for v in ctx.spec.variants)
        over = target + threshold + 0.5
        bad = over if over <= 100 else target - threshold - 0.5
        if not 0 <= bad <= 100 or len(ctx.variants) < 2:
            return None, None
        inside = target + threshold - 0.5 if over <= 100 else target - threshold + 0.5
        return bad, inside
    unit = FAMILIES[family].unit
    scale = 1.0
    low, high = -1e12, 1e12
    if unit in ("percent",) or (unit == "scaled" and _scale_of(family, ctx) == "percent"):
        low, high, scale = 0.0, 100.0, 100.0
    elif unit in ("ratio", "scaled"):
        low, high, scale = 0.0, 1.0, 1.0
    elif unit == "seconds":
        low, scale = 1e-6, 1.0
    # Close on both sides: a threshold moved by more than the margin fails a test.
    small = {"percent": 0.5, "ratio": 0.005, "seconds": 0.005}.get(unit, 0.01)
    if unit == "scaled":
        small = 0.5 if scale == 100.0 else 0.005
    margin = max(abs(threshold) * 0.02, small)
    sign = -1 if direction == "below" else 1
    bad = min(max(threshold + sign * margin, low), high)
    inside = min(max(threshold - sign * margin, low), high)
    crossed = bad < threshold if direction == "below" else bad > threshold
    kept = not (inside < threshold if direction == "below" else inside > threshold)
    return (bad if crossed else None), (inside if kept else None)


def _scale_of(family: str, ctx: _Context) -> str:
    metric = getattr(ctx.spec.metrics, FAMILIES[family].metric or "", None)
    return getattr(metric, "scale", "ratio")


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}m"
