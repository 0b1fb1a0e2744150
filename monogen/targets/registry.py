"""Every output target. Adding one: a module in this package and a line here."""

from __future__ import annotations

from monogen.targets.alertmanager import Alertmanager
from monogen.targets.alertmanager_operator import AlertmanagerOperator
from monogen.targets.argo_rollouts import ArgoRollouts
from monogen.targets.base import Target
from monogen.targets.flagger import Flagger
from monogen.targets.grafana_dashboards import GrafanaDashboards
from monogen.targets.mimir_ruler import MimirRuler
from monogen.targets.prometheus_operator import PrometheusOperator
from monogen.targets.prometheus_rules import PrometheusRules
from monogen.targets.promtool_tests import PromtoolTests
from monogen.targets.runbooks import Runbooks
from monogen.targets.thanos_ruler import ThanosRuler
from monogen.targets.victoriametrics_ruler import VictoriaMetricsRuler

TARGETS: tuple[Target, ...] = (
    PrometheusRules(),
    PromtoolTests(),
    PrometheusOperator(),
    GrafanaDashboards(),
    Alertmanager(),
    AlertmanagerOperator(),
    ThanosRuler(),  # the rulers: only when the project's configuration names them
    MimirRuler(),
    VictoriaMetricsRuler(),
    ArgoRollouts(),  # rollout gates: only when the project's configuration names them
    Flagger(),
    Runbooks(),
)
