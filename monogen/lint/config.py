"""Lint configuration: `[tool.monogen.lint]` in pyproject.toml or `lint:` in .monogen.yaml.

[tool.monogen.lint]
disable = ["promql/regex-redundant"]
scrape-interval = "15s"
severities = ["critical", "warning", "info"]
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monogen.spec.errors import Position, SpecError, SpecErrors
from monogen.spec.quantities import parse_duration

KEYS = {"disable", "scrape-interval", "severities"}


@dataclass(frozen=True)
class LintConfig:
    disable: frozenset[str] = frozenset()
    settings: dict[str, Any] = field(default_factory=dict)
    source: str = ""


def find(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        for name in (".monogen.yaml", "pyproject.toml"):
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def _has_table(path: Path) -> bool:
    try:
        return "monogen" in tomllib.loads(path.read_text()).get("tool", {})
    except (tomllib.TOMLDecodeError, OSError):
        return False


def load(path: Path | None, known: set[str]) -> LintConfig:
    if path is None:
        return LintConfig()
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
        if item not in known:
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
    if errors:
        raise SpecErrors([SpecError(Position(str(path)), e) for e in errors])
    return LintConfig(frozenset(disable), settings, str(path))
