"""Target versions: which Prometheus, Alertmanager and VictoriaMetrics a team runs
(`target-versions` in the lint configuration). By default monogen lints for the current
long-term releases, Prometheus 3.5, Alertmanager 0.33 and VictoriaMetrics 1.145; naming an
older release (2.42, 2.53, 0.25, 0.28, 1.79 …) refuses what that release refuses.

The field tables of the checks describe the oldest release monogen supports (2.42, 0.25,
1.79); `releases.NEWER` gives each field added since and the first release that reads it,
and `releases.SINCE` each behaviour that changed and the release that changed it."""

from __future__ import annotations

import re
from typing import Any

from monogen.lint.releases import NEWER, SINCE

Version = tuple[int, int]
DEFAULT: dict[str, Version] = {
    "prometheus": (3, 5),
    "alertmanager": (0, 33),
    "victoriametrics": (1, 145),
}
OLDEST: dict[str, Version] = {
    "prometheus": (2, 42),
    "alertmanager": (0, 25),
    "victoriametrics": (1, 79),
}
NAMES = {
    "prometheus": "Prometheus",
    "alertmanager": "Alertmanager",
    "victoriametrics": "VictoriaMetrics",
}


def parse(text: Any) -> Version:
    """ "2.53", "3.0.1" or "v0.28" → (major, minor); ValueError otherwise."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)(\.\d+)?", str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a version like 2.53 or 0.28.1")
    return int(match.group(1)), int(match.group(2))


def shown(version: Version) -> str:
    return ".".join(map(str, version))


def target(settings: dict[str, Any], tool: str) -> Version:
    return settings.get("target_versions", {}).get(tool, DEFAULT[tool])


def reads(settings: dict[str, Any], behaviour: str) -> bool:
    """Whether the target release has `behaviour` (a key of releases.SINCE)."""
    tool, first = SINCE[behaviour]
    return target(settings, tool) >= first


def accepted(settings: dict[str, Any], tool: str, where: str) -> set[str]:
    """The fields newer than the oldest release that the target release reads."""
    version = target(settings, tool)
    return {k for k, first in NEWER.get((tool, where), {}).items() if first <= version}


def refused(settings: dict[str, Any], tool: str, where: str) -> set[str]:
    """The newer fields at `where` that the target release does not read yet."""
    version = target(settings, tool)
    return {k for k, first in NEWER.get((tool, where), {}).items() if first > version}


def hint(settings: dict[str, Any], tool: str, where: str, field: str) -> str:
    """For a field a newer release reads: which one, and how to target it."""
    first = NEWER.get((tool, where), {}).get(field)
    if first is None or first <= target(settings, tool):
        return ""
    return (
        f" ({NAMES[tool]} {shown(first)} reads it; the lint configuration targets "
        f"{shown(target(settings, tool))}: set target-versions = "
        f'{{{tool} = "{shown(first)}"}} if you run it)'
    )


def utf8_names(settings: dict[str, Any]) -> bool:
    return reads(settings, "prometheus/utf8-names")


def load(raw: Any, errors: list[str]) -> dict[str, Version]:
    """`target-versions` from the lint configuration: tool → version."""
    if not isinstance(raw, dict):
        errors.append('`target-versions` maps tools to versions, e.g. {prometheus = "2.53"}')
        return {}
    found = {}
    for tool, text in raw.items():
        if tool not in DEFAULT:
            errors.append(f"target-versions: unknown tool {tool!r} ({', '.join(sorted(DEFAULT))})")
            continue
        try:
            found[str(tool)] = parse(text)
        except ValueError as exc:
            errors.append(f"target-versions: {tool}: {exc}")
    return found
