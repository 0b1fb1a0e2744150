"""A team's own dashboards as specs write them: the title, panels of their own PromQL in
rows of their own, and more dashboards of one experiment."""

from __future__ import annotations

from itertools import pairwise
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from monogen.spec.base import Duration, HttpUrl, SpecModel
from monogen.spec.names import OneLine

PanelType = Literal[
    "timeSeries", "stat", "gauge", "barGauge", "table", "heatmap", "pieChart", "xy"
]  # fmt: skip
# Grafana's panel type of each (its JSON `type`)
GRAFANA_TYPES = {
    "timeSeries": "timeseries", "stat": "stat", "gauge": "gauge", "barGauge": "bargauge",
    "table": "table", "heatmap": "heatmap", "pieChart": "piechart", "xy": "xychart",
}  # fmt: skip
DashboardName = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]([a-z0-9-]{0,28}[a-z0-9])?$",
        description="Lower-case letters, digits and '-' (at most 30): it names the file.",
    ),
]
GrafanaUnit = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z0-9_.:/%-]{1,40}$",
        description="A Grafana unit id, e.g. short, percentunit, s, reqps, currencyUSD.",
    ),
]
# Grafana's named colours (its palette's hues in their shades), or #rrggbb
_HUES = "red|orange|yellow|green|blue|purple"
Color = Annotated[
    str,
    Field(
        pattern=rf"^(#[0-9a-fA-F]{{6}}|((dark|semi-dark|light|super-light)-)?({_HUES})|text|transparent)$",
        description="A Grafana colour: red, orange, yellow, green, blue or purple (with "
        "dark-, semi-dark-, light- or super-light-), text, transparent, or #rrggbb.",
    ),
]
TEAM_ROW = "Team panels"
MAX_PANELS = 50  # a dashboard past it is slow to open, and a sign of two dashboards in one
MAX_EXTRA = 10


class PanelQuery(SpecModel):
    """One query of a panel."""

    expr: Annotated[str, Field(min_length=1, max_length=4000)] = Field(
        description="PromQL. With `scope` (the default) the experiment's selector and the "
        "dashboard's variant variable are added to every series selector."
    )
    legend: Annotated[str, Field(max_length=200, pattern=r"^[^\n\r]*$")] = Field(
        "", description="Legend, in Grafana's syntax, e.g. '{{variant}}'."
    )


class ThresholdStep(SpecModel):
    """A colour from a value upwards; the first step has no value (it starts at -inf)."""

    color: Color
    value: float | None = Field(None, description="Where the colour starts.")


class TeamPanel(SpecModel):
    """A panel of the team's own PromQL."""

    title: OneLine = Field(description="The panel's title.")
    type: PanelType = Field("timeSeries", description="How the panel draws its queries.")
    queries: Annotated[list[PanelQuery], Field(min_length=1, max_length=8)]
    unit: GrafanaUnit = "short"
    scope: bool = Field(
        True,
        description="Add the experiment's selector (and the variant variable, where a "
        "selector does not match the variant label itself) to every series selector.",
    )
    thresholds_from: str | None = Field(
        None,
        description="The key of a guardrail of this experiment (e.g. accuracy) whose levels "
        "the panel draws as thresholds: it should show what that guardrail judges.",
    )
    thresholds: Annotated[list[ThresholdStep], Field(min_length=1, max_length=10)] | None = Field(
        None,
        description="Colours of the team's own, as Grafana's steps: the first without a "
        "value, then values rising (e.g. red, yellow from 70, green from 80).",
    )
    row: OneLine = Field(
        TEAM_ROW,
        description="The title of the row the panel goes in; a built-in row's title adds "
        "it to that row.",
    )
    description: OneLine | None = Field(None, description="Shown in the panel's (i) tip.")
    width: Annotated[int, Field(ge=1, le=24)] = Field(12, description="Of 24 columns.")
    height: Annotated[int, Field(ge=2, le=32)] = Field(8, description="In grid rows.")

    @model_validator(mode="after")
    def _xy_has_two(self) -> TeamPanel:
        if self.type == "xy" and len(self.queries) < 2:
            raise ValueError("an xy panel plots its first query (x) against the others (y)")
        return self

    @field_validator("thresholds")
    @classmethod
    def _steps_rise(cls, steps: list[ThresholdStep] | None) -> list[ThresholdStep] | None:
        if steps is None:
            return steps
        if steps[0].value is not None:
            raise ValueError("the first threshold step has no value: it colours everything below")
        values = [s.value for s in steps[1:]]
        if any(v is None for v in values):
            raise ValueError("every threshold step after the first needs a value")
        if any(b <= a for a, b in pairwise(values)):  # type: ignore[operator]
            raise ValueError("threshold values must rise from step to step")
        return steps

    @model_validator(mode="after")
    def _one_kind_of_thresholds(self) -> TeamPanel:
        if self.thresholds is not None and self.thresholds_from is not None:
            raise ValueError("give `thresholds` or `thresholdsFrom`, not both")
        return self

    def panel_type(self) -> str:
        return GRAFANA_TYPES[self.type]


DashboardRow = Literal[
    "traffic",
    "quality",
    "latency",
    "errors",
    "business",
    "drift",
    "infrastructure",
    "summary",
    "slo",
]


class DashboardLink(SpecModel):
    """A link in the dashboard's header."""

    title: OneLine = Field(description="The link's text.")
    url: HttpUrl


class ExtraDashboard(SpecModel):
    """Another dashboard of the experiment: built-in rows of its choice and its panels."""

    name: DashboardName
    title: OneLine = Field(description="Its title, unique in its folder.")
    rows: list[DashboardRow] = Field(
        default_factory=list, description="Built-in rows to include, in this order."
    )
    panels: Annotated[list[TeamPanel], Field(max_length=MAX_PANELS)] = Field(
        default_factory=list, description="Panels of the team's own PromQL."
    )


class DashboardOptions(SpecModel):
    """How the experiment's Grafana dashboard looks; every field has a default."""

    folder: OneLine = Field("ML Experiments", description="Grafana folder.")
    tags: list[OneLine] = Field(default_factory=list, description="Dashboard tags.")
    refresh: Duration = "1m"
    time_from: Annotated[str, Field(pattern=r"^now-([0-9]+(s|m|h|d|w|y))+$")] = Field(
        "now-6h", description="Default time range, e.g. now-6h."
    )
    links: list[DashboardLink] = Field(default_factory=list, description="Header links.")
    title: OneLine | None = Field(None, description="Title (default: Experiment <name>).")
    rows: list[DashboardRow] | None = Field(
        None, description="Rows to include, in this order (default: all that have data)."
    )
    panels: Annotated[list[TeamPanel], Field(max_length=MAX_PANELS)] = Field(
        default_factory=list,
        description="Panels of the team's own PromQL, after the built-in rows, grouped by "
        "their `row`.",
    )
    extra: Annotated[list[ExtraDashboard], Field(max_length=MAX_EXTRA)] = Field(
        default_factory=list,
        description="More dashboards of this experiment, each a file of its own, with the "
        "same folder, tags, refresh, time range and links.",
    )

    @model_validator(mode="after")
    def _unique_extra(self) -> DashboardOptions:
        names = [d.name for d in self.extra]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise ValueError(f"two extra dashboards are named {name!r}")
        return self
