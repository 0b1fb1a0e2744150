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
    """A stable Grafana uid (at most 40 characters) so dashboard links survive rebuilds."""
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
