"""Prometheus Operator `AlertmanagerConfig` manifests: each team's routes, receivers and
inhibition, with secrets as Secret references."""

from __future__ import annotations

from typing import Any

from monogen.compile import naming
from monogen.compile.alertmanager import interval_name, team_matcher
from monogen.model.alertmanager import InhibitRule, Route
from monogen.model.build import Compiled
from monogen.spec.alerting import AlertingSpec, Smtp, TimeInterval
from monogen.spec.time_intervals import split_times
from monogen.targets.alertmanager import template_bodies, variant_labels
from monogen.targets.base import Artifact, Target
from monogen.targets.prometheus_operator import MANAGED_BY


def secret_ref(path: str) -> dict[str, str]:
    name, key = naming.secret_of(path)
    return {"name": name, "key": key}


def _matchers(matchers: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"name": label, "value": value, "matchType": op} for label, op, value in matchers]


def alertmanager_config(
    team: str,
    namespace: str,
    route: Route,
    receivers: list[dict[str, Any]],
    inhibit: list[InhibitRule],
    spec: AlertingSpec,
) -> dict[str, Any]:
    """A Prometheus Operator `AlertmanagerConfig` holding one team's routes, receivers,
    inhibition and time intervals. The operator scopes it to alerts from its namespace;
    secrets are Secret references; interval names are the team's own (the operator
    prefixes them)."""
    names = {interval_name(team, n): n for n in spec.time_intervals}
    manifest: dict[str, Any] = {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {
            "name": naming.k8s_name("", team),
            "namespace": namespace,
            "labels": {**MANAGED_BY, "monogen.dev/team": team},
        },
        "spec": {
            "route": _route(route, receivers[0]["name"], names),
            "receivers": [_crd_receiver(r, spec.smtp) for r in receivers],
            "inhibitRules": [
                {
                    "sourceMatch": _matchers(rule.source),
                    "targetMatch": _matchers(rule.target),
                    "equal": list(rule.equal),
                }
                for rule in inhibit
            ],
        },
    }
    if spec.time_intervals:
        manifest["spec"]["muteTimeIntervals"] = [
            {"name": name, "timeIntervals": [_interval(i) for i in spec.time_intervals[name]]}
            for name in sorted(spec.time_intervals)
        ]
    return manifest


def _interval(interval: TimeInterval) -> dict[str, Any]:
    """A time interval in the CRD's shape (camelCase, day ranges as numbers); a range
    across midnight is split as in the plain configuration."""
    out: dict[str, Any] = {}
    if interval.times:
        out["times"] = [
            {"startTime": start, "endTime": end} for start, end in split_times(interval.times)
        ]
    if interval.weekdays:
        out["weekdays"] = list(interval.weekdays)
    if interval.days_of_month:
        out["daysOfMonth"] = [_day_range(text) for text in interval.days_of_month]
    if interval.months:
        out["months"] = list(interval.months)
    return out


def _day_range(text: str) -> dict[str, int]:
    start, _, end = text.partition(":")
    return {"start": int(start), "end": int(end or start)}


def _route(route: Route, fallback: str, names: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {"receiver": route.receiver or fallback}
    if route.matchers:
        out["matchers"] = _matchers(route.matchers)
    if route.continue_:
        out["continue"] = True
    if route.group_by is not None:
        out["groupBy"] = list(route.group_by)
    durations = (
        ("group_wait", "groupWait"),
        ("group_interval", "groupInterval"),
        ("repeat_interval", "repeatInterval"),
    )
    for key, camel in durations:
        if getattr(route, key):
            out[camel] = getattr(route, key)
    for key, camel in (
        ("mute_time_intervals", "muteTimeIntervals"),
        ("active_time_intervals", "activeTimeIntervals"),
    ):
        if getattr(route, key):
            out[camel] = [names[n] for n in getattr(route, key)]
    if route.routes:
        out["routes"] = [_route(r, out["receiver"], names) for r in route.routes]
    return out


def _crd_receiver(receiver: dict[str, Any], smtp: Smtp | None) -> dict[str, Any]:
    out: dict[str, Any] = {"name": receiver["name"]}
    if "email_configs" in receiver:
        out["emailConfigs"] = [_crd_email(c, smtp) for c in receiver["email_configs"]]
    if "pagerduty_configs" in receiver:
        out["pagerdutyConfigs"] = [_crd_pagerduty(c) for c in receiver["pagerduty_configs"]]
    if "slack_configs" in receiver:
        out["slackConfigs"] = [
            {
                "apiURL": secret_ref(c["api_url_file"]),
                "channel": c["channel"],
                "sendResolved": c["send_resolved"],
                "title": c["title"],
                "text": c["text"],
            }
            for c in receiver["slack_configs"]
        ]
    if "webhook_configs" in receiver:
        out["webhookConfigs"] = [
            {"url": c["url"], "sendResolved": c["send_resolved"], "maxAlerts": c["max_alerts"]}
            for c in receiver["webhook_configs"]
        ]
    return out


def _crd_email(c: dict[str, Any], smtp: Smtp | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "to": c["to"],
        "sendResolved": c["send_resolved"],
        "headers": [{"key": k, "value": v} for k, v in sorted(c["headers"].items())],
        "text": c["text"],
    }
    if smtp is not None:
        out.update(
            {"smarthost": smtp.smarthost, "from": smtp.from_, "requireTLS": smtp.require_tls}
        )
        if smtp.auth_username:
            out["authUsername"] = smtp.auth_username
        if smtp.auth_password_file:
            out["authPassword"] = secret_ref(smtp.auth_password_file)
    return out


def _crd_pagerduty(c: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "routing_key_file" in c:
        out["routingKey"] = secret_ref(c["routing_key_file"])
    if "service_key_file" in c:
        out["serviceKey"] = secret_ref(c["service_key_file"])
    if "url" in c:
        out["url"] = c["url"]
    out.update(
        {
            "sendResolved": c["send_resolved"],
            "description": c["description"],
            "severity": c["severity"],
            "details": [{"key": k, "value": v} for k, v in sorted(c["details"].items())],
        }
    )
    return out


def _inline_templates(value: Any, inline: dict[str, str]) -> Any:
    if isinstance(value, str):
        return inline.get(value, value)
    if isinstance(value, dict):
        return {k: _inline_templates(v, inline) for k, v in value.items()}
    if isinstance(value, list):
        return [_inline_templates(v, inline) for v in value]
    return value


class AlertmanagerOperator(Target):
    name = "alertmanager-operator"

    def shared(self, compiled: Compiled) -> list[Artifact]:
        config = compiled.alertmanager
        if config is None:
            return []
        by_name = {r["name"]: r for r in config.receivers}
        # an operator-managed Alertmanager loads no template files: the configs carry
        # the templates' text where the plain configuration names them
        bodies = template_bodies(variant_labels(compiled))
        inline = {f'{{{{ template "{name}" . }}}}': body for name, body in bodies.items()}
        team_routes = {route.matchers[0][2]: route for route in config.route.routes}
        artifacts = []
        for doc in compiled.specs.alertings:
            meta = doc.spec.metadata
            team = meta.team
            receivers = [by_name[name] for name in sorted(doc.spec.spec.receivers)]
            inhibit = [r for r in config.inhibit_rules if team_matcher(team) in r.source]
            manifest = alertmanager_config(
                team, meta.namespace, team_routes[team], receivers, inhibit, doc.spec.spec
            )
            manifest = _inline_templates(manifest, inline)
            path = naming.alertmanager_config_path(team)
            artifacts.append(Artifact(path, manifest, "yaml", doc.source))
        return artifacts
