"""Templates in receivers (Slack titles, email subjects, PagerDuty descriptions…).
`amtool check-config` accepts them unparsed (0.25 to 0.33 alike): they fail when a
notification is sent, so a broken one is a warning here, not an error."""

from __future__ import annotations

import glob
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path as FilePath
from typing import Any

from monogen.lint import gotemplate
from monogen.lint.checks._alertmanager_shape import Path, _data, receivers
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.output.tree import read_regular

MAX_TEMPLATE_BYTES = 4_000_000  # larger is no template file

# Alertmanager's functions (template/template.go DefaultFuncs, 0.33: a superset of the
# older releases', so a template valid on any of them parses here)
FUNCTIONS = gotemplate.ALERTMANAGER | {
    "safeUrl",
    "urlUnescape",
    "now",
    "list",
    "append",
    "dict",
}
# The templates Alertmanager defines itself (template/default.tmpl and email.tmpl, 0.33)
DEFAULT_TEMPLATES = frozenset(
    [
        "__alertmanager",
        "__alertmanagerURL",
        "__description",
        "__subject",
        "__text_alert_list",
        "__text_alert_list_markdown",
        "discord.default.content",
        "discord.default.message",
        "discord.default.title",
        "email.default.html",
        "email.default.subject",
        "jira.default.description",
        "jira.default.priority",
        "jira.default.summary",
        "mattermost.default.color",
        "mattermost.default.fallback",
        "mattermost.default.text",
        "mattermost.default.title",
        "mattermost.default.titlelink",
        "mattermost.default.username",
        "msteams.default.summary",
        "msteams.default.text",
        "msteams.default.title",
        "msteamsv2.default.text",
        "msteamsv2.default.title",
        "opsgenie.default.description",
        "opsgenie.default.message",
        "opsgenie.default.source",
        "pagerduty.default.client",
        "pagerduty.default.clientURL",
        "pagerduty.default.description",
        "pagerduty.default.instances",
        "pushover.default.message",
        "pushover.default.title",
        "pushover.default.url",
        "rocketchat.default.alias",
        "rocketchat.default.emoji",
        "rocketchat.default.iconurl",
        "rocketchat.default.text",
        "rocketchat.default.title",
        "rocketchat.default.titlelink",
        "slack.default.callbackid",
        "slack.default.color",
        "slack.default.fallback",
        "slack.default.footer",
        "slack.default.iconemoji",
        "slack.default.iconurl",
        "slack.default.pretext",
        "slack.default.text",
        "slack.default.title",
        "slack.default.titlelink",
        "slack.default.username",
        "sns.default.message",
        "sns.default.subject",
        "telegram.default.message",
        "victorops.default.entity_display_name",
        "victorops.default.monitoring_tool",
        "victorops.default.state_message",
        "webex.default.message",
        "wechat.default.agent_id",
        "wechat.default.message",
        "wechat.default.to_party",
        "wechat.default.to_tag",
        "wechat.default.to_user",
    ]
)
_TEMPLATE_CALL = re.compile(r'\{\{-?\s*template\s+"((?:[^"\\]|\\.)*)"')
_DEFINE = re.compile(r'\{\{-?\s*(?:define|block)\s+"((?:[^"\\]|\\.)*)"')
NOT_TEMPLATED = {"http_config"}


def templated(f: LintFile) -> Iterator[tuple[Path, str]]:
    """(path, text) of every string in an integration that holds a template action."""
    for path, receiver in receivers(f):
        for key, items in receiver.items():
            if str(key).endswith("_configs") and isinstance(items, list):
                for i, item in enumerate(items):
                    yield from _strings(item, (*path, key, i))


def _strings(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(node, str):
        if "{{" in node:
            yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            if key not in NOT_TEMPLATED and not str(key).endswith("_file"):
                yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


@lru_cache(maxsize=4096)
def _error(value: str) -> str:
    try:
        gotemplate.check_template(value, FUNCTIONS)
    except gotemplate.TemplateError as exc:
        return str(exc)
    return ""


@check(
    "alertmanager/receiver-template",
    "alertmanager",
    Severity.WARNING,
    "Templates in receivers parse as Go templates with Alertmanager's functions (amtool "
    "does not parse them: a broken one fails each notification).",
)
def receiver_template(f: LintFile) -> Iterator[Hit]:
    for path, value in templated(f):
        error = _error(value)
        if error:
            yield Hit(f"template does not parse: {error}; notifications through it fail", path)


def defined_templates(f: LintFile) -> set[str] | None:
    """The names the config's `templates:` files define (Alertmanager reads the globs
    relative to the config file), or None when they cannot all be read here (a path on
    the server, a ConfigMap mounted elsewhere): then nothing is known."""
    patterns = _data(f).get("templates")
    if patterns is None:
        return set()
    if not isinstance(patterns, list):
        return None
    base = FilePath(f.path).parent
    names: set[str] = set()
    for pattern in patterns:
        where = FilePath(str(pattern))
        full = where if where.is_absolute() else base / where
        files = sorted(glob.glob(str(full)))
        if not files:
            return None
        for name in files:
            # the config's own template files only: a link, FIFO or device (/dev/zero) is
            # not read, and nor is anything too large to be a template
            data = read_regular(FilePath(name), MAX_TEMPLATE_BYTES)
            if data is None:
                return None
            names.update(_DEFINE.findall(data.decode("utf-8", errors="replace")))
    return names


@check(
    "alertmanager/template-undefined",
    "alertmanager",
    Severity.WARNING,
    'A receiver\'s `{{ template "name" . }}` names a template Alertmanager defines or the '
    "config's `templates:` files do (checked when those files can be read).",
)
def template_undefined(f: LintFile) -> Iterator[Hit]:
    found = list(templated(f))
    if not any("template" in value for _, value in found):
        return
    defined = defined_templates(f)
    if defined is None:
        return
    for path, value in found:
        local = set(_DEFINE.findall(value))
        for name in _TEMPLATE_CALL.findall(value):
            if name not in DEFAULT_TEMPLATES and name not in defined and name not in local:
                yield Hit(
                    f"template {name!r} is defined neither by Alertmanager nor by the "
                    "config's template files: notifications through it fail",
                    path,
                )
