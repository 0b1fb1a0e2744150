"""The stages in order: load → validate → compile → (lint) → files. No stage writes here."""

from __future__ import annotations

from pathlib import Path

from monogen.compile.kubernetes import prometheus_rule
from monogen.compile.rules import compile_rules
from monogen.output.render import to_yaml
from monogen.output.write import Files, with_marker
from monogen.spec.loader import load_paths
from monogen.spec.validate import Specs, validate
from monogen.targets.rules import RuleFile


def load(paths: list[Path]) -> Specs:
    return validate(load_paths(paths))


def compile_specs(specs: Specs) -> Files:
    """Every generated file, keyed by its path under the output directory."""
    files: Files = {}
    for exp in specs.experiments:
        rules = compile_rules(exp)
        files.update(rule_files(rules))
    return with_marker(files)


def rule_files(rules: RuleFile) -> Files:
    name = rules.experiment
    return {
        f"prometheus/rules/{name}.rules.yaml": to_yaml(rules.to_dict(), rules.source),
        f"kubernetes/prometheusrules/{name}.yaml": to_yaml(prometheus_rule(rules), rules.source),
    }
