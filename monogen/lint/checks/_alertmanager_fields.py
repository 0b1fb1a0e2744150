"""The fields each part of an Alertmanager config reads, as the first release that reads the
part has them: Alertmanager 0.25 for the parts it knows, the release that added an
integration for the later ones. Fields added afterwards are in releases.NEWER, with the
release that added each (config/config.go, config/notifiers.go, notify/*/config.go)."""

from __future__ import annotations


def _fields(names: str) -> set[str]:
    return set(names.split())


# the part's name as findings say it → its fields
_NOTIFIER = "send_resolved http_config "
ALL_FIELDS: dict[str, set[str]] = {
    "top": _fields(
        "global route receivers inhibit_rules templates mute_time_intervals time_intervals"
    ),
    "global": _fields(
        "resolve_timeout http_config smtp_from smtp_hello smtp_smarthost smtp_auth_username "
        "smtp_auth_password smtp_auth_password_file smtp_auth_secret smtp_auth_identity "
        "smtp_require_tls slack_api_url slack_api_url_file pagerduty_url opsgenie_api_url "
        "opsgenie_api_key opsgenie_api_key_file wechat_api_url wechat_api_secret "
        "wechat_api_corp_id victorops_api_url victorops_api_key victorops_api_key_file "
        "telegram_api_url webex_api_url"
    ),
    "route": _fields(
        "receiver group_by continue matchers match match_re group_wait group_interval "
        "repeat_interval mute_time_intervals active_time_intervals routes"
    ),
    "receiver": _fields(
        "name email_configs pagerduty_configs slack_configs webhook_configs opsgenie_configs "
        "wechat_configs pushover_configs victorops_configs sns_configs telegram_configs "
        "webex_configs discord_configs"
    ),
    "slack_configs": _fields(
        _NOTIFIER + "api_url api_url_file channel username color title title_link pretext "
        "text fields short_fields footer fallback callback_id icon_emoji icon_url image_url "
        "thumb_url link_names mrkdwn_in actions"
    ),
    "email_configs": _fields(
        "send_resolved to from hello smarthost auth_username auth_password "
        "auth_password_file auth_secret auth_identity headers html text require_tls tls_config"
    ),
    "pagerduty_configs": _fields(
        _NOTIFIER + "service_key service_key_file routing_key routing_key_file url client "
        "client_url description details images links source severity class component group"
    ),
    "webhook_configs": _fields(_NOTIFIER + "url max_alerts"),
    "opsgenie_configs": _fields(
        _NOTIFIER + "api_key api_key_file api_url message description source details entity "
        "responders actions tags note priority update_alerts"
    ),
    "wechat_configs": _fields(
        _NOTIFIER + "api_secret corp_id message api_url to_user to_party to_tag agent_id "
        "message_type"
    ),
    "pushover_configs": _fields(
        _NOTIFIER + "user_key token title message url url_title sound priority retry expire html"
    ),
    "victorops_configs": _fields(
        _NOTIFIER + "api_key api_key_file api_url routing_key message_type state_message "
        "entity_display_name monitoring_tool custom_fields"
    ),
    "sns_configs": _fields(
        _NOTIFIER + "api_url sigv4 topic_arn phone_number target_arn subject message attributes"
    ),
    "telegram_configs": _fields(
        _NOTIFIER + "api_url bot_token chat_id message disable_notifications parse_mode"
    ),
    "webex_configs": _fields(_NOTIFIER + "api_url message room_id"),
    "discord_configs": _fields(_NOTIFIER + "webhook_url title message"),
    # integrations later releases added (releases.NEWER says which)
    "msteams_configs": _fields(_NOTIFIER + "webhook_url webhook_url_file title summary text"),
    "msteamsv2_configs": _fields(_NOTIFIER + "webhook_url webhook_url_file title text"),
    "rocketchat_configs": _fields(
        _NOTIFIER + "api_url token_id token_id_file token token_file channel color title "
        "title_link text fields short_fields emoji icon_url image_url thumb_url link_names "
        "actions"
    ),
    "jira_configs": _fields(
        _NOTIFIER + "api_url api_type project summary description labels priority issue_type "
        "reopen_transition resolve_transition wont_fix_resolution reopen_duration fields"
    ),
    "incidentio_configs": _fields(
        _NOTIFIER + "url url_file alert_source_token alert_source_token_file max_alerts timeout"
    ),
    "mattermost_configs": _fields(
        _NOTIFIER + "webhook_url webhook_url_file channel username text fallback color "
        "pretext author_name author_link author_icon title title_link fields thumb_url footer "
        "footer_icon image_url icon_url icon_emoji attachments type props priority"
    ),
    "inhibit_rules": _fields(
        "source_match source_match_re source_matchers target_match target_match_re "
        "target_matchers equal"
    ),
    "time_intervals": _fields("name time_intervals"),
    "interval": _fields("times weekdays days_of_month months years location"),
    "times": _fields("start_time end_time"),
    # prometheus/common's HTTP client, as Alertmanager 0.25 vendors it
    "http_config": _fields(
        "basic_auth authorization oauth2 bearer_token bearer_token_file tls_config proxy_url "
        "proxy_connect_header follow_redirects enable_http2"
    ),
    "basic_auth": _fields("username password password_file"),
    "authorization": _fields("type credentials credentials_file"),
    "oauth2": _fields(
        "client_id client_secret client_secret_file scopes token_url endpoint_params "
        "tls_config proxy_url"
    ),
    "tls_config": _fields(
        "ca_file cert_file key_file server_name insecure_skip_verify min_version max_version"
    ),
}
