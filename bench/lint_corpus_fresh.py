"""A fresh held-out corpus for lint precision (issue 23, second round).

The first corpus's held-out half (`lint_corpus.REPOS`, odd hash) was spent: its false
positives were read and fixed. These repositories are new: none is in `REPOS`, and the list
was written and committed before any of their files was linted. Every one of them is held
out: nothing is tuned on it. A repository with no snapshot, or whose newest commit holds no
lintable file (by `lint_corpus_pick`), is left out of the record, not replaced.

Each is here for where it keeps monitoring files (the reason beside it)."""

from __future__ import annotations

FRESH_REPOS: dict[str, str] = {
    # mixins and monitoring folders of projects (rules, PrometheusRules, dashboards)
    "grafana/mimir": "Mimir mixin, compiled rules and dashboards (operations/)",
    "cilium/cilium": "Helm chart's Grafana dashboards for Cilium/Hubble",
    "istio/istio": "addon Grafana dashboards (manifests/addons/dashboards)",
    "kedacore/keda": "KEDA's Grafana dashboard (config/grafana)",
    "cloudnative-pg/cloudnative-pg": "PrometheusRule and dashboard samples for Postgres",
    "Altinity/clickhouse-operator": "ClickHouse alert rules and Grafana dashboards",
    "scylladb/scylla-monitoring": "ScyllaDB rules and an Alertmanager config",
    "CrunchyData/pgmonitor": "Postgres rules, Alertmanager config, dashboards",
    "openebs/monitoring": "OpenEBS PrometheusRules and dashboards",
    "timescale/promscale": "Promscale mixin: alerts and dashboards",
    "temporalio/dashboards": "Temporal's Grafana dashboards",
    "redpanda-data/observability": "Redpanda dashboards and alert rules",
    "element-hq/synapse": "Matrix Synapse: contrib Prometheus rules and Grafana dashboard",
    "tikv/tikv": "TiKV Grafana dashboards and alert rules (metrics/)",
    "spotahome/redis-operator": "example Prometheus rules and Grafana dashboard",
    "nats-io/prometheus-nats-exporter": "exporter walkthrough dashboards",
    "canonical/mysql-k8s-operator": "charm's alert rules and Grafana dashboards",
    "sigp/lighthouse-metrics": "Ethereum client Grafana dashboards",
    "rfmoz/grafana-dashboards": "curated node/host Grafana dashboards",
    "Azure/prometheus-collector": "Azure Managed Prometheus mixins: rules and dashboards",
    "aws-observability/aws-observability-accelerator": "AWS's curated Grafana dashboards",
    # company and organisation infrastructure repositories
    "gardener/gardener": "Gardener's Prometheus rules, dashboards, Alertmanager config",
    "rhobs/configuration": "Red Hat observability service rules and dashboards",
    "observatorium/observatorium": "Observatorium rules and dashboards",
    "m-lab/prometheus-support": "M-Lab's production alerts, Alertmanager config, dashboards",
    "mattermost/mattermost-cloud-monitoring": "Mattermost cloud's monitoring config",
    "deckhouse/deckhouse": "Deckhouse platform's Prometheus rules and dashboards",
    "kubermatic/kubermatic": "Kubermatic's monitoring charts: rules, dashboards",
    # demo and docker-compose stacks (where Alertmanager configs live)
    "stefanprodan/swarmprom": "Docker Swarm stack: rules, Alertmanager config, dashboards",
    "uschtwill/docker_monitoring_logging_alerting": "compose stack with Alertmanager config",
    "microservices-demo/microservices-demo": "Sock Shop monitoring manifests: alerts, AM config",
    "open-telemetry/opentelemetry-demo": "OpenTelemetry demo's Grafana dashboards",
    "grafana/intro-to-mltp": "Grafana's compose demo: dashboards and rules",
    "prometheus/demo-site": "Prometheus demo site: rules and Alertmanager config",
    "spring-petclinic/spring-petclinic-microservices": "compose stack Grafana dashboard",
    "NethermindEth/metrics-infrastructure": "compose stack: dashboards, Prometheus config",
    "geerlingguy/internet-pi": "home stack: Prometheus config and Grafana dashboard",
    "kumahq/kuma": "service mesh's bundled Grafana dashboards",
}
