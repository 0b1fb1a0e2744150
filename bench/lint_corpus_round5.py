"""A fifth held-out corpus for lint precision (issue 23, round 5).

Rounds 1 to 4 are spent: their false positives were read and fixed. These repositories are
new: none is in `lint_corpus.REPOS`, `lint_corpus_fresh.FRESH_REPOS`,
`lint_corpus_round3.ROUND3_REPOS` or `lint_corpus_round4.ROUND4_REPOS`, and the list was
written and committed before any of their files was opened or linted (each was only checked
to exist in the stored index, by name or by the paths it holds, such as
`alertmanager/alertmanager.yml` or `prometheus/alert.rules`). Every one is held out, as
`round5`: nothing is tuned on it before it is measured. A repository with no snapshot, one
too large to fetch, or one whose newest commit holds no lintable file (by
`lint_corpus_pick`) is left out of the record, not replaced.

Each is here for where it is expected to keep monitoring files (the reason beside it).
Alertmanager configs are scarce, so about half the list is compose stacks, homelabs and
small infrastructure repositories of individuals, students and groups holding one. The
step-0 change of round 5 (`dashboard/panel-unit` reads a unit named in a panel's title or
axis label as `info`) was committed before this list."""

from __future__ import annotations

ROUND5_REPOS: dict[str, str] = {
    # dashboards, mixins and infrastructure of projects, organisations and individuals
    "lightninglabs/lndmon": "Lightning Labs' lnd monitoring: provisioned dashboards",
    "FOSDEM/infrastructure": "FOSDEM's infrastructure (Ansible): a Prometheus role, rules",
    "status-im/infra-nimbus": "Status' fleet infrastructure for Nimbus nodes",
    "apache/pulsar-helm-chart": "Apache Pulsar's Helm chart, which ships Grafana dashboards",
    "povilasv/coredns-mixin": "an individual's CoreDNS mixin: rules, dashboards",
    "grafana/kubernetes-mixin-otel": "Grafana's Kubernetes mixin for OpenTelemetry metrics",
    "vertica/grafana-dashboards": "Vertica's (OpenText) dashboards for its database",
    "petabridge/dotnet-grafana-dashboards": "Petabridge's .NET runtime dashboards",
    "apel/grafana-dashboards": "APEL (WLCG grid accounting) dashboards",
    "foomo/grafana-dashboards": "foomo's (a German agency) dashboards",
    "warehouse-pg/warehouse-pg-grafana-dashboards": "WarehousePG (a Greenplum fork) dashboards",
    "cspinetta/kamon-grafana-dashboards": "an individual's dashboards for Kamon (JVM) metrics",
    "blesswinsamuel/grafana-dashboards": "an individual's dashboards collection",
    "buroa/grafana-dashboards": "a homelabber's dashboards collection",
    "duynhlab/grafana-dashboards": "a small lab's dashboards collection",
    "dividehex/grafana-dashboards": "an individual's dashboards collection",
    # homelabs (GitOps): PrometheusRules, Alertmanager configs, dashboards
    "zhorvath83/home-ops": "GitOps homelab (Flux): PrometheusRules and dashboards in its apps",
    "kid/home-ops": "GitOps homelab",
    "rcdailey/home-ops": "GitOps homelab",
    "tyriis/home-ops": "GitOps homelab",
    "gavinmcfall/home-ops": "GitOps homelab",
    "Diaoul/home-ops": "GitOps homelab",
    "swibrow/home-ops": "GitOps homelab",
    # compose stacks and small infrastructure repositories holding an Alertmanager config or rules
    "0xtr1gger/prometheus_grafana_lab": "compose lab with alertmanager/alertmanager.yml",
    "AlanDSSantos/prometheus-grafana-stack": "compose stack with alertmanager/alertmanager.yml",
    "Ahmadraza9091/proxmox-observability-stack": "Proxmox stack: alertmanager/alertmanager.yml",
    "AileenMolot/pi_hole_monitoring": "Pi-hole stack: alertmanager/alertmanager.yml",
    "Alex-2rios/homelab-monitoring": "homelab stack: alertmanager/alertmanager.yml",
    "Architrixs/DockerMonitoringStack": "Docker stack: alertmanager/alertmanager.yml",
    "4-sai/Observability-lab": "observability lab with alertmanager/alertmanager.yml",
    "Heather-Glen-Village/sensorhub-stack": "a village's sensor hub: prometheus/alert.rules.yml",
    "Fauzan0306/dual-isp-monitoring-template": "dual-ISP template: prometheus/alert.rules.yml",
    "Esfahan/prometheus-and-mtail": "Prometheus with mtail, prometheus/alert.rules",
    "Dmytro-Ostapenko-97/blackbox-monitoring": "blackbox monitoring stack, prometheus/alert.rules",
    "AxiaCoder/home-server-telemetry": "home server telemetry with an alertmanager.yml",
    "ApurvPatilDeqode/parachain-monitoring": "Polkadot parachain monitoring: alertmanager.yml",
    "Jegan-Devops/monitoring-prometheus-grafana-loki": "Loki stack: prometheus/alert.rules.yml",
    "0x3639/znndNode": "a Zenon network node deployment with prometheus/alert.rules",
    "Chomtana/graphprotocol-minimal-docker": "The Graph indexer in compose, prometheus/alert.rules",
    "BerentM/prometheus_alerts_poc": "proof of concept of Prometheus alerts, alertmanager.yml",
    "AWSome-CNCF/demo-monitoring-observability": "a community group's demo: alertmanager.yml",
    "Athens-SDET-Meetup/selenium_observability_workshop": "a meetup's workshop: alert.rules",
    "Kith-mini/server-health-dashboard": "server health stack, prometheus/alert.rules.yml",
    "CarolinaSFreitas/alert-router": "alert routing project, prometheus/alert.rules",
    "Gotsira/prometheus-monitoring": "a student's monitoring stack, prometheus/alert.rules",
    "Amitmaman1/My_Home_Lab": "homelab with monitoring/alertmanager/alertmanager.yml",
    "CodisTech/homelab-configs": "homelab configs with monitoring/prometheus/rules/alerts.yml",
    "AndersPier/enterprise-homelab-infrastructure": "homelab: monitoring/alertmanager/",
}
