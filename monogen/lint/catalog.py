"""Every lint check: importing the check families registers them."""

from __future__ import annotations

from monogen.lint.registry import REGISTRY, Check


def all_checks() -> dict[str, Check]:
    """Every check, importing the check families on first use."""
    from monogen.lint.checks import (  # noqa: F401 - imported to register
        alertmanager,
        alertmanager_types,
        alerts,
        dashboards,
        files,
        integrations,
        promql,
        routing,
        rulers,
        rules,
    )

    return dict(sorted(REGISTRY.items()))
