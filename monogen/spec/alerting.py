"""The `Alerting` kind: a team's receivers, routes, time intervals and inhibition.

Secrets never appear in a spec: receivers name files on the Alertmanager host that hold them.
"""

from __future__ import annotations

import datetime
import difflib
from typing import Annotated, Literal, TypeVar

from pydantic import BeforeValidator, Field, field_validator, model_validator

from monogen.spec.base import API_VERSION, Duration, HttpUrl, SpecModel
from monogen.spec.names import Email, LabelName, Name, OneLine, Re2Pattern, SecretPath, TeamName

FilePath = SecretPath


class SlackConfig(SpecModel):
    api_url_file: FilePath
    channel: Annotated[str, Field(pattern=r"^[#@]?[\w.-]+$")]
    send_resolved: bool = True


class EmailConfig(SpecModel):
    to: Annotated[
        list[Email],
        BeforeValidator(
            lambda v: [v] if isinstance(v, str) else v, json_schema_input_type=Email | list[Email]
        ),
        Field(min_length=1),
    ]
    send_resolved: bool = False


class PagerDutyConfig(SpecModel):
    routing_key_file: FilePath | None = Field(None, description="Events API v2 integration key.")
    service_key_file: FilePath | None = Field(None, description="Events API v1 service key.")
    url: HttpUrl | None = Field(
        None, description="Events API endpoint, e.g. for PagerDuty's EU service region."
    )
    send_resolved: bool = True


class WebhookConfig(SpecModel):
    url: HttpUrl = Field(description="Endpoint; must not embed credentials or tokens.")
    send_resolved: bool = True
    max_alerts: Annotated[int, Field(ge=0)] = 0


def _listify(value: object) -> object:
    """A receiver with one integration of a kind may write it as a bare mapping."""
    return [value] if isinstance(value, dict) else value


T = TypeVar("T")
OneOrMany = Annotated[
    list[T], BeforeValidator(_listify, json_schema_input_type=T | list[T])  # type: ignore[valid-type]
]


class Receiver(SpecModel):
    slack: OneOrMany[SlackConfig] = Field(default_factory=list)
    email: OneOrMany[EmailConfig] = Field(default_factory=list)
    pagerduty: OneOrMany[PagerDutyConfig] = Field(default_factory=list)
    webhook: OneOrMany[WebhookConfig] = Field(default_factory=list)


class Route(SpecModel):
    match: dict[LabelName, str] = Field(default_factory=dict, description="Equality matchers.")
    match_re: dict[LabelName, Re2Pattern] = Field(
        default_factory=dict, description="Regular-expression matchers (RE2, anchored)."
    )
    receivers: Annotated[list[Name], Field(min_length=1)]
    continue_: bool = Field(False, alias="continue")
    group_by: list[LabelName] | None = None
    group_wait: Duration | None = None
    group_interval: Duration | None = None
    repeat_interval: Duration | None = None
    mute_time_intervals: list[Name] = Field(default_factory=list)
    active_time_intervals: list[Name] = Field(default_factory=list)


class TimeRange(SpecModel):
    """A time of day range; one that ends before it starts crosses midnight and is written
    as two ranges (22:00-24:00 and 00:00-07:00), which Alertmanager accepts."""

    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    end: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]

    @model_validator(mode="after")
    def _not_empty(self) -> TimeRange:
        if self.start == self.end:
            raise ValueError(f"the range {self.start}-{self.end} is empty")
        return self


_MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip


def _month(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return _MONTHS.index(text) + 1 if text in _MONTHS else None


_DAYS = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
WeekdayRange = Annotated[
    str,
    Field(
        pattern=r"^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
        r"(:(monday|tuesday|wednesday|thursday|friday|saturday|sunday))?$"
    ),
]


_A_SUMMER_DAY = datetime.datetime(2026, 7, 1)
_A_WINTER_DAY = datetime.datetime(2026, 1, 1)


class TimeInterval(SpecModel):
    weekdays: list[WeekdayRange] = Field(default_factory=list)
    times: list[TimeRange] = Field(default_factory=list)
    days_of_month: list[Annotated[str, Field(pattern=r"^-?\d{1,2}(:-?\d{1,2})?$")]] = Field(
        default_factory=list
    )
    months: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(:[a-z0-9]+)?$")]] = Field(
        default_factory=list
    )
    location: str | None = Field(
        None, description="UTC, or a zone always at UTC (e.g. Etc/UTC): times are UTC."
    )

    @field_validator("location")
    @classmethod
    def _known_zone(cls, name: str | None) -> str | None:
        if name is None:
            return None
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(name, sorted(zoneinfo.available_timezones()), 1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"unknown time zone {name!r}{hint}") from None
        if zoneinfo.ZoneInfo(name).utcoffset(_A_SUMMER_DAY) or zoneinfo.ZoneInfo(name).utcoffset(
            _A_WINTER_DAY
        ):
            raise ValueError(
                f"time zone {name!r} cannot reach an operator-managed Alertmanager: the "
                "AlertmanagerConfig monogen writes for each team has no time zone (its "
                "intervals are read in UTC); write the times in UTC and leave `location` out"
            )
        return name

    @field_validator("days_of_month")
    @classmethod
    def _days(cls, ranges: list[str]) -> list[str]:
        for text in ranges:
            bounds = [int(b) for b in text.split(":")]
            if any(b == 0 or not -31 <= b <= 31 for b in bounds):
                raise ValueError(f"day of month {text!r}: days are 1 to 31, or -1 to -31")
            if len(bounds) == 2 and (bounds[0] > 0) == (bounds[1] > 0) and bounds[0] > bounds[1]:
                raise ValueError(f"day range {text!r} runs backwards")
        return ranges

    @field_validator("months")
    @classmethod
    def _months(cls, ranges: list[str]) -> list[str]:
        for text in ranges:
            bounds = [_month(b) for b in text.split(":")]
            if None in bounds:
                raise ValueError(f"unknown month in {text!r}: write january..december or 1..12")
            if len(bounds) == 2 and bounds[0] > bounds[1]:  # type: ignore[operator]
                raise ValueError(f"month range {text!r} runs backwards")
        return ranges

    @field_validator("weekdays")
    @classmethod
    def _ordered(cls, ranges: list[str]) -> list[str]:
        for text in ranges:
            start, _, end = text.partition(":")
            if end and _DAYS.index(start) > _DAYS.index(end):
                raise ValueError(
                    f"weekday range {text!r} runs backwards: Alertmanager weeks start on "
                    f"sunday; write [{start}, {end}] or {end}:{start}"
                )
        return ranges


class InhibitRule(SpecModel):
    source_match: dict[LabelName, str]
    target_match: dict[LabelName, str]
    equal: Annotated[list[LabelName], Field(min_length=1)]


class Inhibition(SpecModel):
    critical_inhibits_warning: bool = Field(
        True,
        description="A critical alert silences the warning of the same alert, experiment "
        "and variant.",
    )
    rules: list[InhibitRule] = Field(default_factory=list)


class RouteDefaults(SpecModel):
    group_by: list[LabelName] = Field(
        default_factory=lambda: ["alertname", "experiment", "category"]
    )
    group_wait: Duration = "30s"
    group_interval: Duration = "5m"
    repeat_interval: Duration = "4h"


class Smtp(SpecModel):
    smarthost: Annotated[str, Field(pattern=r"^[^\s:]+:\d+$")]
    from_: Email = Field(alias="from")
    auth_username: OneLine | None = None
    auth_password_file: FilePath | None = None
    require_tls: bool = True


class AlertingSpec(SpecModel):
    receivers: Annotated[dict[Name, Receiver], Field(min_length=1)]
    routes: Annotated[list[Route], Field(min_length=1)]
    time_intervals: dict[Name, list[TimeInterval]] = Field(default_factory=dict)
    inhibit: Inhibition = Field(default_factory=Inhibition)
    defaults: RouteDefaults = Field(default_factory=RouteDefaults)
    smtp: Smtp | None = Field(None, description="Global SMTP settings (one team may set them).")


class AlertingMetadata(SpecModel):
    name: Name
    team: TeamName
    namespace: Name = "monitoring"


class Alerting(SpecModel):
    api_version: Literal[API_VERSION]  # type: ignore[valid-type]
    kind: Literal["Alerting"]
    metadata: AlertingMetadata
    spec: AlertingSpec
