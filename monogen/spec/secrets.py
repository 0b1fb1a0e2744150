"""Secrets in text: webhook URLs that are credentials in themselves, URLs that carry a
user, a password or a token. Specs refuse them (receivers name files instead), and no
message ever quotes them back: CI logs are read by many."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

# URLs whose path is the credential: whoever holds one can post to the channel.
_SECRET_URLS = (
    (re.compile(r"hooks\.slack\.com/(services|workflows|triggers)/", re.I), "a Slack webhook URL"),
    (re.compile(r"(discord(app)?\.com)/api/webhooks/", re.I), "a Discord webhook URL"),
    (re.compile(r"(\.webhook\.office\.com|outlook\.office(365)?\.com)/webhook", re.I),
     "a Microsoft Teams webhook URL"),
    (re.compile(r"\.logic\.azure\.com[^?]*\?.*sig=", re.I), "a Teams workflow URL"),
    (re.compile(r"api\.telegram\.org/bot[^/]+", re.I), "a Telegram bot URL"),
    (re.compile(r"hooks\.zapier\.com/hooks/catch/", re.I), "a Zapier webhook URL"),
)  # fmt: skip
# Query and fragment keys that hold credentials.
_SECRET_KEY = re.compile(
    r"(token|secret|passw|^pwd$|^key$|(api|access|private|secret)[-_]?key|^auth$|"
    r"auth[-_]?token|authorization|^sig$|signature|credential|session|^code$)",
    re.I,
)
HINT = (
    "store it in a file on the Alertmanager host and name the file instead: `apiUrlFile` "
    "(Slack), `routingKeyFile` (PagerDuty), `authPasswordFile` (SMTP)"
)


def secret_in(text: str) -> str | None:
    """What secret `text` holds, in words, or None."""
    for pattern, what in _SECRET_URLS:
        if pattern.search(text):
            return what
    for url in re.findall(r"[a-z][a-z0-9+.-]*://[^\s\"'<>]+", text, re.I):
        parts = urlsplit(url)
        try:
            if parts.password or (parts.username and parts.hostname):
                return "a URL with a user name or password"
        except ValueError:  # an unparsable port: not our business here
            pass
        for where, query in (("query", parts.query), ("fragment", parts.fragment)):
            for key, _ in parse_qsl(query, keep_blank_values=True):
                if _SECRET_KEY.search(key):
                    return f"a URL with a credential in its {where} ({key}=…)"
    return None


def find_secrets(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, what) of every string in a document that holds a secret."""
    if isinstance(data, str):
        what = secret_in(data)
        return [(path, what)] if what else []
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return []
    return [found for key, value in items for found in find_secrets(value, (*path, key))]


LONGEST_SHOWN = 40  # characters of a number or text a message quotes


def shown(value: Any) -> str:
    """`value` as a message quotes it: repr, unless it holds a secret; long numbers and
    text shortened (a 60-digit number helps nobody read the message)."""
    if isinstance(value, str):
        what = secret_in(value)
        if what:
            return f"{what} (not shown: it is a secret)"
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) > 15:
        return f"{float(value):.3g} (a {len(str(abs(value)))}-digit number)"
    text = repr(value)
    if len(text) > LONGEST_SHOWN:
        return f"{text[: LONGEST_SHOWN - 10]}…{text[-8:]} ({len(text)} characters)"
    return text
