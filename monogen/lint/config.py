"""Lint configuration: `[tool.monogen.lint]` in pyproject.toml or `lint:` in .monogen.yaml.

[tool.monogen.lint]
disable = ["promql/regex-redundant"]
scrape-interval = "15s"
severities = ["critical", "warning", "info", "none"]
severity = {"alerts/runbook-url" = "error"}       # check id → error, warning or info
target-versions = {prometheus = "2.53", alertmanager = "0.28"}  # default: 3.5, 0.33, 1.145
dialects = {"thanos-rules/*.yaml" = "thanos"}   # path glob → rule file dialect
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from monogen.lint import versions
from monogen.lint.dialects import DIALECTS
from monogen.lint.finding import Severity
from monogen.lint.metadata import load_metadata
from monogen.spec.errors import Position, SpecError, SpecErrors
from monogen.spec.quantities import parse_duration

KEYS = {
    "disable",
    "scrape-interval",
    "severities",
    "severity",
    "dialects",
    "target-versions",
    "metadata",
}


@dataclass(frozen=True)
class LintConfig:
    disable: frozenset[str] = frozenset()
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def load(path: Path | None, known: set[str] | Callable[[], set[str]]) -> LintConfig:
    """The configuration at `path` (None: the defaults); `known` is every check id, or what
    gives them (the checks are imported only if the file names any)."""
    if path is None:
        return LintConfig()
    known_ids = cache(known if callable(known) else lambda: known)  # asked for once, if at all

    if not path.is_file():
        raise SpecErrors(
            [SpecError(Position(str(path)), "the lint configuration is not a regular file")]
        )
    import tomllib

    try:
        if path.suffix == ".toml":
            raw = tomllib.loads(path.read_text()).get("tool", {}).get("monogen", {}).get("lint", {})
        else:
            raw = (yaml.safe_load(path.read_text()) or {}).get("lint", {})
    except (tomllib.TOMLDecodeError, yaml.YAMLError, OSError, AttributeError) as exc:
        raise SpecErrors(
            [SpecError(Position(str(path)), f"cannot read lint configuration: {exc}")]
        ) from None
    errors = []
    if not isinstance(raw, dict):
        raw = {}
        errors.append("the lint section must be a table/mapping")
    for key in raw:
        if key not in KEYS:
            errors.append(f"unknown lint setting {key!r} (known: {', '.join(sorted(KEYS))})")
    disable = raw.get("disable", [])
    if not isinstance(disable, list):
        errors.append("`disable` must be a list of check ids")
        disable = []
    for item in disable:
        if item not in known_ids():
            errors.append(
                f"unknown check id {item!r} in `disable`; `monogen lint --list` shows them"
            )
    settings: dict[str, Any] = {}
    if "scrape-interval" in raw:
        try:
            settings["scrape_interval"] = parse_duration(str(raw["scrape-interval"]))
        except ValueError as exc:
            errors.append(f"scrape-interval: {exc}")
    if "severities" in raw:
        settings["severities"] = [str(s) for s in raw["severities"]]
    if "dialects" in raw:
        settings["dialects"] = _dialects(raw["dialects"], errors)
    if "target-versions" in raw:
        settings["target_versions"] = versions.load(raw["target-versions"], errors)
    if "severity" in raw:
        settings["severity"] = _severity(raw["severity"], known_ids(), errors)
    if "metadata" in raw:  # relative to the configuration file
        try:
            settings["metric_types"] = load_metadata(path.parent / str(raw["metadata"]))
        except ValueError as exc:
            errors.append(str(exc))
    if errors:
        raise SpecErrors([SpecError(Position(str(path)), e) for e in errors])
    return LintConfig(frozenset(disable), settings, str(path))


def _dialects(raw: Any, errors: list[str]) -> dict[str, str]:
    """`dialects`: path glob → the dialect of the rule files it matches."""
    if not isinstance(raw, dict):
        errors.append(
            "`dialects` must map path globs to dialects, e.g. {'thanos/*.yaml': 'thanos'}"
        )
        return {}
    for pattern, name in raw.items():
        if name not in DIALECTS:
            errors.append(
                f"unknown dialect {name!r} for {pattern!r} (known: {', '.join(sorted(DIALECTS))})"
            )
    return {str(k): str(v) for k, v in raw.items() if v in DIALECTS}


def _severity(raw: Any, known: set[str], errors: list[str]) -> dict[str, Severity]:
    """`severity`: check id → the severity its findings take instead of the default."""
    if not isinstance(raw, dict):
        errors.append("`severity` must map check ids to error, warning or info")
        return {}
    found = {}
    for check_id, name in raw.items():
        if check_id not in known:
            errors.append(f"unknown check id {check_id!r} in `severity`")
        elif str(name).lower() not in ("error", "warning", "info"):
            errors.append(f"severity {name!r} for {check_id!r}: error, warning or info")
        else:
            found[check_id] = Severity.parse(str(name))
    return found
