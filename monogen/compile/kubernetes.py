"""Kubernetes wrappers around compiled targets: Prometheus Operator `PrometheusRule`."""

from __future__ import annotations

from typing import Any

from monogen.spec.alerting import Smtp
from monogen.targets.alertmanager import Route
from monogen.targets.rules import RuleFile

MANAGED_BY = {"app.kubernetes.io/managed-by": "monogen"}


def prometheus_rule(rules: RuleFile) -> dict[str, Any]:
    labels = {
        **MANAGED_BY,
        "monogen.dev/experiment": rules.experiment,
        "monogen.dev/team": rules.team,
        **rules.k8s_labels,
    }
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {
            "name": f"monogen-{rules.experiment}",
            "namespace": rules.namespace,
            "labels": dict(sorted(labels.items())),
        },
        "spec": rules.to_dict(),
    }


def secret_ref(path: str) -> dict[str, str]:
    """The Kubernetes Secret behind a secret file: the Prometheus Operator mounts Secret
    `<name>` at /etc/alertmanager/secrets/<name>/<key>; other paths map to name = key =
    the file's name."""
    parts = path.strip("/").split("/")
    if len(parts) == 5 and parts[:3] == ["etc", "alertmanager", "secrets"]:
        return {"name": parts[3], "key": parts[4]}
    return {"name": parts[-1], "key": parts[-1]}


def _matchers(matchers: tuple[tuple[str, str, str], ...]) -> list[dict[str, str]]:
    return [{"name": label, "value": value, "matchType": op} for label, op, value in matchers]


def alertmanager_config(
    team: str,
    namespace: str,
    route: Route,
    receivers: list[dict[str, Any]],
    inhibit: list[dict[str, Any]],
    smtp: Smtp | None,
) -> dict[str, Any]:
    """A Prometheus Operator `AlertmanagerConfig` holding one team's routes and receivers.
    The operator scopes it to alerts from its namespace; secrets are Secret references."""
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {
            "name": f"monogen-{team}",
            "namespace": namespace,
            "labels": {**MANAGED_BY, "monogen.dev/team": team},
        },
        "spec": {
            "route": _route(route, receivers[0]["name"]),
            "receivers": [_crd_receiver(r, smtp) for r in receivers],
            "inhibitRules": [
                {
                    "sourceMatch": _parse(rule["source_matchers"]),
                    "targetMatch": _parse(rule["target_matchers"]),
                    "equal": rule["equal"],
                }
                for rule in inhibit
            ],
        },
    }


def _parse(rendered: list[str]) -> list[dict[str, str]]:
    out = []
    for text in rendered:
        op = "=~" if "=~" in text else "="
        name, value = text.split(op, 1)
        out.append({"name": name, "value": value[1:-1].replace('\\"', '"'), "matchType": op})
    return out


def _route(route: Route, fallback: str) -> dict[str, Any]:
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
    if route.routes:
        out["routes"] = [_route(r, out["receiver"]) for r in route.routes]
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


def dashboard_configmap(
    name: str, namespace: str, folder: str, filename: str, dashboard_json: str
) -> dict[str, Any]:
    """A ConfigMap the Grafana sidecar picks up (label `grafana_dashboard: "1"`) and files
    under `folder` (annotation `grafana_folder`, kube-prometheus-stack's default)."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"monogen-dashboard-{name}",
            "namespace": namespace,
            "labels": {**MANAGED_BY, "grafana_dashboard": "1"},
            "annotations": {"grafana_folder": folder},
        },
        "data": {filename: dashboard_json},
    }


def dashboard_provisioning(folder_path: str) -> dict[str, Any]:
    """Grafana file provisioning for the generated dashboards."""
    return {
        "apiVersion": 1,
        "providers": [
            {
                "name": "monogen",
                "orgId": 1,
                "folder": "ML Experiments",
                "type": "file",
                "disableDeletion": False,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 60,
                "options": {"path": folder_path, "foldersFromFilesStructure": False},
            }
        ],
    }
