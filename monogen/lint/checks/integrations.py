"""Alertmanager integrations beyond Slack, email, PagerDuty and webhooks: what each needs
(a credential here or in `global`, a target, a known option), as amtool checks it
(config/notifiers.go and Config.UnmarshalYAML); URLs, and values set twice with their
`_file`, for every integration."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from monogen.lint.checks._alertmanager_shape import Path, _data, integrations
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.secrets import WITHHELD, shown

ERROR = Severity.ERROR


def given(value: Any) -> bool:
    """Set, as Go reads a string or Secret: YAML null and "" are both the zero value."""
    return value is not None and value != ""


def _global(f: LintFile) -> dict[str, Any]:
    g = _data(f).get("global")
    return g if isinstance(g, dict) else {}


@dataclass(frozen=True)
class Fallback:
    """A field an integration may leave to `global` (value or its `_file`), and the
    message amtool gives when neither has it."""

    field: str
    global_field: str
    message: str
    has_file: bool = False

    def missing(self, item: dict[str, Any], g: dict[str, Any]) -> bool:
        def has(mapping: dict[str, Any], key: str) -> bool:
            return given(mapping.get(key)) or (self.has_file and given(mapping.get(f"{key}_file")))

        return not has(item, self.field) and not has(g, self.global_field)


def _fallbacks(kind: str, f: LintFile) -> Iterator[Hit]:
    g = _global(f)
    for path, item in integrations(f, kind):
        for rule in FALLBACKS.get(kind, ()):
            if rule.missing(item, g):
                yield Hit(rule.message, path)
        # a URL left to global, where global says null: amtool has none to fall back on
        url = GLOBAL_URLS.get(kind)
        if url and item.get(url[0]) is None and url[1] in g and g[url[1]] is None:
            yield Hit(f"no global {url[2]} URL set", path)


FALLBACKS: dict[str, tuple[Fallback, ...]] = {
    "opsgenie_configs": (
        Fallback(
            "api_key",
            "opsgenie_api_key",
            "no global OpsGenie API Key set either inline or in a file",
            has_file=True,
        ),
    ),
    "victorops_configs": (
        Fallback("api_key", "victorops_api_key", "no global VictorOps API Key set", True),
    ),
    "telegram_configs": (
        Fallback(
            "bot_token",
            "telegram_bot_token",
            "missing bot_token or bot_token_file on telegram_config",
            has_file=True,
        ),
    ),
    "wechat_configs": (
        Fallback(
            "api_secret",
            "wechat_api_secret",
            "no global Wechat Api Secret set either inline or in a file",
            has_file=True,
        ),
        Fallback("corp_id", "wechat_api_corp_id", "no global Wechat CorpID set"),
    ),
}
# integration: (its URL field, the global one it defaults to, the name amtool says)
GLOBAL_URLS = {
    "opsgenie_configs": ("api_url", "opsgenie_api_url", "OpsGenie"),
    "victorops_configs": ("api_url", "victorops_api_url", "VictorOps"),
    "wechat_configs": ("api_url", "wechat_api_url", "Wechat"),
    "webex_configs": ("api_url", "webex_api_url", "Webex"),
}
OPSGENIE_TYPES = ("team", "teams", "user", "escalation", "schedule")
VICTOROPS_RESERVED = [
    "routing_key",
    "message_type",
    "state_message",
    "entity_display_name",
    "monitoring_tool",
    "entity_id",
    "entity_state",
]
TELEGRAM_MODES = ("Markdown", "MarkdownV2", "HTML")
GO_DURATION = re.compile(r"^[-+]?(0|((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")


def _opsgenie(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    responders = item.get("responders")
    for i, r in enumerate(responders if isinstance(responders, list) else []):
        if not isinstance(r, dict):
            continue
        if not any(given(r.get(k)) for k in ("id", "username", "name")):
            yield Hit(
                "an OpsGenie responder has none of id, username or name", (*path, "responders", i)
            )
        kind = str(r.get("type") or "")
        if "{{" not in kind and kind.lower() not in OPSGENIE_TYPES:
            yield Hit(
                f"OpsGenie responder type {shown(kind)} is none of {', '.join(OPSGENIE_TYPES)}",
                (*path, "responders", i),
            )


def _victorops(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    if not given(item.get("routing_key")):
        yield Hit("missing Routing key in VictorOps config", path)
    fields = item.get("custom_fields")
    for name in fields if isinstance(fields, dict) else {}:
        if name in VICTOROPS_RESERVED:
            yield Hit(
                f"VictorOps custom field {name!r} conflicts with a fixed field",
                (*path, "custom_fields", name),
                key=True,
            )


def _wechat(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    kind = item.get("message_type")
    if given(kind) and kind not in ("text", "markdown"):
        yield Hit(f"WeChat message type {shown(kind)} is neither text nor markdown", path)


def _telegram(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    chat = item.get("chat_id")
    if chat is not None and (isinstance(chat, bool) or not isinstance(chat, int)):
        yield Hit("chat_id is a number (the chat's id)", (*path, "chat_id"))
    elif not chat and not given(item.get("chat_id_file")):
        yield Hit("missing chat_id or chat_id_file on telegram_config", path)
    mode = item.get("parse_mode")
    if given(mode) and mode not in TELEGRAM_MODES:
        yield Hit(f"unknown parse_mode {shown(mode)}: {', '.join(TELEGRAM_MODES)} or empty", path)


def _sns(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    # amtool 0.25 computes (target == "") != (topic == "") != (phone == ""): an even count
    # of empty fields fails. One target passes, and (a quirk kept for parity) all three.
    empty = [not given(item.get(k)) for k in ("target_arn", "topic_arn", "phone_number")]
    if sum(empty) % 2 == 1:
        yield Hit("must provide either a Target ARN, Topic ARN, or Phone Number for SNS", path)


def _webex(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    if not given(item.get("room_id")):
        yield Hit("missing room_id on webex_config", path)
    http = item.get("http_config")
    if not isinstance(http, dict) or http.get("authorization") is None:
        yield Hit("missing webex_configs.http_config.authorization (global does not count)", path)


def _discord(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    if item.get("webhook_url") is None and not given(item.get("webhook_url_file")):
        yield Hit("no discord webhook URL or URLFile provided", path)


def _pushover(item: dict[str, Any], path: Path) -> Iterator[Hit]:
    for key in ("user_key", "token"):
        if not given(item.get(key)) and not given(item.get(f"{key}_file")):
            yield Hit(f"one of {key} or {key}_file must be configured on pushover_config", path)
    if item.get("html") is True and item.get("monospace") is True:
        yield Hit("at most one of monospace & html must be configured", (*path, "monospace"))
    for key in ("retry", "expire"):
        value = item.get(key)
        if given(value) and not GO_DURATION.match(str(value)):
            yield Hit(f"{key}: {shown(str(value))} is not a duration like 30s or 1h", (*path, key))


def _register(kind: str, name: str, summary: str, own: Callable[..., Iterator[Hit]]) -> None:
    def run(f: LintFile) -> Iterator[Hit]:
        yield from _fallbacks(kind, f)
        for path, item in integrations(f, kind):
            yield from own(item, path)

    run.__name__ = f"{name}_config"
    check(
        f"alertmanager/{name}-config",
        "alertmanager",
        ERROR,
        summary,
        parity=f"amtool 0.25-0.33: {kind[:-1]} validation (config/notifiers.go)",
    )(run)


for _kind, _name, _summary, _own in (
    (
        "opsgenie_configs",
        "opsgenie",
        "An OpsGenie integration has an API key or key file, here or in global, and "
        "responders with an id, username or name and a known type.",
        _opsgenie,
    ),
    (
        "victorops_configs",
        "victorops",
        "A VictorOps integration has a routing key, an API key or key file (here or in "
        "global), and no custom field that shadows a fixed one.",
        _victorops,
    ),
    (
        "wechat_configs",
        "wechat",
        "A WeChat integration has an API secret and corp id, here or in global, and a "
        "message type of text or markdown.",
        _wechat,
    ),
    (
        "telegram_configs",
        "telegram",
        "A Telegram integration has a bot token (or its file, here or in global), a numeric "
        "chat id (or its file) and a known parse mode.",
        _telegram,
    ),
    (
        "sns_configs",
        "sns",
        "An SNS integration names one target: a target ARN, a topic ARN or a phone number.",
        _sns,
    ),
    (
        "webex_configs",
        "webex",
        "A Webex integration has a room id and its own http_config authorization.",
        _webex,
    ),
    (
        "discord_configs",
        "discord",
        "A Discord integration has a webhook URL or its file.",
        _discord,
    ),
    (
        "pushover_configs",
        "pushover",
        "A Pushover integration has a user key and a token (or their files), Go durations for "
        "retry and expire, and not both html and monospace.",
        _pushover,
    ),
):
    _register(_kind, _name, _summary, _own)


# Fields set twice, with their `_file`: (where, field) as amtool refuses them. A field a
# release does not read is refused as unknown (alertmanager/unknown-field) before this.
GLOBAL_PAIRS = (
    "slack_api_url",
    "slack_app_token",
    "opsgenie_api_key",
    "victorops_api_key",
    "telegram_bot_token",
    "smtp_auth_password",
    "smtp_auth_secret",
    "rocketchat_token",
    "rocketchat_token_id",
    "wechat_api_secret",
    "mattermost_webhook_url",
)
INTEGRATION_PAIRS = {
    "slack_configs": ("api_url", "app_token"),
    "pagerduty_configs": ("routing_key", "service_key"),
    "opsgenie_configs": ("api_key",),
    "victorops_configs": ("api_key",),
    "telegram_configs": ("bot_token", "chat_id"),
    "wechat_configs": ("api_secret",),
    "pushover_configs": ("user_key", "token"),
    "webhook_configs": ("url",),
    "discord_configs": ("webhook_url",),
}
# Set when not null (Go reads them into pointers), even when empty.
POINTERS = {"rocketchat_token", "rocketchat_token_id"}


@check(
    "alertmanager/value-or-file",
    "alertmanager",
    ERROR,
    "A secret or URL is given inline or in its `_file`, not both: in global and in each "
    "integration (a Slack app token or a webhook URL, not both).",
    parity="amtool: at most one of X & X_file must be configured",
)
def value_or_file(f: LintFile) -> Iterator[Hit]:
    g = _global(f)
    for key in GLOBAL_PAIRS:
        if _both(g, key, url=key.endswith("_url") or key in POINTERS):
            yield Hit(f"at most one of {key} and {key}_file may be set", ("global", key), True)
    app = given(g.get("slack_app_token")) or given(g.get("slack_app_token_file"))
    webhook = g.get("slack_api_url") is not None or given(g.get("slack_api_url_file"))
    if app and webhook and g.get("slack_api_url") != g.get("slack_app_url", SLACK_APP_URL):
        yield Hit(
            "at most one of slack_app_token/slack_app_token_file & "
            "slack_api_url/slack_api_url_file may be set",
            ("global", "slack_app_token"),
            True,
        )
    for kind, keys in INTEGRATION_PAIRS.items():
        for path, item in integrations(f, kind):
            for key in keys:
                if _both(item, key, url=key.endswith("_url")):
                    yield Hit(f"at most one of {key} and {key}_file may be set", (*path, key), True)


SLACK_APP_URL = "https://slack.com/api/chat.postMessage"


def _both(mapping: dict[str, Any], key: str, url: bool) -> bool:
    value = mapping.get(key)
    if key == "chat_id" and value == 0:  # Go's zero chat id is no chat id
        return False
    return (value is not None if url else given(value)) and given(mapping.get(f"{key}_file"))


# Every field Alertmanager 0.25 reads as a URL (its URL and SecretURL types): http or https
# with a host. A SecretURL may also be "<secret>", what Alertmanager writes for a hidden one.
URL_FIELDS = {
    "global": (
        "slack_api_url",
        "pagerduty_url",
        "opsgenie_api_url",
        "wechat_api_url",
        "victorops_api_url",
        "telegram_api_url",
        "webex_api_url",
    ),
    "slack_configs": ("api_url",),
    "pagerduty_configs": ("url",),
    "webhook_configs": ("url",),
    "opsgenie_configs": ("api_url",),
    "wechat_configs": ("api_url",),
    "victorops_configs": ("api_url",),
    "telegram_configs": ("api_url",),
    "webex_configs": ("api_url",),
    "discord_configs": ("webhook_url",),
}
# SecretURLs: never quoted in a message.
SECRET_URLS = {
    ("global", "slack_api_url"),
    ("slack_configs", "api_url"),
    ("discord_configs", "webhook_url"),
}
# Also never quoted: URLs that carry a token in their path (a webhook's is a secret from
# Alertmanager 0.28 on; Teams and Mattermost hooks are tokens by design).
UNQUOTED_URLS = SECRET_URLS | {
    ("webhook_configs", "url"),
    ("msteams_configs", "webhook_url"),
    ("msteamsv2_configs", "webhook_url"),
    ("mattermost_configs", "webhook_url"),
}


@check(
    "alertmanager/url",
    "alertmanager",
    ERROR,
    "Every URL field (Slack's and the global ones included) is an http or https URL with a host.",
    parity='amtool: unsupported scheme "x" for URL / missing host for URL',
)
def url(f: LintFile) -> Iterator[Hit]:
    places: list[tuple[str, Path, dict[str, Any]]] = [("global", ("global",), _global(f))]
    for kind in URL_FIELDS:
        if kind != "global":
            places += [(kind, path, item) for path, item in integrations(f, kind)]
    for kind, path, mapping in places:
        for key in URL_FIELDS[kind]:
            value = mapping.get(key)
            secret = (kind, key) in SECRET_URLS
            if value is None or (secret and value == "<secret>"):
                continue
            problem = url_problem(str(value))
            if problem:
                hidden = (kind, key) in UNQUOTED_URLS
                quoted = WITHHELD if hidden else shown(str(value))
                yield Hit(f"{key} {quoted}: {problem}", (*path, key))


def url_problem(value: str) -> str:
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        return f"not a URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return f"unsupported scheme {parts.scheme!r} (http or https)"
    if not parts.netloc.rpartition("@")[2]:
        return "missing host"
    return ""
