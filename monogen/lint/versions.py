"""Target versions: which Prometheus and Alertmanager a team runs (`target-versions` in the
lint configuration). By default monogen lints for the versions it proves parity with, the
packaged promtool 2.42 and amtool 0.25: fields newer than those are refused, as those
tools refuse them. Naming a newer version accepts what it reads.

Each table gives a field and the first release that reads it, as the release tags of
Prometheus' model/rulefmt/rulefmt.go and Alertmanager's config/config.go show."""

from __future__ import annotations

import re
from typing import Any

Version = tuple[int, int]
TESTED: dict[str, Version] = {"prometheus": (2, 42), "alertmanager": (0, 25)}
NAMES = {"prometheus": "Prometheus", "alertmanager": "Alertmanager"}

# (tool, where) → field → first version that reads it
NEWER: dict[tuple[str, str], dict[str, Version]] = {
    ("prometheus", "group"): {"query_offset": (2, 53), "labels": (3, 0)},
    ("alertmanager", "receiver"): {
        "msteams_configs": (0, 26),
        "msteamsv2_configs": (0, 28),
        "jira_configs": (0, 28),
        "rocketchat_configs": (0, 28),
        "incidentio_configs": (0, 29),
        "mattermost_configs": (0, 30),
        "labels": (0, 33),
    },
    ("alertmanager", "global"): {
        **dict.fromkeys(
            (
                "jira_api_url",
                "rocketchat_api_url",
                "rocketchat_token",
                "rocketchat_token_file",
                "rocketchat_token_id",
                "rocketchat_token_id_file",
                "smtp_tls_config",
            ),
            (0, 28),
        ),
        **dict.fromkeys(("slack_app_token", "slack_app_token_file", "slack_app_url"), (0, 30)),
        **dict.fromkeys(
            (
                "smtp_auth_secret_file",
                "smtp_force_implicit_tls",
                "telegram_bot_token",
                "telegram_bot_token_file",
                "wechat_api_secret_file",
            ),
            (0, 31),
        ),
        **dict.fromkeys(("mattermost_webhook_url", "mattermost_webhook_url_file"), (0, 32)),
    },
}
# Prometheus 3.0 validates label and metric names as UTF-8 (any non-empty text)
UTF8_NAMES: Version = (3, 0)


def parse(text: Any) -> Version:
    """ "2.53", "3.0.1" or "v0.28" → (major, minor); ValueError otherwise."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)(\.\d+)?", str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a version like 2.53 or 0.28.1")
    return int(match.group(1)), int(match.group(2))


def target(settings: dict[str, Any], tool: str) -> Version:
    return settings.get("target_versions", {}).get(tool, TESTED[tool])


def accepted(settings: dict[str, Any], tool: str, where: str) -> set[str]:
    """The fields newer than the tested version that the target version reads."""
    version = target(settings, tool)
    return {k for k, first in NEWER.get((tool, where), {}).items() if first <= version}


def hint(settings: dict[str, Any], tool: str, where: str, field: str) -> str:
    """For a field a newer release reads: which one, and how to target it."""
    first = NEWER.get((tool, where), {}).get(field)
    if first is None or first <= target(settings, tool):
        return ""
    wanted = ".".join(map(str, first))
    return (
        f" ({NAMES[tool]} {wanted} reads it: set target-versions = "
        f'{{{tool} = "{wanted}"}} in the lint configuration if you run it)'
    )


def utf8_names(settings: dict[str, Any]) -> bool:
    return target(settings, "prometheus") >= UTF8_NAMES


def load(raw: Any, errors: list[str]) -> dict[str, Version]:
    """`target-versions` from the lint configuration: tool → version."""
    if not isinstance(raw, dict):
        errors.append('`target-versions` maps tools to versions, e.g. {prometheus = "3.0"}')
        return {}
    found = {}
    for tool, text in raw.items():
        if tool not in TESTED:
            errors.append(f"target-versions: unknown tool {tool!r} (prometheus, alertmanager)")
            continue
        try:
            found[str(tool)] = parse(text)
        except ValueError as exc:
            errors.append(f"target-versions: {tool}: {exc}")
    return found
