"""Rendering the annotation templates monogen emits, as Prometheus would, for expected
values in generated tests. Only the actions monogen writes are understood; anything else
is an error rather than a guess."""

from __future__ import annotations

import math
import re

_ACTION = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_SMALL = ("m", "u", "n", "p", "f", "a", "z", "y")
_LARGE = ("k", "M", "G", "T", "P", "E", "Z", "Y")


def go_g4(value: float) -> str:
    """Go's fmt `%.4g`."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = f"{value:.4g}"
    # Go writes at least two exponent digits, as Python does; both drop trailing zeros.
    return text


def humanize(v: float) -> str:
    if v == 0 or math.isnan(v) or math.isinf(v):
        return go_g4(v)
    prefix = ""
    if abs(v) >= 1:
        for p in _LARGE:
            if abs(v) < 1000:
                break
            prefix, v = p, v / 1000
        return f"{go_g4(v)}{prefix}"
    for p in _SMALL:
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return f"{go_g4(v)}{prefix}"


def humanize_percentage(v: float) -> str:
    return f"{go_g4(v * 100)}%"


def humanize_duration(v: float) -> str:
    if math.isnan(v) or math.isinf(v):
        return go_g4(v)
    if v == 0:
        return "0s"
    if abs(v) >= 1:
        sign = "-" if v < 0 else ""
        v = abs(v)
        whole = int(v)
        seconds, minutes = whole % 60, (whole // 60) % 60
        hours, days = (whole // 3600) % 24, whole // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{go_g4(v)}s"
    prefix = ""
    for p in _SMALL:
        if abs(v) >= 1:
            break
        prefix, v = p, v * 1000
    return f"{go_g4(v)}{prefix}s"


PIPES = {
    "humanize": humanize,
    "humanizePercentage": humanize_percentage,
    "humanizeDuration": humanize_duration,
    'printf "%.1f"': lambda v: f"{v:.1f}",
    'printf "%.2f"': lambda v: f"{v:.2f}",
}


def literal(text: str) -> str:
    """Go template text that renders exactly `text`: spec text never runs as an action.
    A trailing `{` is escaped too, so whatever template text follows cannot complete it."""
    out = text.replace("{{", '{{ "{{" }}')
    if out.endswith("{"):
        out = out[:-1] + '{{ "{" }}'
    return out


# `{{ with query "Q" }}{{ . | first | value | F }}{{ end }}`: another series' value.
_QUERY = re.compile(
    r'\{\{ with query "((?:[^"\\]|\\.)*)" \}\}\{\{ \. \| first \| value \| ([^}]+?) \}\}'
    r"\{\{ end \}\}"
)


def query_value(query: str, pipe: str) -> str:
    """Template text showing the first value `query` returns, through `pipe`."""
    escaped = query.replace("\\", "\\\\").replace('"', '\\"')
    return f'{{{{ with query "{escaped}" }}}}{{{{ . | first | value | {pipe} }}}}{{{{ end }}}}'


def render(
    template: str, labels: dict[str, str], value: float, queries: dict[str, float] | None = None
) -> str:
    def query(match: re.Match[str]) -> str:
        text = re.sub(r"\\(.)", r"\1", match.group(1))
        if queries is None or text not in queries:
            raise ValueError(f"no value for the template query {text!r}")
        pipe = PIPES.get(match.group(2))
        if pipe is None:
            raise ValueError(f"cannot render the pipe {match.group(2)!r}")
        return pipe(queries[text])

    template = _QUERY.sub(query, template)

    def action(match: re.Match[str]) -> str:
        body = match.group(1)
        if body in ('"{{"', '"{"'):
            return body[1:-1]
        if body.startswith("$labels."):
            return labels.get(body[len("$labels.") :], "<no value>")
        if body.startswith("$value | "):
            pipe = PIPES.get(body[len("$value | ") :])
            if pipe is not None:
                return pipe(value)
        raise ValueError(f"cannot render template action {{{{ {body} }}}}")

    return _ACTION.sub(action, template)
