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


def _check_duration(text: str) -> str:
    parse_duration(text)
    return text


Duration = Annotated[
    str,
    StringConstraints(pattern=DURATION_PATTERN),
    AfterValidator(_check_duration),
    Field(description="A Prometheus duration such as 30s, 5m or 1h30m."),
]

HttpUrl = Annotated[
    str,
    StringConstraints(pattern=r"^https?://[^\s\x00-\x1f\x7f]+$", max_length=2048),
    Field(description="An http:// or https:// URL, on one line."),
]
