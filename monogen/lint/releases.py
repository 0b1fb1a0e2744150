"""What changed between the releases monogen lints for: the fields each release added (and
the first release that reads each), and the checks whose verdict changed.

Facts from the sources of Prometheus (model/rulefmt), Alertmanager (config/, notify/*/config.go)
and vmalert at each release of the tool matrix (Prometheus 2.42, 2.53, 3.5; Alertmanager
0.25, 0.28, 0.33; VictoriaMetrics 1.79, 1.145), whose own tools check the corpus in the
tests. A release between two of those is the first that reads a field as its release
notes say; where they say nothing, the matrix release that first reads it (so an
intermediate release may be refused a field it already reads, never the reverse)."""

from __future__ import annotations

Version = tuple[int, int]


def _all(names: str, first: Version) -> dict[str, Version]:
    return dict.fromkeys(names.split(), first)


# (tool, where) → field → the first release that reads it
NEWER: dict[tuple[str, str], dict[str, Version]] = {
    ("prometheus", "group"): {"query_offset": (2, 53), "labels": (3, 0)},
    ("victoriametrics", "group"): _all(
        "headers notifier_headers eval_offset eval_delay eval_alignment debug", (1, 145)
    ),
    ("victoriametrics", "rule"): _all("keep_firing_for debug update_entries_limit", (1, 145)),
    ("alertmanager", "the config"): _all("tracing", (0, 30)) | _all("event_recorder", (0, 33)),
    ("alertmanager", "receiver"): {
        "msteams_configs": (0, 26),
        "msteamsv2_configs": (0, 28),
        "rocketchat_configs": (0, 28),
        "jira_configs": (0, 29),
        "incidentio_configs": (0, 29),
        "mattermost_configs": (0, 30),
        "labels": (0, 33),
    },
    ("alertmanager", "global"): _all(
        "rocketchat_api_url rocketchat_token rocketchat_token_file rocketchat_token_id "
        "rocketchat_token_id_file smtp_tls_config",
        (0, 28),
    )
    | _all("jira_api_url", (0, 29))
    | _all("slack_app_token slack_app_token_file slack_app_url", (0, 30))
    | _all(
        "smtp_auth_secret_file smtp_force_implicit_tls telegram_bot_token "
        "telegram_bot_token_file wechat_api_secret_file",
        (0, 31),
    )
    | _all("mattermost_webhook_url mattermost_webhook_url_file", (0, 32)),
    ("alertmanager", "inhibit rule"): _all("name", (0, 33)),
    ("alertmanager", "email_config"): _all("auth_secret_file force_implicit_tls", (0, 31))
    | _all("threading", (0, 33)),
    ("alertmanager", "slack_config"): _all(
        "app_token app_token_file app_url message_text update_message timeout", (0, 33)
    ),
    ("alertmanager", "pagerduty_config"): _all("timeout", (0, 33)),
    ("alertmanager", "pushover_config"): _all("user_key_file token_file", (0, 26))
    | _all("ttl device", (0, 28))
    | _all("monospace", (0, 33)),
    ("alertmanager", "telegram_config"): _all("bot_token_file", (0, 26))
    | _all("message_thread_id", (0, 28))
    | _all("chat_id_file", (0, 33)),
    ("alertmanager", "discord_config"): _all(
        "webhook_url_file content username avatar_url", (0, 28)
    ),
    ("alertmanager", "webhook_config"): _all("url_file", (0, 26))
    | _all("timeout", (0, 28))
    | _all("payload", (0, 33)),
    ("alertmanager", "wechat_config"): _all("api_secret_file", (0, 31)),
    ("alertmanager", "sns_config"): _all("use_aws_http_client", (0, 33)),
    # prometheus/common's HTTP client settings, as each Alertmanager release vendors them
    ("alertmanager", "http_config"): _all("no_proxy proxy_from_environment http_headers", (0, 28)),
    ("alertmanager", "basic_auth"): _all("username_file username_ref password_ref", (0, 28)),
    ("alertmanager", "authorization"): _all("credentials_ref", (0, 28)),
    ("alertmanager", "oauth2"): _all(
        "client_secret_ref no_proxy proxy_from_environment proxy_connect_header", (0, 28)
    )
    | _all(
        "client_certificate_key_id client_certificate_key client_certificate_key_file "
        "client_certificate_key_ref grant_type signature_algorithm iss audience claims",
        (0, 33),
    ),
    ("alertmanager", "tls_config"): _all("ca cert key ca_ref cert_ref key_ref", (0, 28)),
}

# behaviour → (tool, the first release that has it)
SINCE: dict[str, tuple[str, Version]] = {
    # label and metric names are any UTF-8 text; a recording rule's name has no braces
    "prometheus/utf8-names": ("prometheus", (3, 0)),
    # group labels are read, and their names checked
    "prometheus/group-labels": ("prometheus", (3, 0)),
    # group_by and inhibit `equal` take UTF-8 label names (matchers/compat, fallback mode)
    "alertmanager/utf8-names": ("alertmanager", (0, 27)),
}

# PromQL functions and aggregations whose reading changed: name → (first release that reads
# it, first release that no longer does); None for "from the oldest" or "still". Promtool
# reads experimental functions only with --enable-feature=promql-experimental-functions,
# which `promtool check rules` is not given: they are refused everywhere.
EXPERIMENTAL = (
    "double_exponential_smoothing sort_by_label sort_by_label_desc mad_over_time info "
    "limitk limit_ratio ts_of_max_over_time ts_of_min_over_time ts_of_last_over_time "
    "first_over_time step histogram_quantiles"
)
PROMQL_FUNCTIONS: dict[str, tuple[Version | None, Version | None]] = {
    "holt_winters": (None, (3, 0)),  # renamed double_exponential_smoothing, experimental
    **dict.fromkeys(("histogram_avg", "histogram_stddev", "histogram_stdvar"), ((2, 53), None)),
}
# Quoted (UTF-8) label names inside a selector's braces: {"service.name"="api"}
QUOTED_LABEL_NAMES: Version = (2, 53)
