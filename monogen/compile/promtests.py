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

import dataclasses
from dataclasses import dataclass
from typing import Any

from monogen.compile import decoys
from monogen.compile.fixtures import (
    STEP,
    Fixture,
    FixtureContext,
    Unsatisfiable,
    bucket_quantile,
    exact_rates,
)
from monogen.compile.matchers import of_selector
from monogen.compile.promql import quote
from monogen.compile.readings import READINGS
from monogen.compile.rules import scope_of
from monogen.kinds.base import Healthy
from monogen.model.rules import AlertingRule, RecordingRule, RuleFile
from monogen.spec.quantities import parse_duration
from monogen.spec.validate import ExperimentDoc


@dataclass
class PromTests:
    document: dict[str, Any]
    proven: list[str]  # "Alert/severity" of every alert with a firing case
    unproven: list[str]
    cases: dict[str, list[str]] = dataclasses.field(default_factory=dict)  # alert → groups
    unsettled: list[str] = dataclasses.field(default_factory=list)  # records releases read apart


def compile_promtests(rules: RuleFile, exp: ExperimentDoc, rule_path: str) -> PromTests:
    ctx = _Context(exp, rules)
    groups: list[dict[str, Any]] = []
    proven, unproven = [], []
    cases: dict[str, list[str]] = {}
    for rule in rules.alerts:
        made = ctx.alert_groups(rule)
        key = f"{rule.alert}/{rule.labels['severity']}"
        (proven if made else unproven).append(key)
        cases.setdefault(key, []).extend(g["name"] for g in made)
        groups.extend(made)
    unsettled: list[str] = []
    if rules.records:
        group, unsettled = ctx.recording_group()
        groups.append(group)
    document = {
        "rule_files": [rule_path],
        "evaluation_interval": "1m",
        # the rule file's order: alerts read what the recording rules recorded at the
        # same instant (promtool otherwise evaluates groups in a random order)
        "group_eval_order": [g.name for g in rules.groups],
        "tests": groups,
    }
    return PromTests(document, proven, unproven, cases, unsettled)


class _Context:
    def __init__(self, exp: ExperimentDoc, rules: RuleFile) -> None:
        spec = exp.spec.spec
        self.rules = rules
        self.guardrails = exp.guardrails
        # past the longest `for` (and any warm-up beyond the first step), with room to spare
        longest = max(
            (
                parse_duration(r.for_) + max(r.intent.rail.kind.warmup(r.intent.rail) - STEP, 0)
                for r in rules.alerts
                if r.intent
            ),
            default=0,
        )
        self.fx = FixtureContext(
            tuple(of_selector(spec.selector)),
            spec.variant_label,
            tuple(spec.variants),
            spec.metrics,
            int(longest // STEP) + 20,
            parse_duration(spec.rate_window),
            scope_of(exp),
        )
        self.variants = self.fx.names
        self.decoys = decoys.excluding(exp)  # matchers whose left-out series get decoys
        # the rules each guardrail raises under each alert name, by the variants they are
        # limited to ("" for all): a proof looks at its own variant's, so the expected
        # alerts of N treatments' proofs cost N lookups, not N scans of N rules
        self.raised: dict[tuple[str, int, str], list[AlertingRule]] = {}
        self.position = {id(r): i for i, r in enumerate(rules.alerts)}  # expected: as listed
        for rule in rules.alerts:
            if rule.intent is not None:
                for variant in rule.intent.variants or ("",):
                    key = (rule.alert, id(rule.intent.rail), variant)
                    self.raised.setdefault(key, []).append(rule)

    # -- alert groups -----------------------------------------------------------------

    def alert_groups(self, rule: AlertingRule) -> list[dict[str, Any]]:
        """The alert's test groups, computed under every release's reading of a range; a
        case whose expected alerts differ between releases proves nothing on one of them,
        so then there are none (the alert shows as unproven)."""
        made = [self._alert_groups(rule, dataclasses.replace(self.fx, reading=r)) for r in READINGS]
        return made[0] if all(m == made[0] for m in made[1:]) else []

    def _alert_groups(self, rule: AlertingRule, fx: FixtureContext) -> list[dict[str, Any]]:
        intent = rule.intent
        if intent is None:
            return []
        rail = intent.rail
        kind = rail.kind
        variant = (intent.variants or self.variants)[0]
        bad, inside = kind.probes(rail, intent.threshold, fx)
        if bad is None or inside is None:
            return []
        start = kind.warmup(rail)
        for_ = parse_duration(rule.for_)
        # series long enough for this alert's checks, not the experiment's longest
        fx = dataclasses.replace(fx, samples=int((start + for_) // STEP) + 5)
        fires_at = start + for_ + STEP
        groups = []
        for label, value, at, case, other in (
            ("crosses and holds past `for`: fires", bad, fires_at, "fires", inside),
            ("crosses, but not yet for `for`: silent", bad, start + for_ - STEP, "", None),
            ("stays just inside: silent", inside, fires_at, "inside", bad),
        ):
            if at < start or (label.startswith("crosses, but") and for_ < STEP):
                continue
            try:
                fixture = kind.fixture(rail, fx, variant, value)
            except Unsatisfiable:
                return []  # no labels satisfy the selectors: unproven, not wrong
            if fixture is None:
                return []
            series = fixture.series + decoys.decoy_series(
                lambda f, value=other: kind.fixture(rail, f, variant, value),
                fx,
                self.decoys if other is not None else [],
                decoys.WEIGHT,
                lambda m, case=case: kind.decoy(rail, m) == case,
                fixture.interval,
                fixture.series,
            )
            expected = self.expected(rule.alert, rail, fixture, at - start, fx)
            if label.endswith("fires") and not any(
                e["exp_labels"]["severity"] == rule.labels["severity"] for e in expected
            ):
                return []  # the probe value could not make this level fire
            groups.append(
                {
                    "name": f"{rule.alert} ({rule.labels['severity']}): {label}",
                    "interval": _duration(fixture.interval),
                    "input_series": series,
                    "alert_rule_test": [
                        {"eval_time": _minutes(at), "alertname": rule.alert, "exp_alerts": expected}
                    ],
                }
            )
        for label, fixture, fires, at, held in kind.floor_cases(rail, fx, variant, for_):
            expected = self.expected(rule.alert, rail, fixture, held, fx)
            if not fires:
                expected = []
            elif not any(e["exp_labels"]["severity"] == rule.labels["severity"] for e in expected):
                return []
            groups.append(
                {
                    "name": f"{rule.alert} ({rule.labels['severity']}): {label}",
                    "interval": _duration(fixture.interval),
                    "input_series": fixture.series,
                    "alert_rule_test": [
                        {"eval_time": _minutes(at), "alertname": rule.alert,
                         "exp_alerts": expected}
                    ],
                }
            )  # fmt: skip
        return groups

    def expected(
        self, alert: str, rail: Any, fixture: Fixture, elapsed: float, fx: FixtureContext
    ) -> list[dict[str, Any]]:
        """Every rule named `alert` from guardrail `rail` (its other levels, treatments) that
        fires on this fixture after `elapsed` seconds. Another guardrail raising the same
        alert name judges series this fixture does not hold."""
        found = []
        candidates = {
            id(r): r
            for v in ("", *fixture.values)
            for r in self.raised.get((alert, id(rail), v), ())
        }
        for rule in sorted(candidates.values(), key=lambda r: self.position[id(r)]):
            intent = rule.intent
            assert intent is not None
            if elapsed < parse_duration(rule.for_):
                continue
            for variant, value in sorted(fixture.values.items()):
                if intent.variants and variant not in intent.variants:
                    continue
                if not rail.kind.crossed(rail, intent.threshold, fx, variant, value):
                    continue
                expr_labels = fixture.output_labels[variant]
                labels = {**expr_labels, **rule.labels}
                found.append(
                    {
                        "exp_labels": dict(sorted(labels.items())),
                        "exp_annotations": {
                            k: v.shown(expr_labels, value, fixture.queries)
                            for k, v in rule.annotations.items()
                        },
                    }
                )
        return found

    # -- recording rules --------------------------------------------------------------

    # Healthy traffic: (requests a step, errors a step) per variant, whole numbers a
    # second, so every recorded value is one correctly rounded operation away from exact,
    # in Go as in Python; and latency buckets (upper bound, observations a step).
    BUCKETS = ((0.1, 300.0), (0.5, 600.0))

    def recording_group(self) -> tuple[dict[str, Any], list[str]]:
        """Healthy traffic on every variant; each recorded series checked for its value,
        where every release's reading computes the same one (the others, named, are not
        checked: an exact check would fail on some release). Request rates are tried in
        turn until every reading computes every recorded value alike (long windows'
        increases agree for some rates only)."""
        first = None
        for skip in range(self.RATE_TRIES):
            fx = [dataclasses.replace(self.fx, reading=r) for r in READINGS]
            made = [self._recording_group(f, skip) for f in fx]
            group, tests = made[0]
            kept = [t for i, t in enumerate(tests) if all(o[i] == t for _, o in made[1:])]
            unsettled = [t["expr"] for t in tests if t not in kept]
            first = first or ({**group, "promql_expr_test": kept}, unsettled)
            if not unsettled:
                return {**group, "promql_expr_test": kept}, []
        return first

    RATE_TRIES = 40  # sets of healthy rates tried before some values go unchecked

    def _recording_group(
        self, fx: FixtureContext, skip: int = 0
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        m = fx.metrics
        series: list[dict[str, str]] = []
        per_variant = {
            v: (per_second * STEP, per_second * STEP / 10)
            for v, per_second in zip(
                self.variants, exact_rates(len(self.variants), fx.window, skip), strict=True
            )
        }
        if m.requests is not None:
            for v, (total, errors) in per_variant.items():
                series += fx.requests(v, total, errors)
        elif m.traffic_share is not None and fx.in_metrics:
            series += fx.traffic(self.variants[0], 100 / len(self.variants)).series
        if m.latency is not None:
            for v in self.variants:
                series += fx.histogram(v, list(self.BUCKETS))
        series += self.healthy_decoys(fx, per_variant, series)
        at = self.recording_eval_time()
        healthy = Healthy(
            {v: total for v, (total, _) in per_variant.items()},
            {v: errors for v, (_, errors) in per_variant.items()},
            self.BUCKETS,
            at,
        )
        tests = []
        static = fx.scope.static_labels if fx.scope else {}
        for rule in self.rules.records:
            samples = self.recorded_values(rule, per_variant, fx)
            for rail in self.guardrails:
                if samples is None:
                    samples = rail.kind.expected_record(rail, rule, fx, healthy)
            if samples is None:
                continue
            # rules sharing a name (one per SLO) are told apart by their own labels
            own = {k: v for k, v in rule.labels.items() if k not in static}
            tests.append(
                {
                    "expr": _series_text(rule.record, own) if own else rule.record,
                    "eval_time": _minutes(at),
                    "exp_samples": [
                        {"labels": _series_text(rule.record, labels), "value": value}
                        for labels, value in samples
                    ],
                }
            )
        group = {"name": "recording rules on healthy traffic", "interval": "1m"}
        return {**group, "input_series": series}, tests

    def healthy_decoys(
        self, fx: FixtureContext, per_variant: dict[str, tuple[float, float]], among: list
    ) -> list[dict[str, str]]:
        """Series the selectors leave out, shaped unlike the healthy ones (half of the
        requests failed, every observation slower than every bound, one variant's whole
        share), so that a recording rule counting them records another value than the
        one expected."""
        m = fx.metrics

        def make(f: FixtureContext) -> Fixture:
            found = []
            if m.requests is not None:
                for v, (total, _) in per_variant.items():
                    found += f.requests(v, total, total / 2)
            elif m.traffic_share is not None and f.in_metrics:
                found += f.traffic(self.variants[0], 100.0).series
            if m.latency is not None:
                for v in self.variants:
                    found += f.histogram(v, [(bound, 0.0) for bound, _ in self.BUCKETS], 600.0)
            return Fixture(found)

        return decoys.decoy_series(make, fx, self.decoys, decoys.HEALTHY_WEIGHT, among=among)

    def recording_eval_time(self) -> float:
        """Ten steps in, or once the longest window a guardrail records is full."""
        warmups = [rail.kind.warmup(rail) for rail in self.guardrails]
        return max([STEP * 10, *warmups])

    def recorded_values(
        self, rule: RecordingRule, per_variant: dict[str, tuple[float, float]], fx: FixtureContext
    ) -> list[tuple[dict[str, str], float]] | None:
        """The value of each series `rule` records on the healthy traffic, by its meaning."""
        requests = fx.metrics.requests
        rates = {}
        for v, (total, errors) in per_variant.items():
            if requests and requests.error_selector:
                rates[v] = (fx.rate(total - errors) + fx.rate(errors), fx.rate(errors))
            else:
                rates[v] = (fx.rate(total), fx.rate(errors))

        def each(fn: Any) -> list[tuple[dict[str, str], float]]:
            return [({**rule.labels, **fx.out_labels(v)}, fn(v)) for v in self.variants]

        what, *args = rule.meaning or ("",)
        if what == "buckets":
            out = [
                ({**rule.labels, **fx.out_labels(v), "le": le}, fx.rate(n))
                for v in self.variants
                for le, n in (("0.1", 300.0), ("0.5", 600.0), ("+Inf", 600.0))
            ]
            return sorted(out, key=lambda s: sorted(s[0].items()))
        if what == "quantile":
            buckets = [(bound, fx.rate(n)) for bound, n in self.BUCKETS]
            return each(lambda v: bucket_quantile(float(args[0]), buckets))
        if what == "traffic_percent":
            if requests is None:
                return each(lambda v: 100 / len(self.variants))
            total = sum(rates[v][0] for v in self.variants)
            return each(lambda v: 100 * rates[v][0] / total)
        if what == "error_ratio":
            return each(lambda v: rates[v][1] / rates[v][0])
        if what == "requests":
            return each(lambda v: rates[v][0])
        if what == "errors":
            return each(lambda v: rates[v][1])
        return None


def _series_text(name: str, labels: dict[str, str]) -> str:
    return name + "{" + ", ".join(f"{k}={quote(v)}" for k, v in sorted(labels.items())) + "}"


def _minutes(seconds: float) -> str:
    return f"{int(seconds // 60)}m"


def _duration(seconds: int) -> str:
    return f"{seconds // 60}m" if seconds % 60 == 0 else f"{seconds}s"
