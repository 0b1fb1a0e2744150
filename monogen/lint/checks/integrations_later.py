"""Alertmanager integrations later releases added (releases.NEWER says which release reads
each): what each needs as Alertmanager 0.33 checks it (notify/*/config.go and
Config.UnmarshalYAML). A release that does not read an integration refuses it as an
unknown field (alertmanager/unknown-field)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from monogen.lint.checks._alertmanager_shape import Path, integrations
from monogen.lint.checks.integrations import _global, given
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

Own = Callable[[dict[str, Any], Path, dict[str, Any]], Iterator[Hit]]
JIRA_API_TYPES = ("auto", "cloud", "datacenter")


def one_of(
    item: dict[str, Any], path: Path, value: str, file: str, name: str, url: bool = False
) -> Iterator[Hit]:
    """`value` or `file` is set, and not both (a URL is set when not null, as Go reads a
    *URL; a secret or a file name when not empty)."""
    has_value = item.get(value) is not None if url else given(item.get(value))
    if not has_value and not given(item.get(file)):
        yield Hit(f"one of {value} or {file} must be configured on {name}", path)
    if has_value and given(item.get(file)):
        yield Hit(f"at most one of {value} & {file} must be configured", (*path, value), True)


def _webhook(name: str) -> Own:
    def own(item: dict[str, Any], path: Path, g: dict[str, Any]) -> Iterator[Hit]:
        yield from one_of(item, path, "webhook_url", "webhook_url_file", name, url=True)

    return own


def _rocketchat(item: dict[str, Any], path: Path, g: dict[str, Any]) -> Iterator[Hit]:
    for key, what in (("token_id", "TokenID"), ("token", "Token")):
        here = item.get(key) is not None, given(item.get(f"{key}_file"))
        there = g.get(f"rocketchat_{key}") is not None, given(g.get(f"rocketchat_{key}_file"))
        if all(here):
            yield Hit(f"at most one of {key} & {key}_file must be configured", (*path, key), True)
        if not any(here) and not any(there):
            yield Hit(f"no global Rocketchat {what} set either inline or in a file", path)


def _jira(item: dict[str, Any], path: Path, g: dict[str, Any]) -> Iterator[Hit]:
    for key in ("project", "issue_type"):
        if not given(item.get(key)):
            yield Hit(f"missing {key} in jira_config", path)
    kind = item.get("api_type", "auto")
    if kind not in JIRA_API_TYPES:
        yield Hit(
            f"unknown api_type {kind!r} on jira_config, must be {', '.join(JIRA_API_TYPES)}",
            (*path, "api_type"),
        )
    if item.get("api_url") is None and g.get("jira_api_url") is None:
        yield Hit("no global Jira Cloud URL set (api_url, or jira_api_url in global)", path)


def _incidentio(item: dict[str, Any], path: Path, g: dict[str, Any]) -> Iterator[Hit]:
    yield from one_of(item, path, "url", "url_file", "incidentio_config", url=True)
    token, token_file = (
        given(item.get("alert_source_token")),
        given(item.get("alert_source_token_file")),
    )
    if token and token_file:
        yield Hit(
            "at most one of alert_source_token & alert_source_token_file must be configured",
            (*path, "alert_source_token"),
            True,
        )
    http = item.get("http_config")
    auth = isinstance(http, dict) and http.get("authorization") is not None
    if auth and (token or token_file):
        yield Hit(
            "cannot specify alert_source_token or alert_source_token_file when using "
            "http_config.authorization",
            path,
        )
    if isinstance(http, dict) and not auth and not token and not token_file:
        yield Hit(
            "at least one of alert_source_token, alert_source_token_file or "
            "http_config.authorization must be configured",
            path,
        )


def _mattermost(item: dict[str, Any], path: Path, g: dict[str, Any]) -> Iterator[Hit]:
    url, file = item.get("webhook_url") is not None, given(item.get("webhook_url_file"))
    if url and file:
        yield Hit(
            "at most one of webhook_url & webhook_url_file must be configured",
            (*path, "webhook_url"),
            True,
        )
    in_global = g.get("mattermost_webhook_url") is not None or given(
        g.get("mattermost_webhook_url_file")
    )
    if not url and not file and not in_global:
        yield Hit("missing webhook_url or webhook_url_file on mattermost_config", path)
    fields = item.get("fields")
    for i, field in enumerate(fields if isinstance(fields, list) else []):
        for key in ("title", "value"):
            if not (isinstance(field, dict) and given(field.get(key))):
                yield Hit(f"missing {key} in Mattermost field configuration", (*path, "fields", i))


def _register(kind: str, name: str, summary: str, own: Own) -> None:
    def run(f: LintFile) -> Iterator[Hit]:
        g = _global(f)
        for path, item in integrations(f, kind):
            yield from own(item, path, g)

    run.__name__ = f"{name}_config"
    check(
        f"alertmanager/{name}-config",
        "alertmanager",
        Severity.ERROR,
        summary,
        parity=f"amtool 0.33: {kind[:-1]} validation (notify/{name}/config.go)",
    )(run)


for _kind, _name, _summary, _own in (
    (
        "msteams_configs",
        "msteams",
        "A Microsoft Teams integration has webhook_url or webhook_url_file, not both.",
        _webhook("msteams_config"),
    ),
    (
        "msteamsv2_configs",
        "msteamsv2",
        "A Microsoft Teams (workflows) integration has webhook_url or webhook_url_file, not both.",
        _webhook("msteamsv2_config"),
    ),
    (
        "rocketchat_configs",
        "rocketchat",
        "A Rocket.Chat integration has a token id and a token (each inline or in a file, "
        "here or in global), never both forms of one.",
        _rocketchat,
    ),
    (
        "jira_configs",
        "jira",
        "A Jira integration has a project, an issue type, a known api_type and an API URL, "
        "here or in global.",
        _jira,
    ),
    (
        "incidentio_configs",
        "incidentio",
        "An incident.io integration has url or url_file, and authenticates with an alert "
        "source token (or its file) or http_config.authorization, not both.",
        _incidentio,
    ),
    (
        "mattermost_configs",
        "mattermost",
        "A Mattermost integration has a webhook URL or its file (here or in global), not "
        "both, and fields with a title and a value.",
        _mattermost,
    ),
):
    _register(_kind, _name, _summary, _own)
