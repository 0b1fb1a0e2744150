"""Every output target. Adding one: a module in this package and a line here."""

from __future__ import annotations

from monogen.targets.alertmanager import Alertmanager
from monogen.targets.alertmanager_operator import AlertmanagerOperator
from monogen.targets.base import Target
from monogen.targets.grafana_dashboards import GrafanaDashboards
from monogen.targets.prometheus_operator import PrometheusOperator
from monogen.targets.prometheus_rules import PrometheusRules
from monogen.targets.promtool_tests import PromtoolTests
from monogen.targets.runbooks import Runbooks

TARGETS: tuple[Target, ...] = (
    PrometheusRules(),
    PromtoolTests(),
    PrometheusOperator(),
    GrafanaDashboards(),
    Alertmanager(),
    AlertmanagerOperator(),
    Runbooks(),
)
