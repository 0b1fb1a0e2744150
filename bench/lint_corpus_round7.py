"""A seventh held-out corpus for lint precision (issue 23, round 7).

Rounds 1 to 6 are spent: their false positives were read and fixed. These repositories are
new: none is in `lint_corpus.REPOS`, `lint_corpus_fresh.FRESH_REPOS`,
`lint_corpus_round3.ROUND3_REPOS` … `lint_corpus_round6.ROUND6_REPOS`, and the list was
written and committed before any of their files was opened or linted (each was only checked
to exist in the stored index, by name or by the paths it holds, such as
`alertmanager/alertmanager.yml`, `alertmanager/config.yml`, `prometheus/alert.rules` or
`grafana/dashboard.json`). Every one is held out, as `round7`: nothing is tuned on it before
it is measured. A repository with no snapshot, one too large to fetch, or one whose newest
commit holds no lintable file (by `lint_corpus_pick`) is left out of the record, not
replaced.

Each is here for where it is expected to keep monitoring files (the reason beside it).
Authors and kinds are mixed so that no two repositories dominate: exporters' dashboards and
rules, a community mixin collection, GitOps homelabs and, because Alertmanager configs are
scarce, compose stacks of individuals, students and teams holding one. Round 7 measures the
lint code as of its step 0 (`dashboard/panel-unit` is `info`; `rules/group-interval` warns
only for a group holding a recording rule)."""

from __future__ import annotations

ROUND7_REPOS: dict[str, str] = {
    # a mixin collection, exporters' and projects' dashboards and rules
    "perses/community-mixins": "Perses' community mixins: compiled rules and dashboards",
    "czerwonk/junos_exporter": "a Junos exporter: its dashboards",
    "percona/mongodb_exporter": "Percona's MongoDB exporter: its dashboards",
    "utkuozdemir/nvidia_gpu_exporter": "an NVIDIA GPU exporter: grafana/ dashboard",
    "bluecmd/fortigate_exporter": "a FortiGate exporter: its dashboards",
    "ClusterLabs/ha_cluster_exporter": "ClusterLabs' HA exporter: dashboards and rules",
    "pdreker/fritz_exporter": "a FRITZ!Box exporter: grafana/ dashboards",
    "SckyzO/slurm_exporter": "a Slurm exporter: its dashboards",
    "peimanja/artifactory_exporter": "an Artifactory exporter: its dashboards",
    "Belphemur/adguard-exporter": "an AdGuard exporter: grafana/dashboard.json",
    "ArthurVardevanyan/nvme_exporter": "an NVMe exporter: grafana/dashboard.json",
    "AndreyVMarkelov/jira-prometheus-exporter": "a Jira exporter: grafana/dashboard.json",
    "ApsaraDB/PolarDB-NodeAgent": "Alibaba's PolarDB agent: grafana/dashboard.json",
    "cloudfoundry/firehose_exporter": "Cloud Foundry's firehose exporter: dashboards",
    "prometheus-community/windows_exporter": "the Windows exporter: its mixin and dashboards",
    "imker25/samba_exporter": "a Samba exporter: its dashboard",
    "LambdaLabs/redfish_exporter": "Lambda's Redfish exporter: dashboards and rules",
    "asymmetric-research/solana_exporter": "a Solana exporter: its dashboards and rules",
    "treydock/gpfs_exporter": "an HPC GPFS exporter: its dashboards and rules",
    "RCooLeR/omada_exporter": "an Omada exporter: its dashboards",
    "kozaktomas/digitalocean_exporter": "a DigitalOcean exporter: its dashboards",
    "pstrobl96/prusa_exporter": "a Prusa 3D-printer exporter: its dashboards",
    "AdriaanBakker74/vg710-grafana": "an individual's router dashboard (grafana/dashboard.json)",
    "12ian34/airlab-dash": "an individual's air-quality dashboard (grafana/dashboard.json)",
    "Carlos-Felix/Beegons_grafana": "an individual's stack: prometheus/alert.rules",
    # GitOps homelabs
    "Aviator-Coding/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "GizmoTickler/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "LazyGeniusMan/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "rafaribe/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "sholdee/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "deedee-ops/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    "j0sh3rs/home-ops": "a GitOps homelab: PrometheusRules and dashboards",
    # compose stacks of individuals, students and teams (alertmanager.yml expected)
    "0lawale/devops-project5": "a student's stack: alertmanager/alertmanager.yml",
    "520333/prom": "an individual's stack: alertmanager/alertmanager.yml",
    "4linux/570": "a training company's course stack: alertmanager/alertmanager.yml",
    "AmpyFin/ampy-observability": "a small project's observability: alertmanager.yml",
    "Achekeev/server_monitoring": "an individual's stack: alertmanager/alertmanager.yml",
    "AbdouBeny/observability-lab-docker-env": "a lab: alertmanager/alertmanager.yml, rules",
    "Abhilashchauhan1994/SRE_monitoring_stack": "an SRE stack: alertmanager/alertmanager.yml",
    "AramEvin/lab-monitoring-stack": "a lab stack: alertmanager/alertmanager.yml",
    "AZ1600/platform-engineering-observability": "a platform lab: alertmanager.yml",
    "CanuteTheGreat/patronus": "a project's stack: alertmanager/config.yml",
    "Cepheix/docker-compose-services": "compose services: alertmanager/config.yml",
    "ERS-HCL/DockerEnhancedMetrics": "a company lab: alertmanager/config.yml, alert.rules",
    "Ahmadraza9091/server-monitoring": "an individual's stack: alertmanager/alertmanager.yml",
    "AlexBarbatsalos/prometheus_stack": "an individual's stack: alertmanager/alertmanager.yml",
    "Ammar-ElHussaini/prometheus-observability-stack": "a stack: alertmanager/alertmanager.yml",
    "Blockliquid/namada": "a validator's monitoring: prometheus/alert.rules",
    "DifferentialGraph/graph-setup": "a Graph indexer's setup: prometheus/alert.rules",
    "Baloise-CodeCamp-2022/devopsmon_remote_control": "a code camp team: alert.rules.yml",
}
