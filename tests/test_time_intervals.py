"""Time intervals judged as Alertmanager's timeinterval package reads them: a mute interval
that always holds, or an active one that never does, is refused at the route using it."""

from __future__ import annotations

import pytest

from monogen.spec.alerting import TimeInterval
from monogen.spec.time_intervals import always_holds, never_holds
from tests.conftest import MINIMAL_EXPERIMENT, invoke
from tests.test_validate import ALERTING


def intervals(*raw: dict) -> list[TimeInterval]:
    return [TimeInterval.model_validate(r) for r in raw]


@pytest.mark.parametrize(
    ("raw", "always", "never"),
    [
        ([{}], True, False),
        ([{"weekdays": ["sunday:saturday"]}], True, False),
        ([{"weekdays": ["monday:friday"]}, {"weekdays": ["saturday", "sunday"]}], True, False),
        (
            [{"times": [{"start": "00:00", "end": "12:00"}, {"start": "12:00", "end": "24:00"}]}],
            True,
            False,
        ),
        (
            # the second range crosses midnight: two ranges, the day covered whole
            [{"times": [{"start": "07:00", "end": "22:00"}, {"start": "22:00", "end": "07:00"}]}],
            True,
            False,
        ),
        ([{"daysOfMonth": ["1:31"]}], True, False),
        ([{"daysOfMonth": ["-31:-1"]}], True, False),  # clamped to each month's length
        ([{"months": ["january:december"]}], True, False),
        ([{"months": ["february"], "daysOfMonth": ["31"]}], False, True),
        (
            [{"months": ["april", "june", "september", "november"], "daysOfMonth": ["31"]}],
            False,
            True,
        ),
        ([{"months": ["february"], "daysOfMonth": ["29"]}], False, False),  # leap years
        (
            [{"weekdays": ["monday:friday"], "times": [{"start": "09:00", "end": "17:00"}]}],
            False,
            False,
        ),
        ([{"times": [{"start": "00:00", "end": "23:59"}]}], False, False),  # one minute free
        ([{"daysOfMonth": ["-1"]}], False, False),
    ],
)
def test_always_and_never(raw: list[dict], always: bool, never: bool) -> None:
    given = intervals(*raw)
    assert always_holds(given) is always
    assert never_holds(given) is never


ROUTED = (
    ALERTING.replace(
        "- {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops]}",
        "- {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops], "
        "muteTimeIntervals: [office, forever]}",
    ).replace(
        "- {match: {severity: warning}, receivers: [slack-mlops]}",
        "- {match: {severity: warning}, receivers: [slack-mlops], activeTimeIntervals: [feb31]}",
    )
    + """\
  timeIntervals:
    office: [{weekdays: ["monday:friday"], times: [{start: "09:00", end: "17:00"}]}]
    forever: [{}]
    feb31: [{months: [february], daysOfMonth: ["31"]}]
"""
)


def test_an_interval_that_mutes_for_ever_or_never_lets_through_is_refused(write_spec) -> None:
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(ROUTED, "routing.yaml")
    result = invoke("validate", str(specs))
    assert result.exit_code == 2
    errors = [
        line.split("routing.yaml:", 1)[1]
        for line in result.stderr.splitlines()
        if ": error: " in line
    ]
    assert errors == [
        "11:108: error: time interval 'forever' always holds: it mutes every alert routed "
        "here, for ever (at spec.routes[0].muteTimeIntervals[1])",
        "12:84: error: time interval 'feb31' never holds: no alert routed here is ever "
        "delivered (at spec.routes[1].activeTimeIntervals[0])",
    ]


def test_monogen_routes_says_when_each_alert_is_delivered(write_spec) -> None:
    import json

    routing = ALERTING.replace(
        "- {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops]}",
        "- {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops], "
        "muteTimeIntervals: [office]}",
    ) + (
        "  timeIntervals:\n"
        '    office: [{weekdays: ["monday:friday"], times: [{start: "09:00", end: "17:00"}]}]\n'
    )
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(routing, "routing.yaml")
    result = invoke("routes", str(specs), "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    critical = [r for r in rows if r["severity"] == "critical"]
    warning = [r for r in rows if r["severity"] == "warning"]
    assert critical and all(
        r["deliveries"]
        == [
            {"receiver": "pagerduty-mlops", "muted": ["office"], "active": []},
            {"receiver": "slack-mlops", "muted": ["office"], "active": []},
        ]
        for r in critical
    )
    assert warning and all(
        r["deliveries"] == [{"receiver": "slack-mlops", "muted": [], "active": []}] for r in warning
    )
    accuracy = [r for r in warning if r["alert"] == "ModelAccuracyDegraded"]
    assert accuracy and all(
        r["silenced_by"] == ["ModelAccuracyDegraded (critical)"] for r in accuracy
    )
    text = invoke("routes", str(specs)).output
    assert "(muted in office)" in text
    assert "(silenced by ModelAccuracyDegraded (critical))" in text


def test_intervals_belong_to_the_route_that_sends_each_notification(write_spec) -> None:
    """A critical reaches the pager through a muted route and the team's chat through a
    later one that is not: only the pager's notification waits for the office to close."""
    import json

    routing = ALERTING.replace(
        "- {match: {severity: critical}, receivers: [pagerduty-mlops, slack-mlops]}",
        "- {match: {severity: critical}, receivers: [pagerduty-mlops], continue: true, "
        "muteTimeIntervals: [office]}",
    ).replace(
        "- {match: {severity: warning}, receivers: [slack-mlops]}",
        "- {receivers: [slack-mlops]}",
    ) + (
        "  timeIntervals:\n"
        '    office: [{weekdays: ["monday:friday"], times: [{start: "09:00", end: "17:00"}]}]\n'
    )
    specs = write_spec(MINIMAL_EXPERIMENT)
    write_spec(routing, "routing.yaml")
    rows = json.loads(invoke("routes", str(specs), "--format", "json").output)
    critical = [r for r in rows if r["severity"] == "critical"]
    assert critical and all(
        r["deliveries"]
        == [
            {"receiver": "pagerduty-mlops", "muted": ["office"], "active": []},
            {"receiver": "slack-mlops", "muted": [], "active": []},
        ]
        for r in critical
    )
    text = invoke("routes", str(specs)).output
    assert "(pagerduty-mlops muted in office)" in text
    assert "(muted in office)" not in text
