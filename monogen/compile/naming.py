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


def extra_dashboard(experiment: str, name: str) -> str:
    """The file and object name of an experiment's extra dashboard: experiment names hold
    no '.', so no two experiments' dashboards share one."""
    return f"{experiment}.{name}"


def extra_dashboard_uid(experiment: str, name: str) -> str:
    return dashboard_uid(f"{experiment}_{name}")  # Grafana uids take no '.'


def dashboard_url(grafana_url: str, experiment: str) -> str:
    return f"{grafana_url.rstrip('/')}/d/{dashboard_uid(experiment)}/{experiment}"


def runbook_anchor(alert: str) -> str:
    """ModelHighErrorRate → model-high-error-rate; SLOErrorBudgetBurn → slo-error-budget-burn."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", alert).lower()


# -- files and Kubernetes objects: one function each, so targets and tests agree ----------

OVERVIEW_TITLE = "ML experiments overview"
OVERVIEW = "overview"  # the overview dashboard's name (experiment names may not take it)


def runbook_path(experiment: str, alert: str) -> str:
    return f"runbooks/{experiment}/{runbook_anchor(alert)}.md"


def rule_file_path(experiment: str) -> str:
    return f"prometheus/rules/{experiment}.rules.yaml"


def ruler_file_path(engine: str, experiment: str) -> str:
    """A scaled-out ruler's copy of the experiment's rules (the directory names the
    dialect `monogen lint` reads it in)."""
    return f"rulers/{engine}/{experiment}.rules.yaml"


def mimir_namespace(experiment: str) -> str:
    """The Mimir (and Cortex) ruler namespace of an experiment's groups: one each."""
    return experiment


def test_file_path(experiment: str) -> str:
    return f"prometheus/tests/{experiment}.test.yaml"


def proof_rule_file_path(experiment: str) -> str:
    """The rules a proof reads where a kind rewrites them (a shorter offset)."""
    return f"prometheus/tests/{experiment}.proof.rules.yaml"


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


def secret_of(path: str) -> tuple[str, str]:
    """The Kubernetes Secret (name, key) behind a secret file: the Prometheus Operator
    mounts Secret `<name>` at /etc/alertmanager/secrets/<name>/<key>; other paths map to
    name = key = the file's name."""
    parts = path.strip("/").split("/")
    if len(parts) == 5 and parts[:3] == ["etc", "alertmanager", "secrets"]:
        return parts[3], parts[4]
    return parts[-1], parts[-1]


# -- rollout gates ------------------------------------------------------------------------


def gate_name(alert: str, parts: list[str], severity: str) -> str:
    """A rollout gate: the alert in kebab case, the label values telling its gates apart
    and the severity (`model-accuracy-degraded-critical`,
    `slo-error-budget-burn-1h-5m-critical`), in lower-case letters, digits and '-'."""
    cleaned = [re.sub(r"[^a-z0-9]+", "-", runbook_anchor(p).lower()).strip("-") for p in parts]
    return "-".join(x for x in [runbook_anchor(alert), *cleaned, severity] if x)


def analysis_template_path(experiment: str) -> str:
    return f"kubernetes/argo-rollouts/{experiment}.yaml"


def metric_template_path(experiment: str, gate: str) -> str:
    return f"kubernetes/flagger/{experiment}/{gate}.yaml"


def canary_analysis_path(experiment: str) -> str:
    """The `analysis` snippet of a Flagger Canary (not an object: beside the templates'
    directory, so `kubectl apply -f` on that directory applies templates only)."""
    return f"kubernetes/flagger/{experiment}.canary-analysis.yaml"


def metric_template_name(experiment: str, gate: str) -> str:
    """`monogen-<experiment>-<gate>`: a DNS subdomain (at most 253 characters)."""
    name = f"monogen-{experiment}-{gate}"
    if len(name) <= 253:
        return name
    return f"{name[:244].rstrip('-')}-{hashlib.sha256(name.encode()).hexdigest()[:8]}"
