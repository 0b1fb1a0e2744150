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
# Query and fragment parameters that hold credentials: the whole name, as APIs spell them
# (`token`, `access_token`, `api_key`, `sig`…), never a part of one (`var-max_tokens`).
_SECRET_KEY = re.compile(
    r"^((access|auth|id|refresh|api|private|bearer|session)[-_]?)?token$|"
    r"^(api|access|private|secret|client)?[-_]?key$|^apikey$|^(client[-_]?)?secret$|"
    r"^pass(word)?$|^pwd$|^auth(orization)?$|^sig(nature)?$|^x-amz-signature$|"
    r"^credentials?$|^session[-_]?id$",
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
            if parts.password:
                return "a URL with a password"
        except ValueError:  # an unparsable port: not our business here
            pass
        for where, query in (("query", parts.query), ("fragment", parts.fragment)):
            if "=" not in query:
                continue  # a fragment like #token-limits is an anchor, not a parameter
            for key, value in parse_qsl(query, keep_blank_values=True):
                if value and _SECRET_KEY.search(key):
                    return f"a URL with a credential in its {where} ({key}=…)"
    return None


def find_secrets(data: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, what) of every string in a document, key or value, that holds a secret; in
    a path, a key that is a secret stands as SECRET_KEY."""
    if isinstance(data, str):
        what = secret_in(data)
        return [(path, what)] if what else []
    if isinstance(data, list):
        return [f for i, value in enumerate(data) for f in find_secrets(value, (*path, i))]
    if not isinstance(data, dict):
        return []
    found = []
    for key, value in data.items():
        what = secret_in(key) if isinstance(key, str) else None
        if what:
            found.append(((*path, SECRET_KEY), what))
            continue
        found += find_secrets(value, (*path, key))
    return found


SECRET_KEY = "<secret>"  # how a path shows a key that is a secret


def locatable(path: tuple) -> tuple:
    """The part of `path` a position can be found for: a key that is a secret cannot be
    looked up by name, so its mapping stands for it."""
    return path[: path.index(SECRET_KEY)] if SECRET_KEY in path else path


def redacted_line(line: str) -> str:
    """A source line as a message may show it."""
    what = secret_in(line)
    return f"(line not shown: it holds {what})" if what else line


LONGEST_SHOWN = 40  # characters of a number or text a message quotes
WITHHELD = "(a secret, not shown)"  # what a message says in place of a secret field's value
_SECRET_SHOWN = "(not shown: it is a secret)"  # what `shown` says of a value that is one


def withholds_secret(message: str) -> bool:
    """Whether a message stands in for a secret: the line it points at holds one too."""
    return WITHHELD in message or _SECRET_SHOWN in message


def shown(value: Any) -> str:
    """`value` as a message quotes it: repr, unless it holds a secret; long numbers and
    text shortened (a 60-digit number helps nobody read the message)."""
    if isinstance(value, str):
        what = secret_in(value)
        if what:
            return f"{what} {_SECRET_SHOWN}"
    if isinstance(value, int) and not isinstance(value, bool) and len(str(value)) > 15:
        return f"{float(value):.3g} (a {len(str(abs(value)))}-digit number)"
    text = repr(value)
    if len(text) > LONGEST_SHOWN:
        return f"{text[: LONGEST_SHOWN - 10]}…{text[-8:]} ({len(text)} characters)"
    return text
