"""False positives found on real repositories (docs/lint-precision.md), each reduced to a
few lines of the file that showed it, beside the true positive the check keeps. The
findings are pinned exactly: file, line, check, severity and message."""

from __future__ import annotations

from pathlib import Path

from monogen.lint.config import LintConfig
from monogen.lint.run import lint_paths

HERE = Path(__file__).parent / "lint" / "precision"

# Round 7's step 0 (a decision of the project's, issue 23): every `dashboard/panel-unit`
# finding is `info` (a house convention: the numbers are right, only unscaled); the pins
# below keep its messages, which still tell a unit the metric suggests from none. And
# `rules/group-interval` warns only for a group holding a recording rule (archlinux-slow).
# Round 2, found on round 1's held-out half: *_over_time needs one sample (GitLab), MetricsQL
# dashboards (VictoriaMetrics), `_metadata` info-like metrics (rook/Ceph), polystat's unit.
EXPECTED = [
    ("ceph-nvmeof.yaml", 5, "alerts/runbook-url", "info",
     "alert 'NVMeoFGatewayOpenSecurity' has no runbook_url"),
    ("ceph-nvmeof.yaml", 14, "alerts/annotations", "info",
     "alert 'NVMeoFSubsystemSeen' has no description"),
    ("ceph-nvmeof.yaml", 14, "alerts/runbook-url", "info",
     "alert 'NVMeoFSubsystemSeen' has no runbook_url"),
    ("ceph-nvmeof.yaml", 17, "alerts/no-comparison", "warning",
     "alert expression has no condition: it fires for every series it returns"),
    ("gitlab.rules", 17, "promql/range-too-short", "warning",
     "range [20s] is shorter than two scrape intervals (30s): rate() may see fewer than two "
     "samples"),
    ("pmm-nodes-overview.json", 25, "dashboard/panel-unit", "info",
     "panel 'Disk Bandwidth, no unit' shows bytes without a unit"),
    ("pmm-nodes-overview.json", 58, "dashboard/rate-interval", "warning",
     "rate() over [$__interval] in panel 'Rest client requests over Prometheus'; use "
     "[$__rate_interval]: it may hold fewer than two samples (30s)"),
    # Round 2, found on the fresh corpus (after it was measured): native histograms
    # (ScyllaDB), an empty password (Sock Shop), the heatmap's y-axis unit (Synapse).
    ("scylla-native.yml", 6, "rules/record-naming", "info",
     "recording rule 'scylla_storage_proxy_coordinator_write_latency_summary' does not follow "
     "level:metric:operations"),
    ("scylla-native.yml", 8, "rules/record-naming", "info",
     "recording rule 'scylla_storage_proxy_coordinator_write_latency_summary' does not follow "
     "level:metric:operations"),
    ("scylla-native.yml", 9, "promql/histogram-quantile-le", "info",
     "histogram_quantile() over an aggregation that drops `le` (unless its series are native "
     "histograms)"),
    ("scylla-native.yml", 11, "rules/record-naming", "info",
     "recording rule 'scylla_storage_proxy_coordinator_read_latency_summary' does not follow "
     "level:metric:operations"),
    ("scylla-native.yml", 12, "promql/histogram-quantile-le", "warning",
     "histogram_quantile() over an aggregation that drops `le`"),
    ("sockshop-alertmanager.yml", 9, "alertmanager/group-by-alertname", "info",
     "group_by without alertname"),
    ("sockshop-alertmanager.yml", 17, "alertmanager/inline-secret", "warning",
     "secret 'service_key' written inline; use service_key_file"),
    ("synapse-heatmap.json", 30, "dashboard/panel-unit", "info",
     "panel 'GetCart Latency Heatmap with Exemplars' shows seconds without a unit"),
    # Round 3, found on its held-out corpus (after it was measured): a panel's min interval
    # (mintel), a receiver named `empty-receiver` (ruanbekker), a clock panel (12urenloop).
    # LavenderFive's unused alternative receiver is info since round 4's step 0 (see the
    # doc), and its `<integration_key>` is named as a placeholder.
    ("gpnc-alertmanager-opsgenie.yml", 17, "alertmanager/receiver-empty", "warning",
     "this route sends alerts to 'warning', a receiver with no integrations: they are "
     "dropped without a word"),
    ("mintel-flux.json", 6, "dashboard/panel-datasource", "info",
     "panel 'Duration of time spent in the job queue before execution' has no datasource "
     "(it reads the default one)"),
    ("mintel-flux.json", 14, "dashboard/rate-interval", "info",
     "rate() over [$__interval] in panel 'Duration of time spent in the job queue before "
     "execution'; use [$__rate_interval]"),
    ("mintel-flux.json", 20, "dashboard/panel-datasource", "info",
     "panel 'Same query, no min interval' has no datasource (it reads the default one)"),
    ("mintel-flux.json", 27, "dashboard/rate-interval", "warning",
     "rate() over [$__interval] in panel 'Same query, no min interval'; use "
     "[$__rate_interval]: it may hold fewer than two samples (30s)"),
    ("mintel-flux.json", 33, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    # Round 4, found on its held-out corpus (after it was measured): a demo dashboard built
    # for a 1s scrape (ncabatoff's agent-demo: min interval 1s); the kept true positive is a
    # short window with no min interval (Informasjonsforvaltning's elasticsearch.json).
    # Round 4: placeholders written as a phrase or an elision (MGhaith's stack, Chad-Ballay's
    # playground) are named as placeholders; a real-looking key keeps the secret message,
    # and the shadowed route (judged real) stays.
    ("mghaith-alertmanager.yml", 8, "alertmanager/shadowed-route", "warning",
     "route 1 can never match: route 0 before it matches every alert it would and does not "
     "continue"),
    ("mghaith-alertmanager.yml", 18, "alertmanager/inline-secret", "warning",
     "placeholder 'your password here' where secret 'auth_password' goes: as written this "
     "receiver cannot deliver; write the secret to a file and use auth_password_file"),
    ("mghaith-alertmanager.yml", 25, "alertmanager/inline-secret", "warning",
     "a URL with placeholder '...' where secret 'api_url' goes: as written this receiver "
     "cannot deliver; write the secret to a file and use api_url_file"),
    ("mghaith-alertmanager.yml", 30, "alertmanager/inline-secret", "warning",
     "secret 'routing_key' written inline; use routing_key_file"),
    ("ncabatoff-agent-demo.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("ncabatoff-agent-demo.json", 8, "dashboard/panel-datasource", "info",
     "panel 'vault: update auth token (5s rate)' has no datasource (it reads the default one)"),
    ("ncabatoff-agent-demo.json", 16, "dashboard/rate-interval", "info",
     "rate() over [5s] in panel 'vault: update auth token (5s rate)'; use [$__rate_interval]"),
    ("ncabatoff-agent-demo.json", 23, "dashboard/panel-datasource", "info",
     "panel 'Avg. CPU Usage, not in the file: fdk elasticsearch, no min interval' has no "
     "datasource (it reads the default one)"),
    ("ncabatoff-agent-demo.json", 30, "dashboard/rate-interval", "warning",
     "irate() over [10s] in panel 'Avg. CPU Usage, not in the file: fdk elasticsearch, no min "
     "interval'; use [$__rate_interval]: it may hold fewer than two samples (30s)"),
    ("near-alertmanager.yml", 9, "alertmanager/inline-secret", "warning",
     "placeholder '<integration_key>' where secret 'routing_key' goes: as written this "
     "receiver cannot deliver; write the secret to a file and use routing_key_file"),
    ("near-alertmanager.yml", 11, "alertmanager/unused-receiver", "info",
     "receiver 'slack' is not used by any route"),
    ("urenloop-status-page.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("urenloop-status-page.json", 13, "dashboard/panel-targets", "warning",
     "panel 'Laps, query not written yet' has no query"),
    # Before round 5 (found on round 2, m-lab, and round 4, team-server-down): a unit named
    # in the title or the axis label is `info`; a label naming another unit, or none, warns.
    ("mlab-k8s-overview.json", 6, "dashboard/panel-unit", "info",
     "panel 'Request duration percentiles (seconds)' shows seconds with the unit in words "
     "only ('Request duration percentiles (seconds)'); a unit field lets Grafana scale and "
     "label the numbers"),
    ("mlab-k8s-overview.json", 14, "dashboard/panel-unit", "info",
     "panel 'Request duration percentiles, not in the file: (bytes) names another unit' "
     "shows seconds without a unit"),
    ("team-server-down-latency.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("team-server-down-latency.json", 6, "dashboard/panel-unit", "info",
     "panel 'Latency' shows seconds with the unit in words only ('Average Latency "
     "(seconds)'); a unit field lets Grafana scale and label the numbers"),
    ("team-server-down-latency.json", 14, "dashboard/panel-unit", "info",
     "panel 'Latency, not in the file: no axis label' shows seconds without a unit"),
    # Round 5, found on its held-out corpus (after it was measured): stat panels whose
    # range mappings turn every value into a word (CloudNativePG's cluster dashboard), a
    # count inside scalar() (Chomtana's Running Containers), absent_over_time() waiting
    # its window (zhorvath83's speedtest exporter), a Slack URL with nothing after the
    # prefix (0xtr1gger's lab: no secret, but it cannot deliver).
    ("chomtana-running-containers.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("chomtana-running-containers.json", 6, "dashboard/panel-unit", "info",
     "panel 'Running Containers' has no unit"),
    ("chomtana-running-containers.json", 14, "dashboard/panel-unit", "info",
     "panel 'Used Memory, not in the file: no unit' shows bytes without a unit"),
    ("cnpg-cluster-status.json", 20, "dashboard/panel-unit", "info",
     "panel 'Replication lag, not in the file: no mappings' shows seconds without a unit"),
    ("lab-alertmanager.yml", 17, "alertmanager/inline-secret", "warning",
     "a URL with no credential ('https://hooks.slack.com/services/') where secret 'api_url' "
     "goes: as written this receiver cannot deliver; write the secret to a file and use "
     "api_url_file"),
    ("lab-alertmanager.yml", 22, "alertmanager/inline-secret", "warning",
     "secret 'api_url' written inline; use api_url_file"),
    ("speedtest-absent.yaml", 4, "alerts/runbook-url", "info",
     "alert 'SpeedtestExporterAbsent' has no runbook_url"),
    ("speedtest-absent.yaml", 11, "alerts/runbook-url", "info",
     "alert 'SpeedtestExporterAbsentNotInTheFile' has no runbook_url"),
    ("speedtest-absent.yaml", 12, "alerts/absent-without-for", "warning",
     "absent() with no `for`: a scrape gap or restart pages"),
    # Round 6, found on its held-out corpus (after it was measured): library panel
    # references whose queries are in the export's __elements (endurance1968's evcc
    # dashboards), a stat showing the series' name and no value (rwlove's Omada exporter
    # dashboard), a count of restarts under topk() (SAP's Calico Felix dashboard).
    ("calico-felix-restarts.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("calico-felix-restarts.json", 6, "dashboard/panel-unit", "info",
     "panel 'Felix restarts/hr (top $top_n)' has no unit"),
    ("calico-felix-restarts.json", 14, "dashboard/panel-unit", "info",
     "panel 'Felix memory, not in the file: (top $top_n)' shows bytes without a unit"),
    ("evcc-library-panels.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("evcc-library-panels.json", 44, "dashboard/panel-targets", "warning",
     "panel 'id 76' (library panel 'Metric history, not in the file: no query in the model') "
     "has no query"),
    ("omada-name-stat.json", 1, "dashboard/datasource-variable", "info",
     "dashboard has no datasource variable"),
    ("omada-name-stat.json", 6, "dashboard/panel-title", "info", "panel has no title"),
    ("omada-name-stat.json", 15, "dashboard/panel-unit", "info",
     "panel 'Uptime, not in the file: the value is shown' shows seconds without a unit"),
    # Round 7's step 0: round 6's Arch Linux alert-only 15m group is `info`; a group
    # holding a recording rule still warns (its series go stale past the 5m lookback).
    ("archlinux-slow-groups.yaml", 3, "rules/group-interval", "info",
     "group interval 15m is longer than 5m (alerting rules only: no recorded series to go "
     "stale)"),
    ("archlinux-slow-groups.yaml", 11, "rules/group-interval", "warning",
     "group interval 60m is longer than 5m: its recorded series go stale between "
     "evaluations (Prometheus looks back 5m)"),
]  # fmt: skip


def test_real_false_positives_stay_fixed_and_true_positives_fire() -> None:
    found = lint_paths(sorted(HERE.iterdir()), LintConfig()).findings
    got = [(Path(f.file).name, f.line, f.check, str(f.severity), f.message) for f in found]
    assert sorted(got) == sorted(EXPECTED)
