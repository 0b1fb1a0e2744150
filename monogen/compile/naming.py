"""Names every target agrees on: recording rules, groups, dashboard uids, runbook anchors."""

from __future__ import annotations

import hashlib
import re


def window_suffix(window: str) -> str:
    """`rate5m` for a 5m window, as in Prometheus' `level:metric:operations` convention."""
    return f"rate{window}"


def counter_base(metric: str) -> str:
    return metric[: -len("_total")] if metric.endswith("_total") else metric


def record(level: str, metric: str, operation: str) -> str:
    return f"{level}:{metric}:{operation}"


def quantile_name(q: float) -> str:
    """p95 for 0.95, p99_9 for 0.999."""
    digits = f"{q * 100:.6f}".rstrip("0").rstrip(".")
    return "p" + digits.replace(".", "_")


def group_name(experiment: str, part: str) -> str:
    return f"monogen.{experiment}.{part}"


def dashboard_uid(experiment: str) -> str:
    """A stable Grafana uid (at most 40 characters) so dashboard links survive rebuilds;
    `overview` gives the overview dashboard's."""
    uid = f"monogen-{experiment}"
    if len(uid) <= 40:
        return uid
    digest = hashlib.sha256(experiment.encode()).hexdigest()[:8]
    return f"{uid[:31]}-{digest}"


def dashboard_url(grafana_url: str, experiment: str) -> str:
    return f"{grafana_url.rstrip('/')}/d/{dashboard_uid(experiment)}/{experiment}"


def runbook_anchor(alert: str) -> str:
    """ModelHighErrorRate → model-high-error-rate."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", alert).lower()


# -- files and Kubernetes objects: one function each, so targets and tests agree ----------

OVERVIEW = "overview"  # the overview dashboard's name (experiment names may not take it)


def runbook_path(experiment: str, alert: str) -> str:
    return f"runbooks/{experiment}/{runbook_anchor(alert)}.md"


def rule_file_path(experiment: str) -> str:
    return f"prometheus/rules/{experiment}.rules.yaml"


def test_file_path(experiment: str) -> str:
    return f"prometheus/tests/{experiment}.test.yaml"


def prometheus_rule_path(experiment: str) -> str:
    return f"kubernetes/prometheusrules/{experiment}.yaml"


def dashboard_file(experiment: str) -> str:
    """The dashboard's file name; the overview's sorts first and no experiment takes it."""
    return "_overview.json" if experiment == OVERVIEW else f"{experiment}.json"


def dashboard_path(experiment: str) -> str:
    return f"grafana/dashboards/{dashboard_file(experiment)}"


def dashboard_configmap_path(experiment: str) -> str:
    name = "_overview" if experiment == OVERVIEW else experiment
    return f"kubernetes/grafana-dashboards/{name}.yaml"


def alertmanager_config_path(team: str) -> str:
    return f"kubernetes/alertmanagerconfigs/{team}.yaml"


def k8s_name(kind: str, name: str) -> str:
    """`monogen-<name>` (`monogen-dashboard-<name>` for dashboards): names are DNS labels
    of at most 63 characters, so these stay valid object names (at most 253)."""
    return f"monogen-{kind}-{name}" if kind else f"monogen-{name}"
