"""Shared pieces of the spec models: the strict base class and constrained scalar types."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic.alias_generators import to_camel

from monogen.spec.quantities import DURATION_PATTERN, parse_duration

API_VERSION = "monogen/v1"


class SpecModel(BaseModel):
    """Unknown keys are errors, keys are camelCase, and models are immutable once validated."""

    model_config = ConfigDict(
        extra="forbid",
        alias_generator=to_camel,
        populate_by_name=False,
        frozen=True,
        str_strip_whitespace=False,
    )


# Prometheus durations are int64 nanoseconds: about 292 years.
MAX_DURATION_SECONDS = (2**63 - 1) / 1e9


def _check_duration(text: str) -> str:
    if parse_duration(text) > MAX_DURATION_SECONDS:
        raise ValueError(f"{text} is longer than Prometheus durations go (about 292y)")
    return text


def _check_quantile(q: float) -> float:
    # names such as p95 or p99_9 must tell every quantile apart
    if round(q, 4) != q:
        raise ValueError(f"use at most four decimals for a quantile, e.g. 0.999, not {q}")
    return q


Quantile = Annotated[
    float,
    Field(gt=0, lt=1, description="A quantile between 0 and 1, at most four decimals."),
    AfterValidator(_check_quantile),
]


Duration = Annotated[
    str,
    StringConstraints(pattern=DURATION_PATTERN),
    AfterValidator(_check_duration),
    Field(
        description="A Prometheus duration such as 30s, 5m or 1h30m.",
        examples=["30s", "5m", "1h30m"],
    ),
]

HttpUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s\x00-\x1f\x7f]+$", max_length=2048),
    Field(
        description="An http:// or https:// URL, on one line.",
        examples=["https://runbooks.example.com/ml/fraud-detector-ab"],
    ),
]
