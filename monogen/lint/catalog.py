"""Every lint check: importing the check families registers them. A command imports only
the families of the kinds of file it reads (a rule file needs no Alertmanager checks),
which keeps `monogen lint` of one small file quick."""

from __future__ import annotations

from functools import cache
from importlib import import_module

from monogen.lint.registry import REGISTRY, Check

# The modules under monogen.lint.checks registering checks of each kind ("any": checks of
# every kind); tests/test_lint_catalog.py keeps this true.
FAMILIES = {
    "rules": (
        "alert_templates",
        "alerts",
        "promql",
        "promql_impossible",
        "promql_semantics",
        "recording",
        "rulers",
        "rules",
    ),
    "alertmanager": (
        "alertmanager",
        "alertmanager_types",
        "inhibition",
        "integrations",
        "integrations_later",
        "receiver_templates",
        "routing",
        "routing_tree",
        "time_intervals",
    ),
    "dashboard": ("dashboards", "panel_units"),
    "unknown": ("files",),
    "any": ("rules",),
}


def _import(kinds: tuple[str, ...]) -> None:
    for kind in kinds:
        for module in FAMILIES.get(kind, ()):
            import_module(f"monogen.lint.checks.{module}")


def all_checks() -> dict[str, Check]:
    """Every check, importing the check families on first use."""
    _import(tuple(FAMILIES))
    return dict(sorted(REGISTRY.items()))


@cache  # asked for each file linted, and each file a build writes
def checks_for(kind: str) -> tuple[Check, ...]:
    """The checks a document of `kind` gets (its own and those of any kind), in id order."""
    _import((kind, "any"))
    return tuple(c for _, c in sorted(REGISTRY.items()) if c.kind in (kind, "any"))
