"""A fourth held-out corpus for lint precision (issue 23, round 4).

Rounds 1 to 3 are spent: their false positives were read and fixed. These repositories are
new: none is in `lint_corpus.REPOS`, `lint_corpus_fresh.FRESH_REPOS` or
`lint_corpus_round3.ROUND3_REPOS`, and the list was written and committed before any of
their files was opened or linted (each was only checked to exist in the stored index, by
name or by the paths it holds, such as `alertmanager/config.yml` or
`prometheus/alert.rules`). Every one is held out, as `round4`: nothing is tuned on it
before it is measured. A repository with no snapshot, one too large to fetch, or one whose
newest commit holds no lintable file (by `lint_corpus_pick`) is left out of the record,
not replaced.

Each is here for where it is expected to keep monitoring files (the reason beside it).
Alertmanager configs are scarce, so half the list is compose stacks and small
infrastructure repositories of individuals, students and groups holding one. The step-0
decisions of round 4 (`alertmanager/unused-receiver` is info; `alertmanager/inline-secret`
names placeholders) were committed before this list."""

from __future__ import annotations

ROUND4_REPOS: dict[str, str] = {
    # dashboards and mixins of projects, organisations and individuals
    "jupyterhub/grafana-dashboards": "JupyterHub's Grafana dashboards for its deployments",
    "cloudnative-pg/grafana-dashboards": "CloudNativePG's dashboards repository (not the operator)",
    "ethersphere/grafana-dashboards": "Swarm (Ethersphere) node dashboards",
    "usegalaxy-eu/grafana-dashboards": "Galaxy Europe's production dashboards",
    "wmde/grafana-dashboards": "Wikimedia Deutschland's dashboards",
    "SoftwareHeritage/swh-grafana-dashboards": "Software Heritage's production dashboards",
    "opennms-forge/grafana-dashboards": "OpenNMS community dashboards",
    "lhotari/pulsar-grafana-dashboards": "an Apache Pulsar committer's dashboards",
    "devopyio/ceph-monitoring-mixin": "a Ceph mixin: compiled alerts and dashboards",
    "nabadger/monitoring-mixins": "one person's compiled mixins: rules and dashboards",
    "bonddim/monitoring-mixins-out": "compiled monitoring mixins: rules and dashboards",
    "ncabatoff/grafana-dashboards": "process-exporter author's dashboards",
    "comtravo/grafana-dashboards": "a company's dashboards repository",
    "Informasjonsforvaltning/fdk-grafana-dashboards": "Norwegian data catalogue's dashboards",
    # projects that ship a monitoring stack
    "openfaas/faas": "OpenFaaS: prometheus/ alert rules and alertmanager.yml of its stack",
    "sourcegraph/deploy-sourcegraph-docker": "Sourcegraph's compose deployment: monitoring",
    # homelabs (GitOps): PrometheusRules, Alertmanager configs, dashboards
    "bjw-s-labs/home-ops": "homelab GitOps: monitoring stack, rules, dashboards",
    "auricom/home-ops": "homelab GitOps: monitoring stack, rules",
    "Ramblurr/home-ops": "homelab GitOps: monitoring stack",
    "joryirving/home-ops": "homelab GitOps: monitoring stack, rules",
    "mirceanton/home-ops": "homelab GitOps: monitoring stack",
    # compose stacks and small infrastructure repositories holding an Alertmanager config
    "0x4e3/observability-stack": "compose stack: alertmanager/config.yml",
    "7io-org/monitor-compose": "a group's compose monitoring: alertmanager/config.yml",
    "AlastairMiller/prometheus-stack-example-project": "example stack: Alertmanager config",
    "Andreh1982/prometheus-playground": "playground: alertmanager/config.yml, rules",
    "Bitriaferrero/PROMETHEUS-THREE-CHANNELS-KARMA": "three-channel alerting: AM config, rules",
    "Cuong97CC/monitor": "compose monitoring: Alertmanager config, alert.rules.yml",
    "FinSecSystems/prometheus": "a company's Prometheus stack: alert.rules, Alertmanager",
    "HamishFleming/barebones-base-monitoring": "base monitoring: alert.rules, Alertmanager",
    "Headbright/ldes-monitoring": "a company's monitoring of an LDES server: rules",
    "DewMaple/prometheus-examples": "examples: alertmanager/config.yml",
    "EthanShoeDev/host-metrics": "host metrics stack: alert.rules, Alertmanager config",
    "475cheng/prometheus-alertmanager": "Prometheus + Alertmanager setup",
    "1005281342/prom-stack": "compose Prometheus stack: alertmanager/alertmanager.yml",
    "DICoE-CGI/indy-node-monitor": "Hyperledger Indy node monitor: alert rules",
    "BankingBattle/BB_monitoring": "a student project's monitoring: rules, Alertmanager",
    "Chad-Ballay/prometheus-playground": "playground: alert.rules, alertmanager.yml",
    "AET-DevOps25/team-server-down": "a university team's project: Alertmanager, rules",
    "12345SATYAM/prometheus-alertmanager-slack": "Alertmanager to Slack setup",
    "MGhaith/Reusable-Monitoring-Stack": "reusable monitoring stack: Alertmanager config",
    "GkG0139/int531-monitoring-tools": "a course's monitoring tools: Alertmanager config",
    "Ezidal/Monitoring": "monitoring setup: prometheus/alertmanager.yml",
    "Avadon/near_stack": "NEAR validator stack: prometheus/alertmanager.yml",
}
