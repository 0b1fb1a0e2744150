"""The stages in order: load → validate → compile → (lint) → files. No stage writes here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monogen.compile.alertmanager import (
    TEMPLATE_DIR,
    TEMPLATE_FILE,
    compile_alertmanager,
    template_text,
)
from monogen.compile.coverage import RouteRow, coverage_errors, route_table
from monogen.compile.dashboards import compile_dashboard, compile_overview
from monogen.compile.kubernetes import (
    alertmanager_config,
    dashboard_configmap,
    dashboard_provisioning,
    prometheus_rule,
)
from monogen.compile.promtests import compile_promtests
from monogen.compile.rules import compile_rules
from monogen.lint.finding import Finding
from monogen.output.render import to_json, to_yaml
from monogen.output.write import Files, with_marker
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import load_paths
from monogen.spec.validate import Specs, validate
from monogen.targets.alertmanager import AlertmanagerConfig
from monogen.targets.rules import RuleFile


def load(paths: list[Path]) -> Specs:
    return validate(load_paths(paths))


@dataclass(frozen=True)
class Compiled:
    """Every target model of one build, before rendering."""

    specs: Specs
    rules: dict[str, RuleFile]
    alertmanager: AlertmanagerConfig | None
    routes: list[RouteRow]


def compile_targets(specs: Specs, *, check_routes: bool = True) -> Compiled:
    """Compile every target; raise SpecErrors when an alert would reach no intended receiver
    (unless `check_routes` is off, for printing the table that shows why)."""
    rules = {exp.name: compile_rules(exp) for exp in specs.experiments}
    if not specs.alertings:
        return Compiled(specs, rules, None, [])
    config = compile_alertmanager(specs.alertings, specs.experiments)
    rows = route_table(config, rules, specs.experiments)
    teams = {a.spec.metadata.team for a in specs.alertings}
    errors = coverage_errors(rows, specs.experiments, teams)
    if errors and check_routes:
        raise SpecErrors(errors)
    return Compiled(specs, rules, config, rows)


def compile_specs(specs: Specs) -> Files:
    """Every generated file, keyed by its path under the output directory."""
    return render(compile_targets(specs))


def lint_generated(files: Files) -> list[Finding]:
    """The lint checks over what a build produced, in memory (same checks as `monogen lint`)."""
    from monogen.lint.config import LintConfig
    from monogen.lint.run import lint_text

    shared: dict[str, object] = {}
    findings: list[Finding] = []
    for rel, text in sorted(files.items()):
        if rel.startswith(
            ("prometheus/rules/", "alertmanager/alertmanager", "grafana/dashboards/")
        ):
            findings.extend(lint_text(text, rel, LintConfig(), shared))
    return findings


def render(compiled: Compiled) -> Files:
    files: Files = {}
    for exp in compiled.specs.experiments:
        rules = compiled.rules[exp.name]
        files.update(rule_files(rules))
        tests = compile_promtests(rules, exp, f"../rules/{exp.name}.rules.yaml")
        files[f"prometheus/tests/{exp.name}.test.yaml"] = to_yaml(tests.document, exp.source)
    files.update(dashboard_files(compiled.specs))
    if compiled.alertmanager is not None:
        files.update(alertmanager_files(compiled.alertmanager, compiled.specs))
    return with_marker(files)


# Where Grafana finds the dashboards on its host; mount generated/grafana/dashboards there.
DASHBOARD_PATH = "/var/lib/grafana/dashboards/monogen"
OVERVIEW_FILE = "_overview.json"  # experiment names cannot start with "_"


def dashboard_files(specs: Specs) -> Files:
    if not specs.experiments:
        return {}
    files: Files = {}
    for exp in specs.experiments:
        text = to_json(compile_dashboard(exp))
        files[f"grafana/dashboards/{exp.name}.json"] = text
        meta = exp.spec.metadata
        configmap = dashboard_configmap(
            exp.name, meta.namespace, exp.spec.spec.dashboard.folder, f"{exp.name}.json", text
        )
        files[f"kubernetes/grafana-dashboards/{exp.name}.yaml"] = to_yaml(configmap, exp.source)
    overview = to_json(compile_overview(specs.experiments))
    files[f"grafana/dashboards/{OVERVIEW_FILE}"] = overview
    files["kubernetes/grafana-dashboards/_overview.yaml"] = to_yaml(
        dashboard_configmap("overview", "monitoring", "ML Experiments", OVERVIEW_FILE, overview),
        "every Experiment spec",
    )
    files["grafana/provisioning/dashboards.yaml"] = to_yaml(
        dashboard_provisioning(DASHBOARD_PATH), "every Experiment spec"
    )
    return files


def alertmanager_files(config: AlertmanagerConfig, specs: Specs) -> Files:
    sources = ", ".join(a.source for a in specs.alertings)
    variant_labels = sorted({e.spec.spec.variant_label or "variant" for e in specs.experiments})
    files = {
        "alertmanager/alertmanager.yaml": to_yaml(config.to_dict(), sources),
        f"alertmanager/{TEMPLATE_DIR}/{TEMPLATE_FILE}": template_text(variant_labels),
    }
    by_name = {r["name"]: r for r in config.receivers}
    team_routes = {route.matchers[0][2]: route for route in config.route.routes}
    for doc in specs.alertings:
        team = doc.spec.metadata.team
        receivers = [by_name[name] for name in sorted(doc.spec.spec.receivers)]
        inhibit = [
            rule for rule in config.inhibit_rules if f'team="{team}"' in rule["source_matchers"]
        ]
        manifest = alertmanager_config(
            team,
            doc.spec.metadata.namespace,
            team_routes[team],
            receivers,
            inhibit,
            doc.spec.spec.smtp,
        )
        files[f"kubernetes/alertmanagerconfigs/{team}.yaml"] = to_yaml(manifest, doc.source)
    return files


def rule_files(rules: RuleFile) -> Files:
    name = rules.experiment
    return {
        f"prometheus/rules/{name}.rules.yaml": to_yaml(rules.to_dict(), rules.source),
        f"kubernetes/prometheusrules/{name}.yaml": to_yaml(prometheus_rule(rules), rules.source),
    }
