"""The generated tree: which file holds what, rendered to text.

Each experiment's files are rendered (and linted) independently, so large builds spread
them over processes; the result is the same bytes in the same order either way."""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from monogen.compile.alertmanager import TEMPLATE_DIR, TEMPLATE_FILE, template_text
from monogen.compile.dashboards import compile_dashboard, compile_overview
from monogen.compile.kubernetes import (
    alertmanager_config,
    dashboard_configmap,
    dashboard_provisioning,
    prometheus_rule,
)
from monogen.compile.promtests import compile_promtests
from monogen.lint.finding import Finding
from monogen.output.render import to_compact_json, to_json, to_yaml
from monogen.output.write import Files, with_marker
from monogen.spec.validate import ExperimentDoc, Specs
from monogen.targets.alertmanager import AlertmanagerConfig
from monogen.targets.rules import RuleFile

if TYPE_CHECKING:
    from monogen.pipeline import Compiled

# Where Grafana finds the dashboards on its host; mount generated/grafana/dashboards there.
DASHBOARD_PATH = "/var/lib/grafana/dashboards/monogen"
OVERVIEW_FILE = "_overview.json"  # experiment names cannot start with "_"
PARALLEL_FROM = 64  # experiments; below this, starting processes costs more than it saves


@dataclass
class Output:
    files: Files
    findings: list[Finding] = field(default_factory=list)  # lint of the generated artifacts


def render(compiled: Compiled, *, lint: bool = True) -> Output:
    """The whole tree, with the marker file."""
    output = Output({})
    for part in render_parts(compiled, lint=lint):
        output.files.update(part.files)
        output.findings.extend(part.findings)
    output.files = with_marker(dict(sorted(output.files.items())))
    output.findings.sort()
    return output


def render_parts(compiled: Compiled, *, lint: bool = True) -> Generator[Output, None, None]:
    """Each experiment's files in order, then the files that draw on every spec, each part
    as soon as it is rendered (by parallel workers in a large build), so a caller can
    write one part while the next renders."""
    global _JOB
    experiments = compiled.specs.experiments
    _JOB = (compiled, lint)
    try:
        workers = min(os.cpu_count() or 1, 8)
        if len(experiments) >= PARALLEL_FROM and workers > 1 and _can_fork():
            import grafanalib.core  # noqa: F401 - once here, not once in every worker

            # Frozen objects are not scanned by the collector, so workers do not touch (and
            # copy) every page they inherit.
            gc.freeze()
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    # the files of all experiments together (the overview dashboard is the
                    # largest) go first, so they are done by the time the last chunk is
                    common = pool.apply_async(_common)
                    yield from pool.imap(_experiment, range(len(experiments)), chunksize=16)
                    yield common.get()
            finally:
                gc.unfreeze()
        else:
            for index in range(len(experiments)):
                yield _experiment(index)
            yield _common()
    finally:
        _JOB = None


_JOB: tuple[Compiled, bool] | None = None  # what forked workers render (inherited memory)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _experiment(index: int) -> Output:
    assert _JOB is not None
    compiled, lint = _JOB
    exp = compiled.specs.experiments[index]
    return experiment_files(exp, compiled.rules[exp.name], _Linter(lint))


def _common() -> Output:
    """The files that draw on every spec: overview dashboard, provisioning, Alertmanager."""
    assert _JOB is not None
    compiled, lint = _JOB
    experiments = compiled.specs.experiments
    output = Output({})
    shared = _Linter(lint)
    if experiments:
        overview = compile_overview(experiments)
        text = to_json(overview)
        output.files[f"grafana/dashboards/{OVERVIEW_FILE}"] = text
        shared.add(f"grafana/dashboards/{OVERVIEW_FILE}", overview, text, output)
        output.files["kubernetes/grafana-dashboards/_overview.yaml"] = to_yaml(
            dashboard_configmap(
                "overview", "monitoring", "ML Experiments", OVERVIEW_FILE, to_compact_json(overview)
            ),
            "every Experiment spec",
        )
        output.files["grafana/provisioning/dashboards.yaml"] = to_yaml(
            dashboard_provisioning(DASHBOARD_PATH), "every Experiment spec"
        )
    if compiled.alertmanager is not None:
        output.files.update(alertmanager_files(compiled.alertmanager, compiled.specs))
        rel = "alertmanager/alertmanager.yaml"
        shared.add(rel, compiled.alertmanager.to_dict(), output.files[rel], output)
    return output


class _Linter:
    """Lints artifacts from their data (no re-parse); positions come from the text only
    when something is found."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.shared: dict[str, Any] = {}

    def add(self, rel: str, data: Any, text: str, output: Output) -> None:
        if not self.enabled:
            return
        from monogen.lint.config import LintConfig
        from monogen.lint.run import lint_data, lint_text

        if lint_data(data, rel, LintConfig(), self.shared):
            output.findings.extend(lint_text(text, rel, LintConfig(), {}))


def experiment_files(exp: ExperimentDoc, rules: RuleFile, linter: _Linter | None = None) -> Output:
    out = Output(rule_files(rules))
    name = exp.name
    tests = compile_promtests(rules, exp, f"../rules/{name}.rules.yaml")
    out.files[f"prometheus/tests/{name}.test.yaml"] = to_yaml(tests.document, exp.source)
    dashboard = compile_dashboard(exp)
    text = to_json(dashboard)
    out.files[f"grafana/dashboards/{name}.json"] = text
    meta = exp.spec.metadata
    configmap = dashboard_configmap(
        name,
        meta.namespace,
        exp.spec.spec.dashboard.folder,
        f"{name}.json",
        to_compact_json(dashboard),
    )
    out.files[f"kubernetes/grafana-dashboards/{name}.yaml"] = to_yaml(configmap, exp.source)
    if linter is not None:
        rel = f"prometheus/rules/{name}.rules.yaml"
        linter.add(rel, rules.to_dict(), out.files[rel], out)
        linter.add(f"grafana/dashboards/{name}.json", dashboard, text, out)
    return out


def rule_files(rules: RuleFile) -> Files:
    name = rules.experiment
    return {
        f"prometheus/rules/{name}.rules.yaml": to_yaml(rules.to_dict(), rules.source),
        f"kubernetes/prometheusrules/{name}.yaml": to_yaml(prometheus_rule(rules), rules.source),
    }


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
        meta = doc.spec.metadata
        manifest = alertmanager_config(
            team, meta.namespace, team_routes[team], receivers, inhibit, doc.spec.spec.smtp
        )
        files[f"kubernetes/alertmanagerconfigs/{team}.yaml"] = to_yaml(manifest, doc.source)
    return files
