"""The `Alerting` kind: a team's receivers, routes, time intervals and inhibition.

Secrets never appear in a spec: receivers name files on the Alertmanager host that hold them.
"""

from __future__ import annotations

import datetime
import difflib
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from monogen.spec.base import API_VERSION, Duration, HttpUrl, SpecModel
from monogen.spec.names import Email, LabelName, Name, OneLine, Re2Pattern, SecretPath, TeamName

FilePath = SecretPath


class SlackConfig(SpecModel):
    """Slack through an incoming webhook, whose URL (a secret) is in a file."""

    api_url_file: FilePath
    channel: Annotated[str, Field(pattern=r"^[#@]?[\w.-]+$")] = Field(
        description="#channel or @user."
    )
    send_resolved: bool = Field(True, description="Also notify when the alert resolves.")


class EmailConfig(SpecModel):
    to: Annotated[
        list[Email],
        BeforeValidator(
            lambda v: [v] if isinstance(v, str) else v, json_schema_input_type=Email | list[Email]
        ),
        Field(min_length=1),
    ] = Field(description="One address or a list.")
    send_resolved: bool = Field(False, description="Also notify when the alert resolves.")


class PagerDutyConfig(SpecModel):
    routing_key_file: FilePath | None = Field(None, description="Events API v2 integration key.")
    service_key_file: FilePath | None = Field(None, description="Events API v1 service key.")
    url: HttpUrl | None = Field(
        None, description="Events API endpoint, e.g. for PagerDuty's EU service region."
    )
    send_resolved: bool = Field(True, description="Also notify when the alert resolves.")


class WebhookConfig(SpecModel):
    url: HttpUrl = Field(description="Endpoint; must not embed credentials or tokens.")
    send_resolved: bool = Field(True, description="Also notify when the alert resolves.")
    max_alerts: Annotated[int, Field(ge=0)] = Field(
        0, description="At most this many alerts a message (0: all)."
    )


def _listify(value: object) -> object:
    """A receiver with one integration of a kind may write it as a bare mapping."""
    return [value] if isinstance(value, dict) else value


def one_or_many(model: type) -> Any:
    """A list of `model`, which a spec may write as one bare mapping; the editor schema
    offers `model`'s keys either way."""
    return Annotated[
        list[model],  # type: ignore[valid-type]
        BeforeValidator(_listify, json_schema_input_type=model | list[model]),  # type: ignore[valid-type]
    ]


class Receiver(SpecModel):
    """One or more integrations, notified together."""

    slack: one_or_many(SlackConfig) = Field(
        default_factory=list, description="Slack: a file holding the webhook URL, and a channel."
    )
    email: one_or_many(EmailConfig) = Field(
        default_factory=list, description="Email to these addresses (SMTP settings in `smtp`)."
    )
    pagerduty: one_or_many(PagerDutyConfig) = Field(
        default_factory=list, description="PagerDuty: a file holding the integration key."
    )
    webhook: one_or_many(WebhookConfig) = Field(
        default_factory=list, description="An HTTP endpoint receiving Alertmanager's JSON."
    )


class Route(SpecModel):
    """Alerts matching every matcher go to the receivers; the first matching route wins."""

    match: dict[LabelName, str] = Field(default_factory=dict, description="Equality matchers.")
    match_re: dict[LabelName, Re2Pattern] = Field(
        default_factory=dict, description="Regular-expression matchers (RE2, anchored)."
    )
    receivers: Annotated[list[Name], Field(min_length=1)]
    continue_: bool = Field(
        False, alias="continue", description="Keep matching the routes after this one."
    )
    group_by: list[LabelName] | None = None
    group_wait: Duration | None = None
    group_interval: Duration | None = None
    repeat_interval: Duration | None = None
    mute_time_intervals: list[Name] = Field(default_factory=list)
    active_time_intervals: list[Name] = Field(default_factory=list)


class TimeRange(SpecModel):
    """A time of day range; one that ends before it starts crosses midnight and is written
    as two ranges (22:00-24:00 and 00:00-07:00), which Alertmanager accepts."""

    start: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")] = Field(
        description="Start, HH:MM in UTC."
    )
    end: Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")] = Field(
        description="End, HH:MM or 24:00 in UTC; before the start, the range crosses midnight."
    )

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
    """When the interval holds: every part given must match (times in UTC)."""

    weekdays: list[WeekdayRange] = Field(
        default_factory=list, description="Days or ranges: monday, monday:friday."
    )
    times: list[TimeRange] = Field(default_factory=list)
    days_of_month: list[Annotated[str, Field(pattern=r"^-?\d{1,2}(:-?\d{1,2})?$")]] = Field(
        default_factory=list, description="Days or ranges: 1, 1:7, -1 (the last day)."
    )
    months: list[Annotated[str, Field(pattern=r"^[a-z0-9]+(:[a-z0-9]+)?$")]] = Field(
        default_factory=list, description="Months or ranges: january, january:march, 1:3."
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

    @model_validator(mode="after")
    def _days_with_midnight(self) -> TimeInterval:
        across = [t for t in self.times if t.start > t.end]
        if across and (self.weekdays or self.days_of_month or self.months):
            t = across[0]
            raise ValueError(
                f"the range {t.start}-{t.end} crosses midnight, so its part after midnight "
                "falls on the next day, which the days of this interval do not say; write "
                f'two intervals, e.g. `[{{weekdays: [friday], times: [{{start: "{t.start}", '
                f'end: "24:00"}}]}}, {{weekdays: [saturday], times: [{{start: "00:00", '
                f'end: "{t.end}"}}]}}]`'
            )
        return self

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
    """Alerts matching targetMatch are silenced while one matching sourceMatch fires with
    the same values of the `equal` labels."""

    source_match: dict[LabelName, str] = Field(description="Labels of the silencing alert.")
    target_match: dict[LabelName, str] = Field(description="Labels of the silenced alerts.")
    equal: Annotated[list[LabelName], Field(min_length=1)]


class Inhibition(SpecModel):
    """When alerts of the team silence others."""

    critical_inhibits_warning: bool = Field(
        True,
        description="A critical alert silences the warning of the same alert, experiment "
        "and variant.",
    )
    rules: list[InhibitRule] = Field(default_factory=list, description="The team's own rules.")


class RouteDefaults(SpecModel):
    """Grouping and timing of the team's notifications."""

    group_by: list[LabelName] = Field(
        default_factory=lambda: ["alertname", "experiment", "category"]
    )
    group_wait: Duration = "30s"
    group_interval: Duration = "5m"
    repeat_interval: Duration = "4h"


class Smtp(SpecModel):
    """How Alertmanager sends email (one configuration for every team)."""

    smarthost: Annotated[str, Field(pattern=r"^[^\s:]+:\d+$")] = Field(
        description="host:port of the SMTP server."
    )
    from_: Email = Field(alias="from", description="Sender address.")
    auth_username: OneLine | None = Field(None, description="SMTP user name.")
    auth_password_file: FilePath | None = None
    require_tls: bool = Field(True, description="Require STARTTLS.")


class AlertingSpec(SpecModel):
    """A team's receivers, routes, time intervals, inhibition and defaults."""

    receivers: Annotated[dict[Name, Receiver], Field(min_length=1)] = Field(
        description="Receivers by name, each with its integrations."
    )
    routes: Annotated[list[Route], Field(min_length=1)] = Field(
        description="Routes in order: the first that matches takes the alert."
    )
    time_intervals: dict[Name, list[TimeInterval]] = Field(
        default_factory=dict, description="Named intervals (UTC) that routes mute or are active in."
    )
    inhibit: Inhibition = Field(default_factory=Inhibition)
    defaults: RouteDefaults = Field(default_factory=RouteDefaults)
    smtp: Smtp | None = Field(None, description="Global SMTP settings (one team may set them).")


class AlertingMetadata(SpecModel):
    """Which team the spec routes, and where its AlertmanagerConfig lives."""

    name: Name
    team: TeamName
    namespace: Name = "monitoring"


class Alerting(SpecModel):
    """A team's alert routing: receivers, routes, time intervals and inhibition."""

    api_version: Literal[API_VERSION] = Field(description="monogen/v1.")  # type: ignore[valid-type]
    kind: Literal["Alerting"] = Field(description="Alerting: a team's routing.")
    metadata: AlertingMetadata
    spec: AlertingSpec
