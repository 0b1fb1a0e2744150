"""Spec text entering Markdown (runbooks): one escaping per place it lands — running text,
an inline code span, a fenced block, a link destination or a bare URL."""

from __future__ import annotations

import re

# RFC 3986's unreserved and reserved characters and `%`, less those Markdown or HTML read:
# ( ) [ ] close links, < > open tags, * emphasises, ` opens code, ' and " end attributes.
_URL_KEEP = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&+,;=%]")
_URL_PLAIN = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&+,;=%]*")  # nothing to encode


def markdown_text(text: str) -> str:
    """Spec text as literal Markdown: characters that would format are escaped."""
    # `$` too: GitHub reads $…$ as math
    return re.sub(r"([\\`*_{}\[\]<>()#+|!~$])", r"\\\1", " ".join(str(text).split()))


def inline_code(text: str) -> str:
    """Text in an inline code span, fenced by more backticks than it holds."""
    text = str(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, language: str = "") -> str:
    """Text in a fenced code block whose fence no line of the text can close (PromQL's raw
    strings are quoted with backticks)."""
    text = str(text)
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{language}\n{text}\n{fence}"


def markdown_url(url: str) -> str:
    """A URL safe as a link destination and as bare text: every character Markdown or HTML
    would read is percent-encoded (UTF-8), so a URL can neither close its link nor open a
    tag. An http(s) URL is checked as such at load; this only encodes."""
    url = str(url)
    if _URL_PLAIN.fullmatch(url):  # most are: one match instead of one a character
        return url
    return "".join(
        ch if _URL_KEEP.fullmatch(ch) else "".join(f"%{b:02X}" for b in ch.encode("utf-8"))
        for ch in url
    )
