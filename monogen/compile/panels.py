"""The panels of an experiment's dashboard, row by row: each shows what an alert judges,
reads the recorded series, and draws the thresholds of the guardrail that judges it."""

from __future__ import annotations

from monogen.compile import naming
from monogen.compile.grafana import VARIANT_VAR, Panel
from monogen.compile.panel_thresholds import (
    alert_note,
    ref_thresholds,
    split_overrides,
    threshold_steps,
)
from monogen.compile.promql import Matcher, aggregate, selector
from monogen.compile.rules import recorded_series
from monogen.compile.scope import Records
from monogen.spec.metrics import DEFAULT_IMPACT_TYPE, Metric
from monogen.spec.validate import ExperimentDoc

ROW_TITLES = {
    "traffic": "Traffic",
    "quality": "Model quality",
    "latency": "Latency",
    "errors": "Errors",
    "business": "Business impact",
    "drift": "Data drift",
    "infrastructure": "Infrastructure",
    "summary": "Summary",
    "slo": "Service level objectives",
}


class PanelBuilder:
    def __init__(self, exp: ExperimentDoc, variants: str = VARIANT_VAR) -> None:
        """`variants`: the regex that picks variants (the dashboard's variable, or all)."""
        self.exp = exp
        self.variants = variants
        self.spec = exp.spec.spec
        self.records: Records = recorded_series(exp)
        self.scope = self.records.scope
        self.v = self.scope.variant_label
        # each panel draws the thresholds of the guardrail that judges what it shows
        self.rails = {g.kind.panel: g for g in exp.guardrails if g.kind.panel}

    # -- queries ----------------------------------------------------------------------

    def recorded(self, name: str) -> str:
        matchers: list[Matcher] = [("experiment", "=", self.exp.name)]
        if self.scope.in_metrics:
            matchers.append((self.v, "=~", self.variants))
        return selector(name, matchers)

    def raw(self, metric: Metric, *extra: Matcher, suffix: str = "") -> str:
        """The metric (or its `suffix`ed series, e.g. _bucket), scoped and variant-filtered."""
        matchers = self.scope.base(metric)
        if self.scope.in_metrics:
            matchers.append((self.v, "=~", self.variants))
        return selector(metric.name + suffix, [*matchers, *extra])

    def gauge(self, metric: Metric, agg: str = "max", *by: str, extra: tuple = ()) -> str:
        return aggregate(agg, self.scope.grouping(*by), self.raw(metric, *extra))

    def legend(self, suffix: str = "") -> str:
        name = f"{{{{{self.v}}}}}" if self.scope.in_metrics else self.scope.variants[0]
        return f"{name} {suffix}".strip()

    def guarded(self, panel: Panel, key: str) -> Panel:
        rail = self.rails.get(key)
        if rail is not None:
            panel.thresholds = threshold_steps(rail)
            panel.description = (panel.description + " " + alert_note(rail)).strip()
        return panel

    # -- rows -------------------------------------------------------------------------

    def rows(self, wanted: list[str] | None = None) -> dict[str, list[Panel]]:
        """Built-in rows with data: `wanted` ones (default: the dashboard's choice, or all)."""
        rows = {
            "traffic": self.traffic(),
            "quality": self.quality(),
            "latency": self.latency(),
            "errors": self.errors(),
            "business": self.business(),
            "drift": self.drift(),
            "infrastructure": self.infrastructure(),
            "summary": self.summary(),
            "slo": [],
        }
        for rail in self.exp.guardrails:  # analyses that bring panels of their own
            kind = rail.kind
            rows[kind.row_of(rail)].extend(kind.panels(rail, self.scope, self.spec.metrics))
        wanted = self.spec.dashboard.rows or list(rows) if wanted is None else wanted
        return {name: rows[name] for name in wanted if rows[name]}

    def traffic(self) -> list[Panel]:
        panels = []
        r = self.records
        if r.traffic_share:
            split = [(v.name, v.traffic) for v in self.spec.variants if v.traffic is not None]
            rail = self.rails.get("traffic_share")
            tol = rail.levels[0].threshold if rail else 0.0
            overrides = split_overrides(split, tol) if rail and split else []
            targets = ", ".join(f"{n} {t:g}%" for n, t in split) or "not declared"
            panels.append(
                Panel(
                    "piechart",
                    "Traffic distribution",
                    [(self.recorded(r.traffic_share), self.legend())],
                    "percent",
                    "Share of requests per variant.",
                    width=8,
                )
            )
            share = Panel(
                "stat",
                "Traffic share vs target",
                [(self.recorded(r.traffic_share), self.legend())],
                "percent",
                f"Declared split: {targets}.",
                overrides=overrides,
                width=8,
            )
            if rail:
                share.description += " " + alert_note(rail)
            panels.append(share)
        if r.request_rate:
            targets = [(self.recorded(r.request_rate), self.legend("total"))]
            errors = self.spec.metrics.requests
            if r.error_ratio and errors is not None:
                targets.append(
                    (
                        f"{self.recorded(r.request_rate)} * {self.recorded(r.error_ratio)}",
                        self.legend("errors"),
                    )
                )
            rate = Panel(
                "timeseries",
                "Request rate",
                targets,
                "reqps",
                "Requests per second by variant, all and failed.",
                width=8 if r.traffic_share else 24,
            )
            panels.append(self.guarded(rate, "request_rate"))
        reported = self.spec.metrics.traffic_share
        if reported is not None and r.request_rate:  # the share is measured from requests
            factor = "" if reported.scale == "percent" else "100 * "
            panels.append(
                Panel(
                    "timeseries",
                    "Traffic share: reported vs measured",
                    [
                        (factor + self.gauge(reported), self.legend("reported")),
                        (self.recorded(r.traffic_share), self.legend("measured")),
                    ],
                    "percent",
                    f"The share each variant reports ({reported.name}) beside the share of "
                    "requests it serves: a gap means the router does not split as configured.",
                )
            )
        return panels

    def quality(self) -> list[Panel]:
        m = self.spec.metrics
        panels = []
        names = [
            ("accuracy", "Model accuracy"),
            ("precision", "Precision"),
            ("recall", "Recall"),
            ("f1_score", "F1 score"),
            ("auc_roc", "AUC-ROC"),
            ("precision_at_k", "Fraud precision at k"),
        ]
        for key, title in names:
            metric = getattr(m, key)
            if metric is None:
                continue
            unit = "percent" if metric.scale == "percent" else "percentunit"
            stat = Panel(
                "stat",
                title,
                [(self.gauge(metric, "min"), self.legend())],
                unit,
                f"Latest {title.lower()} by variant.",
                width=6,
                height=5,
            )
            if key == "accuracy" and key not in self.rails:
                top = 100 if metric.scale == "percent" else 1
                stat.thresholds = [
                    {"color": "red", "value": None},
                    {"color": "yellow", "value": 0.7 * top},
                    {"color": "green", "value": 0.8 * top},
                ]
            panels.append(self.guarded(stat, key))
        if m.accuracy is not None:
            unit = "percent" if m.accuracy.scale == "percent" else "percentunit"
            over_time = Panel(
                "timeseries",
                "Accuracy over time",
                [(self.gauge(m.accuracy, "min"), self.legend())],
                unit,
                "Accuracy by variant.",
                width=12,
            )
            panels.append(self.guarded(over_time, "accuracy"))
        if m.precision is not None and m.recall is not None:
            unit = "percent" if m.precision.scale == "percent" else "percentunit"
            pr = Panel(
                "timeseries",
                "Precision vs recall",
                [
                    (self.gauge(m.precision, "min"), self.legend("precision")),
                    (self.gauge(m.recall, "min"), self.legend("recall")),
                ],
                unit,
                "Precision (A) and recall (B) by variant.",
                width=12,
            )
            for ref, key in (("A", "precision"), ("B", "recall")):
                if key in self.rails:
                    pr.overrides.append(ref_thresholds(ref, threshold_steps(self.rails[key])))
                    pr.description += " " + alert_note(self.rails[key])
            panels.append(pr)
        return panels

    def latency(self) -> list[Panel]:
        m = self.spec.metrics
        if m.latency is None:
            return []
        targets = [
            (self.recorded(name), self.legend(naming.quantile_name(q)))
            for q, name in sorted(self.records.quantiles.items())
        ]
        rail = self.rails.get("latency")
        note = rail.kind.panel_note(rail) if rail else ""
        series = Panel(
            "timeseries",
            "Response time percentiles",
            targets,
            "s",
            "Latency quantiles by variant, from the recorded histogram." + note,
        )
        heat = Panel(
            "heatmap",
            "Latency distribution",
            [
                (
                    aggregate(
                        "sum",
                        ["le"],
                        f"rate({self.raw(m.latency, suffix='_bucket')}[$__rate_interval])",
                    ),
                    "{{le}}",
                )
            ],
            "s",
            "Observations per latency bucket (model performance heatmap).",
            legend_format="heatmap",
        )
        return [self.guarded(series, "latency"), heat]

    def errors(self) -> list[Panel]:
        if not self.records.error_ratio:
            return []
        panel = Panel(
            "timeseries",
            "Error ratio",
            [(self.recorded(self.records.error_ratio), self.legend())],
            "percentunit",
            "Share of failed requests by variant.",
            width=24,
        )
        return [self.guarded(panel, "error_ratio")]

    def business(self) -> list[Panel]:
        m = self.spec.metrics
        panels = []
        if m.business_impact is not None:
            rail = self.rails.get("business_impact")
            kind = rail.matchers[0][2] if rail else DEFAULT_IMPACT_TYPE
            net = Panel(
                "stat",
                "Net business value",
                [
                    (
                        self.gauge(
                            m.business_impact,
                            "min",
                            extra=((m.business_impact.type_label, "=", kind),),
                        ),
                        self.legend(),
                    )
                ],
                "short",
                f"Business impact of type {kind}.",
                width=8,
            )
            panels.append(self.guarded(net, "business_impact"))
            by_type = Panel(
                "timeseries",
                "Business impact by type",
                [
                    (
                        self.gauge(m.business_impact, "max", m.business_impact.type_label),
                        self.legend(f"{{{{{m.business_impact.type_label}}}}}"),
                    )
                ],
                "short",
                "Every business impact series by variant.",
                width=16,
            )
            panels.append(by_type)
        if m.roi is not None:
            roi = Panel(
                "stat",
                "Return on investment",
                [(self.gauge(m.roi, "min"), self.legend())],
                "short",
                "ROI; 1.0 is break-even.",
                width=8,
            )
            panels.append(self.guarded(roi, "roi"))
        if m.cost_savings is not None:
            panels.append(
                Panel(
                    "timeseries",
                    "Cost savings",
                    [(self.gauge(m.cost_savings, "max"), self.legend())],
                    "short",
                    "Net benefit of the model.",
                    width=16,
                )
            )
        return panels

    def drift(self) -> list[Panel]:
        m = self.spec.metrics.drift
        if m is None:
            return []
        legend = f"{{{{{m.feature_label}}}}}"
        panel = Panel(
            "timeseries",
            "Data drift (PSI) by feature",
            [(self.gauge(m, "max", m.feature_label), legend)],
            "none",
            "Population stability index per feature.",
            width=24,
        )
        return [self.guarded(panel, "drift")]

    def infrastructure(self) -> list[Panel]:
        m = self.spec.metrics
        panels = []
        for key, title in (
            ("cpu", "CPU usage"),
            ("memory", "Memory usage"),
            ("disk", "Disk usage"),
        ):
            metric = getattr(m, key)
            if metric is not None:
                panel = Panel(
                    "timeseries",
                    title,
                    [(self.gauge(metric, "max"), self.legend())],
                    "percent",
                    f"{title} of the model servers by variant.",
                    width=8,
                )
                panels.append(self.guarded(panel, key))
        return panels

    def summary(self) -> list[Panel]:
        r = self.records
        targets = []
        if r.request_rate:
            targets.append((self.recorded(r.request_rate), "requests/s"))
        if r.error_ratio:
            targets.append((self.recorded(r.error_ratio), "error ratio"))
        if 0.95 in r.quantiles:
            targets.append((self.recorded(r.quantiles[0.95]), "p95"))
        if self.spec.metrics.accuracy is not None:
            targets.append((self.gauge(self.spec.metrics.accuracy, "min"), "accuracy"))
        if not targets:
            return []
        units = {"error ratio": "percentunit", "p95": "s"}
        overrides = [
            {
                "matcher": {"id": "byFrameRefID", "options": chr(65 + i)},
                "properties": [{"id": "unit", "value": units[legend]}],
            }
            for i, (_, legend) in enumerate(targets)
            if legend in units
        ]
        return [
            Panel(
                "table",
                "Summary by variant",
                targets,
                "short",
                "Latest values by variant.",
                overrides=overrides,
                width=24,
                instant=True,
                legend_format="table",
            )
        ]
