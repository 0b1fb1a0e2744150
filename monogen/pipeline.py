"""The stages in order: load → validate → compile (the build model) → targets → lint →
text. No stage writes here: the CLI hands the text to output/write.py."""

from __future__ import annotations

from collections.abc import Generator, MutableMapping
from dataclasses import replace
from pathlib import Path

from monogen.build import Output, PartCache, render, render_parts
from monogen.compile.alertmanager import compile_alertmanager
from monogen.compile.coverage import coverage_errors, route_table
from monogen.compile.inhibition import inhibition_errors
from monogen.compile.operator_routing import operator_route_errors
from monogen.compile.rules import compile_rules
from monogen.model.build import Compiled
from monogen.output.write import Files
from monogen.spec import config_file, project
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import Document, load_paths
from monogen.spec.runbook_templates import load_templates
from monogen.spec.validate import Specs, Validated, validate


def load(
    paths: list[Path],
    memo: dict[str, Validated] | None = None,
    parsed: MutableMapping[str, list[Document]] | None = None,
) -> Specs:
    """The validated specs with the project's configuration and runbook templates (every
    error of all three at once); `memo` keeps documents' validation and `parsed` each
    file's documents (build --watch)."""
    errors = []
    try:
        config = project.load(config_file.find_for_specs(paths))
    except SpecErrors as exc:
        errors, config = exc.errors, project.Project()
    try:
        templates = load_templates(paths)
    except SpecErrors as exc:
        errors, templates = [*errors, *exc.errors], {}
    try:
        defaults = (config.alert_defaults,) if config.alert_defaults else ()
        specs = validate(load_paths(paths, parsed), defaults, memo)
    except SpecErrors as exc:
        raise SpecErrors([*errors, *exc.errors]) from None
    errors += project.labels_in_use(config_file.find_for_specs(paths), config, _used(specs))
    if errors:
        raise SpecErrors(errors)
    return replace(specs, project=config, runbook_templates=templates)


def _used(specs: Specs) -> dict[str, str]:
    """Labels the experiments select or tell variants apart by: label → who uses it."""
    used: dict[str, str] = {}
    for exp in specs.experiments:
        spec = exp.spec.spec
        if spec.variant_label:
            used.setdefault(spec.variant_label, f"experiment {exp.name} tells variants by")
        for label in spec.selector:
            used.setdefault(label, f"experiment {exp.name} selects on")
        for _field, metric in spec.metrics:
            for label in dict(getattr(metric, "selector", None) or {}):
                used.setdefault(label, f"experiment {exp.name} selects on")
    return used


def compile_targets(
    specs: Specs, *, check_routes: bool = True, cache: PartCache | None = None
) -> Compiled:
    """Compile every target; raise SpecErrors when an alert would reach no intended receiver
    (unless `check_routes` is off, for printing the table that shows why). An in-process
    cache (`build --watch`) keeps each experiment's rules while its document is unchanged."""
    keep = cache.rules if cache is not None and cache.in_process else None
    rules = {
        exp.name: keep(exp, specs.project, compile_rules) if keep else compile_rules(exp)
        for exp in specs.experiments
    }
    if not specs.alertings:
        return Compiled(specs, rules, None, [])
    config = compile_alertmanager(specs.alertings, specs.experiments)
    rows = route_table(config, rules, specs.experiments)
    teams = {a.spec.metadata.team for a in specs.alertings}
    errors = coverage_errors(rows, specs.experiments, teams)
    errors += inhibition_errors(config.inhibit_rules, rows, specs.alertings)
    errors += operator_route_errors(rows, config, specs.alertings, specs.project.operator)
    if errors and check_routes:
        raise SpecErrors(errors)
    return Compiled(specs, rules, config, rows)


def compile_specs(specs: Specs) -> Files:
    """Every generated file, keyed by its path under the output directory."""
    return render(compile_targets(specs), lint=False).files


def build(specs: Specs, *, lint: bool = True, cache: PartCache | None = None) -> Output:
    """Every generated file and (with `lint`) the lint findings on them; with a cache,
    experiments rendered before from the same inputs are not rendered again."""
    return render(compile_targets(specs), lint=lint, cache=cache)


def build_parts(
    specs: Specs, *, lint: bool = True, cache: PartCache | None = None
) -> Generator[Output, None, None]:
    """The same files (without the marker) and findings, part by part as they render."""
    return render_parts(compile_targets(specs, cache=cache), lint=lint, cache=cache)
