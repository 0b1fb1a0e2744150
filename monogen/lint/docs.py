"""The checks reference, generated from the registry (docs/lint-checks.md)."""

from __future__ import annotations

from monogen.lint.catalog import all_checks

KIND_TITLES = {
    "any": "Every file",
    "unknown": "Files of no kind monogen lints (named on the command line)",
    "rules": "Prometheus rule files and PrometheusRule manifests",
    "alertmanager": "Alertmanager configuration",
    "dashboard": "Grafana dashboards",
}


def markdown() -> str:
    checks = all_checks()
    out = [
        "# monogen lint checks",
        "",
        "Generated from the check registry by `monogen lint --list --format markdown`; do "
        "not edit.",
        "",
        "Disable a check for a project in `pyproject.toml` (`[tool.monogen.lint]`, "
        '`disable = ["<id>"]`) or `.monogen.yaml` (`lint: {disable: [<id>]}`); for one rule '
        "or route with a comment inside it or on the line above, `# monogen: disable=<id>`; "
        "for a whole file, `# monogen: disable-file=<id>`.",
        "",
    ]
    for kind, title in KIND_TITLES.items():
        rows = [c for c in checks.values() if c.kind == kind]
        if not rows:
            continue
        out += [
            f"## {title}",
            "",
            "| id | severity | what it checks | mirrors |",
            "|---|---|---|---|",
        ]
        for c in rows:
            summary = c.summary.replace("|", "\\|")
            out.append(f"| `{c.id}` | {c.severity} | {summary} | {c.parity or '—'} |")
        out.append("")
    return "\n".join(out)
