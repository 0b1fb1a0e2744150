"""A sixth held-out corpus for lint precision (issue 23, round 6).

Rounds 1 to 5 are spent: their false positives were read and fixed. These repositories are
new: none is in `lint_corpus.REPOS`, `lint_corpus_fresh.FRESH_REPOS`,
`lint_corpus_round3.ROUND3_REPOS`, `lint_corpus_round4.ROUND4_REPOS` or
`lint_corpus_round5.ROUND5_REPOS`, and the list was written and committed before any of
their files was opened or linted (each was only checked to exist in the stored index, by
name or by the paths it holds, such as `alertmanager/config.yml`, `prometheus/alert.rules`
or `grafana/dashboard.json`). Every one is held out, as `round6`: nothing is tuned on it
before it is measured. A repository with no snapshot, one too large to fetch, or one whose
newest commit holds no lintable file (by `lint_corpus_pick`) is left out of the record, not
replaced.

Each is here for where it is expected to keep monitoring files (the reason beside it).
Round 5's sample was half two repositories, so authors and kinds are mixed: exporters'
and projects' dashboards, organisations' infrastructure, a compiled mixin, company stacks,
individuals' dashboard collections, GitOps homelabs and, because Alertmanager configs are
scarce, compose stacks of individuals, students and a community group holding one. No lint
change was made after round 5's fixes: round 6 measures main as it is."""

from __future__ import annotations

ROUND6_REPOS: dict[str, str] = {
    # exporters' and projects' dashboards, a mixin, organisations' infrastructure
    "NVIDIA/dcgm-exporter": "NVIDIA's GPU exporter: grafana/ dashboards",
    "kubeovn/kube-ovn": "Kube-OVN (CNCF CNI): dist/monitoring and chart dashboards",
    "mrlhansen/idrac_exporter": "an iDRAC exporter's grafana/ dashboards",
    "eko/pihole-exporter": "a Pi-hole exporter's grafana/ dashboards",
    "nats-io/nats-surveyor": "NATS' surveyor: provisioned dashboards",
    "apache/apisix": "Apache APISIX: its Grafana dashboard",
    "adinhodovic/argo-cd-mixin": "an individual's Argo CD mixin, compiled rules and dashboards",
    "sapcc/helm-charts": "SAP Converged Cloud's charts: alert rules, dashboards",
    "archlinux/infrastructure": "Arch Linux's infrastructure (Ansible): roles/prometheus rules",
    "jenkins-infra/kubernetes-management": "the Jenkins project's cluster management",
    # company and organisation stacks
    "exoplatform/monitoring-stack": "eXo Platform's monitoring stack",
    "datacenter/aci-monitoring-stack": "Cisco's ACI monitoring stack (dashboards, rules)",
    "NSO-developer/nso-monitoring-stack": "Cisco NSO developers' monitoring stack",
    "dNationCloud/kubernetes-monitoring-stack": "dNation's Kubernetes monitoring chart",
    "ekino/docker-monitoring-stack": "ekino's (an agency) compose monitoring stack",
    # individuals' dashboards collections
    "lavery98/grafana-dashboards": "an individual's dashboards collection",
    "node13h/grafana-dashboards": "an individual's dashboards collection",
    "devopsaitoolkit/grafana-dashboards": "a dashboards collection",
    "endurance1968/evcc-grafana-dashboards": "an individual's evcc (EV charging) dashboards",
    # homelabs (GitOps): PrometheusRules, Alertmanager configs, dashboards
    "sulibot/home-ops": "GitOps homelab",
    "mmalyska/home-ops": "GitOps homelab",
    "rwlove/home-ops": "GitOps homelab",
    "xunholy/k8s-gitops": "GitOps homelab",
    "truxnell/home-cluster": "GitOps homelab",
    "larivierec/home-cluster": "GitOps homelab",
    # compose stacks and small infrastructure repositories holding an Alertmanager config or rules
    "1bivandat/monitor-VNPT": "compose monitoring with alertmanager/config.yml",
    "AbdoSalah22/prometheus-grafana-demo": "a demo stack with alertmanager/config.yml",
    "AleksanderDushku/monitor": "compose monitoring with alertmanager/config.yml",
    "AndrewBalin/monitoring-stack": "compose stack with alertmanager/config.yml",
    "BishoyFrancis/monitoring-stack": "compose stack: alertmanager/, prometheus/alert.rules.yml",
    "Bistrushanin/A-full-fledged-monitoring-system": "a student's stack: alertmanager/config.yml",
    "Dilgam92/monitoring": "compose stack: alertmanager/config.yml, prometheus/alert.rules",
    "Forases/monitorizacion": "a Spanish stack: alertmanager/config.yml, prometheus/alert.rules",
    "GoldUniform/alpaca-stack": "compose stack: alertmanager/config.yml, prometheus/alert.rules",
    "DevOps-Kathmandu/monitoring": "a community group's stack: config/alertmanager.yml",
    "Evogene1/jiralert-docker-compose": "Alertmanager with JIRAlert in compose",
    "KelvinShan/monitoring": "compose stack: config/alertmanager.yml",
    "MaartenMol/MAF-DockerStacks": "an individual's Docker stacks: config/alertmanager.yml",
    "Gingo222/docker-compose-prometheus": "compose Prometheus: config/alertmanager.yml",
    "Fat1512/Webserver-Infras-Monitoring": "web server monitoring: config/alertmanager.yml",
    "AntonSatt/are-we-up": "an uptime project: alertmanager/alertmanager.yml",
    "AngelJesse/enterprise-observability-stack": "a stack with alertmanager/alertmanager.yml",
    "Dinithiyapa/monitoring": "compose stack: prometheus/alertmanager.yml",
    "LanTeamNord/grafana": "a LAN party team's monitoring: prometheus/alert.rules",
    "LarsTufvesson/prometheus": "an individual's Prometheus: prometheus/alert.rules",
    "HenriquePiccolo/hp-stack-observability": "observability stack: prometheus/alert.rules",
    "NikMassV/observability-stack": "compose stack: monitoring/prometheus/alert.rules.yml",
}
