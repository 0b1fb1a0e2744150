"""Synthesize N realistic experiment specs (three teams, mixed variant counts, metric
families and guardrails) for the benchmark."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

TEAMS = ("mlops", "recsys", "ml-platform")


def experiment(i: int, rng: random.Random) -> dict:
    family = i % 3
    team = TEAMS[i % len(TEAMS)]
    n = 1 if family == 2 else rng.choice([2, 2, 3, 4])
    cuts = sorted(rng.sample(range(5, 96), n - 1))
    shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    variants = [{"name": f"model-v{j}", "traffic": s} for j, s in enumerate(shares)]
    if family == 0:  # ab_test_* with model_name
        metrics = {
            "requests": {"name": "ab_test_requests_total", "errorSelector": {"status": "error"}},
            "latency": {"name": "ab_test_response_time_seconds"},
            "accuracy": {"name": "ab_test_model_accuracy", "scale": "percent"},
            "businessImpact": {"name": "ab_test_business_impact"},
        }
        guardrails = {
            "accuracy": {},
            "errorRate": {},
            "latency": {},
            "trafficSplit": {},
            "businessImpact": {},
        }
        label = "model_name"
    elif family == 1:  # predictions_* with variant
        metrics = {
            "requests": {"name": "predictions_total"},
            "errors": {"name": "prediction_errors_total"},
            "latency": {"name": "prediction_duration_seconds"},
            "cpu": {"name": "system_cpu_percent"},
            "memory": {"name": "system_memory_percent"},
        }
        guardrails = {
            "errorRate": {"warning": {"above": "2%"}, "critical": {"above": "5%"}},
            "latency": {"warning": {"above": "500ms"}},
            "cpu": {},
            "memory": {},
            "trafficSplit": {"tolerance": 10},
        }
        label = "variant"
    else:  # ml_* single production model
        metrics = {
            "requests": {"name": "ml_predictions_total"},
            "accuracy": {"name": "ml_model_accuracy", "scale": "ratio"},
            "precision": {"name": "ml_model_precision", "scale": "ratio"},
            "recall": {"name": "ml_model_recall", "scale": "ratio"},
            "drift": {"name": "ml_data_drift_psi_score"},
            "roi": {"name": "ml_business_roi"},
            "disk": {"name": "system_disk_usage_percent"},
        }
        guardrails = {
            "accuracy": {"warning": {"below": "85%"}},
            "precision": {"warning": {"below": 0.8}},
            "recall": {"warning": {"below": 0.7}},
            "drift": {},
            "roi": {},
            "disk": {},
        }
        label = None
    spec = {
        "selector": {"namespace": f"ns-{i % 17}", "app": f"svc-{i}"},
        "variants": variants,
        "metrics": metrics,
        "guardrails": guardrails,
        "runbookUrl": f"https://runbooks.example.com/{team}",
        "grafanaUrl": "https://grafana.example.com",
    }
    if label:
        spec["variantLabel"] = label
    return {
        "apiVersion": "monogen/v1",
        "kind": "Experiment",
        "metadata": {"name": f"exp-{i:04d}", "team": team},
        "spec": spec,
    }


def routing(team: str) -> dict:
    return {
        "apiVersion": "monogen/v1",
        "kind": "Alerting",
        "metadata": {"name": team, "team": team},
        "spec": {
            "receivers": {
                f"{team}-pager": {"pagerduty": {"routingKeyFile": f"/etc/am/{team}/pd"}},
                f"{team}-chat": {
                    "slack": {"apiUrlFile": f"/etc/am/{team}/slack", "channel": f"#{team}"}
                },
            },
            "routes": [
                {"match": {"severity": "critical"}, "receivers": [f"{team}-pager", f"{team}-chat"]},
                {"receivers": [f"{team}-chat"]},
            ],
        },
    }


def write(root: Path, n: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    specs = root / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (specs / f"exp-{i:04d}.yaml").write_text(
            yaml.safe_dump(experiment(i, rng), sort_keys=False)
        )
    for team in TEAMS:
        (specs / f"routing-{team}.yaml").write_text(yaml.safe_dump(routing(team), sort_keys=False))
    return specs


def big_rule_file(path: Path, rules: int = 10_000) -> Path:
    """One rule file with `rules` rules, half recording, half alerting."""
    lines = ["groups:"]
    per_group = 100
    for g in range(rules // per_group):
        lines += [f"  - name: group-{g}", "    rules:"]
        for r in range(per_group):
            k = g * per_group + r
            if r % 2 == 0:
                lines += [
                    f"      - record: job_instance:http_requests_{k}:rate5m",
                    f"        expr: sum by (job, instance) (rate(http_requests_{k}_total"
                    f'{{job="api", code=~"5.."}}[5m]))',
                ]
            else:
                lines += [
                    f"      - alert: HighRequestRate{k}",
                    f"        expr: job_instance:http_requests_{k - 1}:rate5m > {k}",
                    "        for: 5m",
                    "        labels: {severity: warning}",
                    "        annotations:",
                    '          summary: "{{ $labels.instance }} serves '
                    '{{ $value | humanize }} req/s"',
                    "          description: rate above threshold",
                    "          runbook_url: https://runbooks.example.com/high-request-rate",
                ]
    path.write_text("\n".join(lines) + "\n")
    return path
