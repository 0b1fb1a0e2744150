"""The `Experiment` document: model variants, traffic split, metrics, guardrails, dashboard."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, create_model, field_validator

from monogen.kinds.registry import KINDS
from monogen.spec.alert_text import AlertDefaults
from monogen.spec.base import API_VERSION, Duration, HttpUrl, SpecModel
from monogen.spec.dashboards import DashboardOptions
from monogen.spec.metrics import Metrics, Variant
from monogen.spec.names import (
    AlertLabelName,
    ExperimentName,
    KubernetesLabels,
    Name,
    Selector,
    TeamName,
)
from monogen.spec.quantities import parse_duration

# More variants than an A/B/n test has; past it every rule, panel and proof grows with
# nothing to learn from (1,000 variants took a minute and a half to prove).
MAX_VARIANTS = 50


class Metadata(SpecModel):
    """The experiment's name, owning team and namespace."""

    name: ExperimentName
    team: TeamName
    namespace: Name = Field("monitoring", description="Namespace of the Kubernetes manifests.")
    labels: KubernetesLabels = Field(
        default_factory=dict, description="Extra labels on Kubernetes manifests, e.g. release."
    )


class _GuardrailFields(SpecModel):
    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # a guardrail key with nothing after it is YAML null: it read as "no guardrail", so a
        # guardrail the author meant to have silently did nothing
        if value is None:
            raise ValueError("null turns no guardrail on: write {} for its defaults")
        return value


# Every guardrail kind is one optional field, in the registry's order.
Guardrails = create_model(  # type: ignore[call-overload]
    "Guardrails",
    __base__=_GuardrailFields,
    __doc__="Guardrails of the experiment: each kind at most once.",
    **{
        kind.field: (
            kind.model | None,
            Field(
                None,
                description=f"{kind.noun[0].upper()}{kind.noun[1:]}: alert "
                f"{kind.alert}, category {kind.category}.",
            ),
        )
        for kind in KINDS
    },
)


def _at_least_a_minute(text: str) -> str:
    if parse_duration(text) < 60:
        raise ValueError(
            f"a rate window of {text} holds fewer than two samples at the usual scrape "
            "intervals; use 1m or more (e.g. 5m)"
        )
    return text


class ExperimentSpec(SpecModel):
    """What is compared, how its series are found, and what is guarded."""

    description: str = Field("", description="What the experiment tests, for people.")
    selector: Selector = Field(
        default_factory=dict,
        description="Label matchers that scope every query, e.g. {namespace: seldon, "
        'env: "!~dev|test"}.',
    )
    variant_label: AlertLabelName | None = Field(
        None, description="Label naming the variant; may be omitted with a single variant."
    )
    variants: Annotated[list[Variant], Field(min_length=1, max_length=MAX_VARIANTS)] = Field(
        description="The variants: a control and treatments, with their traffic shares "
        f"(at most {MAX_VARIANTS}: every alert, panel and proof grows with them)."
    )
    metrics: Metrics = Field(description="The series each variant exposes.")
    guardrails: Guardrails = Field(default_factory=Guardrails)
    runbook_url: HttpUrl = Field(
        description="Base URL of the runbooks; each alert links to <base>/<alert-name>."
    )
    grafana_url: HttpUrl = Field(
        description="Base URL of Grafana, for each alert's dashboard link."
    )
    rate_window: Annotated[Duration, AfterValidator(_at_least_a_minute)] = Field(
        "5m", description="Window of rate() in recording rules (at least 1m)."
    )
    dashboard: DashboardOptions = Field(default_factory=DashboardOptions)
    alert_defaults: AlertDefaults | None = Field(
        None,
        description="Labels, category and text of every alert of the experiment that does "
        "not set its own (docs/alert-text.md).",
    )
    evaluation_interval: Duration | None = Field(
        None, description="Rule group interval (default: Prometheus' global setting)."
    )


class Experiment(SpecModel):
    """An A/B test of models: variants, metrics, guardrails, dashboard."""

    api_version: Literal[API_VERSION] = Field(description="monogen/v1.")  # type: ignore[valid-type]
    kind: Literal["Experiment"] = Field(description="Experiment: one A/B test.")
    metadata: Metadata
    spec: ExperimentSpec
