"""What a report says of one experiment over a window, read from a live Prometheus with
the expressions the generated rules use (recorded series inlined, see inline.py): the
traffic each variant got and its sample-ratio test, each comparison's effect, each
guardrail over time with its thresholds and firing, SLO budgets and burn, and the record
of what was asked."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field

from monogen import __version__
from monogen.compile.promql import aggregate, equals, quote, selector
from monogen.compile.rules import recorded_series
from monogen.compile.scope import Records
from monogen.kinds.base import Guardrail
from monogen.kinds.comparison import TreatmentComparison
from monogen.kinds.comparison_proof import ComparisonOptions
from monogen.kinds.sample_ratio import SampleRatioMismatch, SampleRatioOptions
from monogen.kinds.slo import ServiceLevelObjectives
from monogen.kinds.slo_proof import SloOptions
from monogen.model.build import Compiled
from monogen.readout import effects
from monogen.readout.backtest import alert_episodes, interval_of, range_query
from monogen.readout.episodes import episodes
from monogen.readout.inline import Inliner
from monogen.readout.prometheus_api import PrometheusApi, ReadoutError, Series, check_range
from monogen.readout.verdicts import Verdict, compare
from monogen.spec.metrics import Metrics
from monogen.spec.quantities import format_duration, parse_duration
from monogen.spec.validate import ExperimentDoc

SRM_ALPHA = 0.001  # without a sampleRatioMismatch guardrail, its default level
BURN_WINDOW = "1h"  # burn over time: the ratio of the shortest long window


@dataclass(frozen=True)
class Timeline:
    """A guardrail's judged value over time, its thresholds and when it fired."""

    alert: str
    title: str
    category: str
    unit: str
    direction: str
    thresholds: tuple[tuple[str, float], ...]  # (severity, value)
    series: list[Series]
    firing: list[tuple[str, float, float]]  # (severity, start, end)


@dataclass(frozen=True)
class SloReadout:
    name: str
    objective: float
    period: str
    remaining: dict[str, float]  # variant → share of the budget left (request-weighted)
    burn: list[Series]


@dataclass
class Readout:
    experiment: str
    url: str
    start: float
    end: float
    step: float
    digest: str
    version: str = __version__
    variant_label: str = "variant"
    variants: list[tuple[str, str, float | None]] = field(default_factory=list)
    requests: dict[str, float] = field(default_factory=dict)
    srm: effects.Mismatch | None = None
    srm_alpha: float = SRM_ALPHA
    verdicts: list[Verdict] = field(default_factory=list)
    timelines: list[Timeline] = field(default_factory=list)
    objectives: list[SloReadout] = field(default_factory=list)
    traffic: list[Series] = field(default_factory=list)
    firing_source: str = ""  # "ALERTS" (rules loaded) or "evaluated"
    queries: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def srm_failed(self) -> bool:
        return self.srm is not None and self.srm.p_value < self.srm_alpha

    @property
    def window(self) -> str:
        return format_duration(self.end - self.start)


def spec_digest(exp: ExperimentDoc) -> str:
    text = exp.spec.model_dump_json(by_alias=True)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


def default_step(start: float, end: float) -> float:
    """About 720 points a chart, in whole minutes."""
    return float(max(60, math.ceil((end - start) / 720 / 60) * 60))


def read(
    compiled: Compiled, name: str, api: PrometheusApi, start: float, end: float,
    step: float, confidence: float,
) -> Readout:  # fmt: skip
    exp = next(e for e in compiled.specs.experiments if e.name == name)
    records = recorded_series(exp)
    scope = records.scope
    check_range(start, end, step)  # the charts' step: said before any query is sent
    out = Readout(name, api.url, start, end, step, spec_digest(exp))
    out.variant_label = scope.variant_label
    out.variants = [(v.name, v.role or "", v.traffic) for v in exp.spec.spec.variants]
    metrics = exp.spec.spec.metrics
    window = f"{round(end - start)}s"
    if metrics.requests is not None:
        picked = selector(metrics.requests.name, scope.matchers(metrics.requests))
        counted = api.query(
            aggregate("sum", scope.grouping(), f"increase({picked}[{window}])"), end
        )
        out.requests = {scope.variant_of(dict(s.labels)): s.value for s in counted}
        if not out.requests or sum(out.requests.values()) <= 0:
            raise ReadoutError(
                f"no requests of experiment {name} between the range's ends "
                f"({metrics.requests.name} with its selector)",
                "is the range right (--from/--to), and does this server scrape the "
                "experiment's services?",
            )
    srm_rail = next((r for r in exp.guardrails if isinstance(r.kind, SampleRatioMismatch)), None)
    if srm_rail is not None:
        out.srm_alpha = SampleRatioOptions.of(srm_rail).p
    shares = {v: t for v, _, t in out.variants if t}
    if out.requests and len(shares) == len(out.variants) >= 2:
        out.srm = effects.sample_ratio(out.requests, shares)
    rule_file = compiled.rules[name]
    inliner = Inliner.of(rule_file)
    for rail in exp.guardrails:
        if isinstance(rail.kind, TreatmentComparison):
            out.verdicts += compare(rail, exp, scope, api, start, end, step, confidence)
    out.timelines, out.firing_source = _timelines(compiled, name, inliner, api, start, end, step)
    out.notes += [
        f"no data in the range for {t.title} ({t.alert}): its series are missing"
        for t in out.timelines
        if not t.series
    ]
    out.objectives = [
        _slo(rail, records, metrics, api, start, end, step)
        for rail in exp.guardrails
        if isinstance(rail.kind, ServiceLevelObjectives)
    ]
    if records.traffic_share:
        share = inliner.expand(scope.recorded(records.traffic_share))
        out.traffic = api.query_range(share, start, end, step)
    out.queries = len(api.asked)
    # e.g. Thanos' partial answers: the numbers above may miss part of the data
    out.notes += [f"the server warned: {w}" for w in api.warnings]
    return out


def _timelines(
    compiled: Compiled, name: str, inliner: Inliner, api: PrometheusApi,
    start: float, end: float, step: float,
) -> tuple[list[Timeline], str]:  # fmt: skip
    rule_file = compiled.rules[name]
    loaded = api.query(
        f"count(count_over_time(ALERTS{{experiment={quote(name)}}}[{round(end - start)}s]))", end
    )
    source = "ALERTS" if loaded else "evaluated"
    grouped: dict[tuple[str, str], list] = {}
    for rule in rule_file.alerts:
        if rule.intent is None:
            continue
        grouped.setdefault((rule.alert, rule.intent.series), []).append(rule)
    found = []
    for (alert, judged), rules in grouped.items():
        intent = rules[0].intent
        assert intent is not None
        rail = intent.rail
        series = api.query_range(inliner.expand(judged), start, end, step)
        firing = []
        for rule in rules:
            severity = rule.labels.get("severity", "")
            if loaded:
                matchers = [("alertname", "=", alert), ("alertstate", "=", "firing"),
                            *equals({k: v for k, v in rule.labels.items()})]  # fmt: skip
                got = range_query(api, selector("ALERTS", matchers), start, end, step)
                spans = [(e.start, e.end) for e in episodes(got, {}, 0.0, step)]
            else:
                interval = float(parse_duration(interval_of(rule_file, rule)))
                hold = float(parse_duration(rule.for_ or "0s"))
                got = alert_episodes(api, inliner.expand(rule.expr), start, end, interval,
                                     hold, {})  # fmt: skip
                spans = [(e.start, e.end) for e in got]
            firing += [(severity, a, b) for a, b in spans]
        thresholds = tuple(
            (r.labels.get("severity", ""), r.intent.threshold) for r in rules if r.intent
        )
        title = rail.noun
        # a comparison by test or share judges a statistic or a factor, not the metric
        o = rail.options
        by_factor = isinstance(o, ComparisonOptions) and o.mode in ("significance", "relative")
        unit = "number" if by_factor else rail.unit
        found.append(Timeline(alert, title, rail.category, unit, intent.direction,
                              thresholds, series, sorted(firing)))  # fmt: skip
    return found, source


def _slo(
    rail: Guardrail, records: Records, metrics: Metrics, api: PrometheusApi,
    start: float, end: float, step: float,
) -> SloReadout:  # fmt: skip
    """The budget left over the SLO's period up to the range's end, weighted by requests
    (bad requests among all over the period, as Pyrra reads it); burn over time."""
    o = SloOptions.of(rail)
    budget = o.budget
    period_ratio = rail.kind.ratio_expr(rail, records, metrics, o.period)
    got = api.query(f"1 - ({period_ratio}) / {budget}", end)
    remaining = {records.scope.variant_of(dict(s.labels)): s.value for s in got}
    burn_expr = f"({rail.kind.ratio_expr(rail, records, metrics, BURN_WINDOW)}) / {budget}"
    burn = api.query_range(burn_expr, start, end, step)
    return SloReadout(o.slo, o.objective, o.period, remaining, burn)
