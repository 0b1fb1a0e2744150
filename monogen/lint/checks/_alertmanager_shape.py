"""Walking Alertmanager configs whatever their shape: the fields Alertmanager 0.25 knows,
receivers, integrations and routes as checks see them, and matcher parsing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monogen.lint.source import LintFile

Path = tuple[Any, ...]

FIELDS: dict[str, set[str]] = {
    "top": {
        "global",
        "route",
        "receivers",
        "inhibit_rules",
        "templates",
        "mute_time_intervals",
        "time_intervals",
    },
    "global": {
        "resolve_timeout",
        "http_config",
        "smtp_from",
        "smtp_hello",
        "smtp_smarthost",
        "smtp_auth_username",
        "smtp_auth_password",
        "smtp_auth_password_file",
        "smtp_auth_secret",
        "smtp_auth_identity",
        "smtp_require_tls",
        "slack_api_url",
        "slack_api_url_file",
        "pagerduty_url",
        "opsgenie_api_url",
        "opsgenie_api_key",
        "opsgenie_api_key_file",
        "wechat_api_url",
        "wechat_api_secret",
        "wechat_api_corp_id",
        "victorops_api_url",
        "victorops_api_key",
        "victorops_api_key_file",
        "telegram_api_url",
        "webex_api_url",
    },
    "route": {
        "receiver",
        "group_by",
        "continue",
        "matchers",
        "match",
        "match_re",
        "group_wait",
        "group_interval",
        "repeat_interval",
        "mute_time_intervals",
        "active_time_intervals",
        "routes",
    },
    "receiver": {
        "name",
        "email_configs",
        "pagerduty_configs",
        "slack_configs",
        "webhook_configs",
        "opsgenie_configs",
        "wechat_configs",
        "pushover_configs",
        "victorops_configs",
        "sns_configs",
        "telegram_configs",
        "webex_configs",
        "discord_configs",
    },
    "slack_configs": {
        "send_resolved",
        "http_config",
        "api_url",
        "api_url_file",
        "channel",
        "username",
        "color",
        "title",
        "title_link",
        "pretext",
        "text",
        "fields",
        "short_fields",
        "footer",
        "fallback",
        "callback_id",
        "icon_emoji",
        "icon_url",
        "image_url",
        "thumb_url",
        "link_names",
        "mrkdwn_in",
        "actions",
    },
    "email_configs": {
        "send_resolved",
        "to",
        "from",
        "hello",
        "smarthost",
        "auth_username",
        "auth_password",
        "auth_password_file",
        "auth_secret",
        "auth_identity",
        "headers",
        "html",
        "text",
        "require_tls",
        "tls_config",
    },
    "pagerduty_configs": {
        "send_resolved",
        "http_config",
        "service_key",
        "service_key_file",
        "routing_key",
        "routing_key_file",
        "url",
        "client",
        "client_url",
        "description",
        "details",
        "images",
        "links",
        "source",
        "severity",
        "class",
        "component",
        "group",
    },
    "webhook_configs": {"send_resolved", "http_config", "url", "max_alerts"},
    # the integrations Alertmanager 0.25 reads beside those four (config/notifiers.go)
    **{
        kind: {"send_resolved", "http_config", *names.split()}
        for kind, names in {
            "opsgenie_configs": "api_key api_key_file api_url message description source "
            "details entity responders actions tags note priority update_alerts",
            "wechat_configs": "api_secret corp_id message api_url to_user to_party to_tag "
            "agent_id message_type",
            "pushover_configs": "user_key token title message url url_title sound priority "
            "retry expire html",
            "victorops_configs": "api_key api_key_file api_url routing_key message_type "
            "state_message entity_display_name monitoring_tool custom_fields",
            "sns_configs": "api_url sigv4 topic_arn phone_number target_arn subject message "
            "attributes",
            "telegram_configs": "api_url bot_token chat_id message disable_notifications "
            "parse_mode",
            "webex_configs": "api_url message room_id",
            "discord_configs": "webhook_url title message",
        }.items()
    },
    "inhibit_rules": {
        "source_match",
        "source_match_re",
        "source_matchers",
        "target_match",
        "target_match_re",
        "target_matchers",
        "equal",
    },
    "time_intervals": {"name", "time_intervals"},
    "interval": {"times", "weekdays", "days_of_month", "months", "years", "location"},
}


def _data(f: LintFile) -> dict[str, Any]:
    return f.data if isinstance(f.data, dict) else {}


def receivers(f: LintFile) -> Iterator[tuple[Path, dict[str, Any]]]:
    items = _data(f).get("receivers")
    if isinstance(items, list):
        for i, receiver in enumerate(items):
            if isinstance(receiver, dict):
                yield ("receivers", i), receiver


def integrations(f: LintFile, kind: str) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path, receiver in receivers(f):
        items = receiver.get(kind)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    yield (*path, kind, i), item


def routes(f: LintFile) -> Iterator[tuple[Path, dict[str, Any], int]]:
    """(path, route, depth) for the root route (depth 0) and every route below it."""
    root = _data(f).get("route")
    if not isinstance(root, dict):
        return
    stack: list[tuple[Path, dict[str, Any], int]] = [(("route",), root, 0)]
    while stack:
        path, route, depth = stack.pop(0)
        yield path, route, depth
        children = route.get("routes")
        if isinstance(children, list):
            for i, child in enumerate(children):
                if isinstance(child, dict):
                    stack.append(((*path, "routes", i), child, depth + 1))
