"""Alerting specs (one per team) → one Alertmanager configuration.

Each team's routes live in a subtree selected by `team`, in team order; a spec route with
several receivers becomes sibling routes joined by `continue`. The root's receiver delivers
nowhere: the route-coverage check proves that no generated alert ends there.
"""

from __future__ import annotations

from typing import Any

from monogen.model.alertmanager import AlertmanagerConfig, InhibitRule, Matcher, Route
from monogen.spec.alerting import (
    Alerting,
    EmailConfig,
    PagerDutyConfig,
    Receiver,
    SlackConfig,
    TimeInterval,
    WebhookConfig,
)
from monogen.spec.time_intervals import split_times
from monogen.spec.validate import AlertingDoc, ExperimentDoc

UNROUTED = "monogen-unrouted"
TEMPLATE_DIR = "templates"
TEMPLATE_FILE = "monogen.tmpl"


def compile_alertmanager(
    alertings: tuple[AlertingDoc, ...], experiments: tuple[ExperimentDoc, ...]
) -> AlertmanagerConfig:
    teams = sorted(alertings, key=lambda a: a.spec.metadata.team)
    receivers: list[dict[str, Any]] = [{"name": UNROUTED}]
    owners: dict[str, str] = {}
    subtrees: list[Route] = []
    inhibit: list[InhibitRule] = []
    intervals: list[dict[str, Any]] = []
    smtp = next((a.spec.spec.smtp for a in teams if a.spec.spec.smtp), None)
    for doc in teams:
        team = doc.spec.metadata.team
        spec = doc.spec.spec
        for name in sorted(spec.receivers):
            receivers.append(_receiver(name, spec.receivers[name]))
            owners[name] = team
        subtrees.append(_team_route(doc.spec))
        inhibit.extend(_inhibit_rules(doc.spec, _equal_labels(team, experiments)))
        inhibit.extend(_guardrail_inhibitions(team, experiments))
        for name in sorted(spec.time_intervals):
            intervals.append(
                {
                    "name": interval_name(team, name),
                    "time_intervals": [_interval(i) for i in spec.time_intervals[name]],
                }
            )
    global_: dict[str, Any] = {"resolve_timeout": "5m"}
    if smtp is not None:
        global_.update(
            {
                "smtp_smarthost": smtp.smarthost,
                "smtp_from": smtp.from_,
                "smtp_require_tls": smtp.require_tls,
            }
        )
        if smtp.auth_username:
            global_["smtp_auth_username"] = smtp.auth_username
        if smtp.auth_password_file:
            global_["smtp_auth_password_file"] = smtp.auth_password_file
    root = Route(
        receiver=UNROUTED,
        group_by=("alertname", "experiment"),
        group_wait="30s",
        group_interval="5m",
        repeat_interval="4h",
        routes=tuple(subtrees),
    )
    return AlertmanagerConfig(
        global_=global_,
        route=root,
        receivers=tuple(receivers),
        inhibit_rules=tuple(inhibit),
        time_intervals=tuple(intervals),
        templates=(f"{TEMPLATE_DIR}/*.tmpl",),
        owners=owners,
    )


def interval_name(team: str, name: str) -> str:
    """Teams name their intervals freely; the config needs names unique across teams."""
    return f"{team}/{name}"


def team_matcher(team: str) -> Matcher:
    return ("team", "=", team)


def route_matchers(match: dict[str, str], match_re: dict[str, str]) -> tuple[Matcher, ...]:
    found = [(k, "=", v) for k, v in sorted(match.items())]
    found += [(k, "=~", v) for k, v in sorted(match_re.items())]
    return tuple(found)


def _team_route(alerting: Alerting) -> Route:
    team = alerting.metadata.team
    spec = alerting.spec
    children: list[Route] = []
    for route in spec.routes:
        matchers = route_matchers(route.match, route.match_re)
        last = len(route.receivers) - 1
        for i, receiver in enumerate(route.receivers):
            children.append(
                Route(
                    receiver=receiver,
                    matchers=matchers,
                    continue_=True if i < last else route.continue_,
                    group_by=tuple(route.group_by) if route.group_by is not None else None,
                    group_wait=route.group_wait,
                    group_interval=route.group_interval,
                    repeat_interval=route.repeat_interval,
                    mute_time_intervals=tuple(
                        interval_name(team, n) for n in route.mute_time_intervals
                    ),
                    active_time_intervals=tuple(
                        interval_name(team, n) for n in route.active_time_intervals
                    ),
                )
            )
    d = spec.defaults
    return Route(
        receiver=None,
        matchers=(team_matcher(team),),
        group_by=tuple(d.group_by),
        group_wait=d.group_wait,
        group_interval=d.group_interval,
        repeat_interval=d.repeat_interval,
        routes=tuple(children),
    )


def _equal_labels(team: str, experiments: tuple[ExperimentDoc, ...]) -> list[str]:
    """Labels that identify "the same alert" across severities for this team's experiments."""
    labels = {"alertname", "experiment"}
    for exp in experiments:
        if exp.spec.metadata.team != team:
            continue
        spec = exp.spec.spec
        labels.add(spec.variant_label or "variant")
        for rail in exp.guardrails:
            labels.update(rail.instance_labels)
    return sorted(labels)


def _guardrail_inhibitions(team: str, experiments: tuple[ExperimentDoc, ...]) -> list[InhibitRule]:
    """What guardrails ask for (e.g. missing data silencing alerts on that metric), once
    each, scoped to the team."""
    found: list[InhibitRule] = []
    for exp in experiments:
        if exp.spec.metadata.team != team:
            continue
        variant_label = exp.spec.spec.variant_label or "variant"
        for rail in exp.guardrails:
            for rule in rail.kind.inhibitions(rail, variant_label):
                scoped = InhibitRule(
                    (*rule.source, team_matcher(team)),
                    (*rule.target, team_matcher(team)),
                    tuple(sorted(rule.equal)),
                )
                if scoped not in found:
                    found.append(scoped)
    return found


def _inhibit_rules(alerting: Alerting, equal: list[str]) -> list[InhibitRule]:
    team = team_matcher(alerting.metadata.team)
    rules = []
    if alerting.spec.inhibit.critical_inhibits_warning:
        rules.append(
            InhibitRule(
                (("severity", "=", "critical"), team),
                (("severity", "=", "warning"), team),
                tuple(equal),
            )
        )
    for rule in alerting.spec.inhibit.rules:
        rules.append(
            InhibitRule(
                (*route_matchers(rule.source_match, {}), team),
                (*route_matchers(rule.target_match, {}), team),
                tuple(sorted(set(rule.equal))),
            )
        )
    return rules


def _interval(interval: TimeInterval) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if interval.times:
        out["times"] = [
            {"start_time": start, "end_time": end} for start, end in split_times(interval.times)
        ]
    if interval.weekdays:
        out["weekdays"] = list(interval.weekdays)
    if interval.days_of_month:
        out["days_of_month"] = list(interval.days_of_month)
    if interval.months:
        out["months"] = list(interval.months)
    if interval.location:
        out["location"] = interval.location
    return out


TITLE = '{{ template "monogen.title" . }}'
TEXT = '{{ template "monogen.text" . }}'
SLACK_TEXT = '{{ template "monogen.slack.text" . }}'  # with Slack's `<`, `>`, `&` escaped


def _receiver(name: str, receiver: Receiver) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name}
    if receiver.email:
        out["email_configs"] = [_email(c) for c in receiver.email]
    if receiver.pagerduty:
        out["pagerduty_configs"] = [_pagerduty(c) for c in receiver.pagerduty]
    if receiver.slack:
        out["slack_configs"] = [_slack(c) for c in receiver.slack]
    if receiver.webhook:
        out["webhook_configs"] = [_webhook(c) for c in receiver.webhook]
    return out


def _slack(c: SlackConfig) -> dict[str, Any]:
    return {
        "api_url_file": c.api_url_file,
        "channel": c.channel,
        "send_resolved": c.send_resolved,
        "title": TITLE,
        "text": SLACK_TEXT,
    }


def _email(c: EmailConfig) -> dict[str, Any]:
    return {
        "to": ", ".join(c.to),
        "send_resolved": c.send_resolved,
        "headers": {"Subject": TITLE},
        "text": TEXT,
    }


def _pagerduty(c: PagerDutyConfig) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if c.routing_key_file:
        out["routing_key_file"] = c.routing_key_file
    if c.service_key_file:
        out["service_key_file"] = c.service_key_file
    if c.url:
        out["url"] = c.url
    out.update(
        {
            "send_resolved": c.send_resolved,
            "description": TITLE,
            "severity": "{{ if .CommonLabels.severity }}{{ .CommonLabels.severity }}"
            "{{ else }}critical{{ end }}",
            "details": {"firing": TEXT, "experiment": "{{ .CommonLabels.experiment }}"},
        }
    )
    return out


def _webhook(c: WebhookConfig) -> dict[str, Any]:
    return {"url": c.url, "send_resolved": c.send_resolved, "max_alerts": c.max_alerts}
