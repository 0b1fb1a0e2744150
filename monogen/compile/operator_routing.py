"""The routing an operator-managed Alertmanager really has. The Prometheus Operator
merges each AlertmanagerConfig into its Alertmanager's configuration (read from its
pkg/alertmanager/amcfg.go): the config's top route becomes a child of the root with
`continue: true`, and under the default `alertmanagerConfigMatcherStrategy` (OnNamespace)
it also gets the matcher `namespace="<the config's namespace>"`, so the config receives
only alerts whose `namespace` label is its own namespace. (OnNamespaceExceptForAlertmanager-
Namespace spares configs in the Alertmanager's namespace; None adds no matcher.)

Every generated alert is walked through that merged tree: one that would not reach its
team's receivers there is refused, with what to change."""

from __future__ import annotations

from dataclasses import replace

from monogen.compile.alertmanager import UNROUTED
from monogen.compile.coverage import RouteRow
from monogen.model.alertmanager import AlertmanagerConfig, Route
from monogen.spec.errors import SpecError
from monogen.spec.project import OperatorOptions
from monogen.spec.validate import AlertingDoc


def merged_route(
    config: AlertmanagerConfig, alertings: tuple[AlertingDoc, ...], operator: OperatorOptions
) -> Route:
    """The root the operator builds from each team's AlertmanagerConfig."""
    namespaces = {a.spec.metadata.team: a.spec.metadata.namespace for a in alertings}
    strategy = operator.alertmanager_config_matcher_strategy
    children = []
    for team_route in config.route.routes:
        team = next((v for k, op, v in team_route.matchers if k == "team" and op == "="), "")
        namespace = namespaces.get(team, "")
        scoped = strategy == "OnNamespace" or (
            strategy == "OnNamespaceExceptForAlertmanagerNamespace"
            and namespace != operator.alertmanager_namespace
        )
        extra = (("namespace", "=", namespace),) if scoped else ()
        # the config's own root receiver is its first receiver (targets/alertmanager_operator)
        first = next((r.receiver for r in team_route.routes if r.receiver), None)
        children.append(
            replace(
                team_route,
                matchers=(*team_route.matchers, *extra),
                continue_=True,
                receiver=team_route.receiver or first,
            )
        )
    return Route(receiver=UNROUTED, routes=tuple(children))


def operator_route_errors(
    rows: list[RouteRow],
    config: AlertmanagerConfig,
    alertings: tuple[AlertingDoc, ...],
    operator: OperatorOptions,
) -> list[SpecError]:
    root = merged_route(config, alertings, operator)
    docs = {a.spec.metadata.team: a for a in alertings}
    errors, seen = [], set()
    for row in rows:
        labels = dict(row.labels)
        if row.problem or tuple(root.walk(labels)) == row.receivers:
            continue
        doc = docs.get(labels.get("team", ""))
        key = (row.experiment, labels.get("team", ""))
        if doc is None or key in seen:
            continue
        seen.add(key)
        namespace = doc.spec.metadata.namespace
        errors.append(
            SpecError(
                doc.doc.where(("metadata", "namespace")),
                f"with the Prometheus Operator, the alerts of experiment {row.experiment} "
                f"(label namespace={labels.get('namespace', '')!r}, the namespace of its "
                f"PrometheusRule) never reach AlertmanagerConfig monogen-{doc.spec.metadata.team} "
                f"in namespace {namespace!r}: the operator's alertmanagerConfigMatcherStrategy "
                f"routes to it only alerts labelled namespace={namespace!r}",
                "metadata.namespace",
                "put the experiment's and the team's manifests in one namespace, or, if your "
                "Alertmanager resource sets another strategy, say so in the project "
                "configuration: operator: {alertmanagerConfigMatcherStrategy: None}",
            )
        )
    return errors
