"""Turn pydantic's validation errors into positioned errors with a hint and a "did you mean"."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from monogen.spec.errors import SpecError, dotted
from monogen.spec.loader import Document, PathKey
from monogen.spec.names import EMAIL_PATTERN
from monogen.spec.secrets import shown as quoted

# Patterns are the contract, but users should read words, not regular expressions.
_PATTERN_WORDS = {
    r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$": (
        "a name of lower-case letters, digits and '-' (a DNS label), e.g. fraud-detector-ab"
    ),
    r"^[a-zA-Z_:][a-zA-Z0-9_:]*$": "a Prometheus metric name, e.g. ab_test_requests_total",
    r"^[a-zA-Z_][a-zA-Z0-9_]*$": "a Prometheus label name, e.g. model_name",
    r"^([0-9]+(y|w|d|h|m|s|ms))+$": "a duration such as 30s, 5m or 1h30m",
    r"^https?://[^\s\x00-\x1f\x7f]+$": "an http(s):// URL on one line",
    r"^/[^\s]*$": "an absolute path to a file on the Alertmanager host",
    EMAIL_PATTERN: "an email address such as oncall@example.com",
}


def convert(exc: ValidationError, doc: Document, model: type[BaseModel]) -> list[SpecError]:
    errors: dict[PathKey, SpecError] = {}
    for err in exc.errors(include_url=False):
        path, dangling = _data_path(doc.data, err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            key = str(path[-1])
            allowed = _allowed_keys(model, path[:-1])
            error = SpecError(
                doc.where(path, key=True),
                f"unknown key {key!r}",
                dotted(path[:-1]),
                _unknown_key_hint(key, allowed),
            )
        elif kind == "missing":
            missing = dangling or str(err["loc"][-1])
            allowed = _allowed_keys(model, path)
            error = SpecError(
                doc.where(path),
                f"missing required key {missing!r}",
                dotted(path),
                f"add `{missing}:`" + (f"; keys here: {', '.join(allowed)}" if allowed else ""),
            )
            path = (*path, missing)
        else:
            error = SpecError(doc.where(path), _message(err), dotted(path), _hint(err))
        errors.setdefault(path, error)  # a union reports once per branch: keep the first
    # "missing 'runbookUrl'" adds nothing to "unknown key 'runbook_url': did you mean ...".
    suggested = {
        (*p[:-1], e.hint.split("'")[1])
        for p, e in errors.items()
        if e.message.startswith("unknown key") and e.hint.startswith("did you mean")
    }
    # a value one branch of a union reads (a selector's text or list) and another refuses
    # deeper down: the deeper error says what is wrong with it
    deeper = {p for p in errors for q in errors if len(q) > len(p) and q[: len(p)] == p}
    return [
        e
        for p, e in errors.items()
        if p not in suggested and not (p in deeper and e.message.startswith("expected "))
    ]


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[PathKey, str | None]:
    """Follow `loc` through the data, dropping the union branch names pydantic inserts."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part[:1].islower():
            return tuple(path), part  # a key that is absent (missing) or a branch tag
    return tuple(path), None


def _allowed_keys(model: type[BaseModel], path: PathKey) -> list[str]:
    current: Any = model
    for part in path:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for f in current.model_fields.values() if f.alias == part), None)
            if field is None:
                return []
            current = field.annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin in (list, tuple) and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return []
    current = _unwrap(current)
    if typing.get_origin(current) is list:  # a one-item list written as a bare mapping
        current = _unwrap(typing.get_args(current)[0])
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(f.alias or n for n, f in current.model_fields.items())
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional[...] and Annotated[...] to the model or container inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else inner[0]
        else:
            return annotation


_SECRET_KEYS = {
    "apiUrl": "apiUrlFile",
    "routingKey": "routingKeyFile",
    "serviceKey": "serviceKeyFile",
    "authPassword": "authPasswordFile",
    "password": "authPasswordFile",
}


def _unknown_key_hint(key: str, allowed: list[str]) -> str:
    if key in _SECRET_KEYS and _SECRET_KEYS[key] in allowed:
        return (
            f"secrets never go in specs: store it in a file on the Alertmanager host and "
            f"write `{_SECRET_KEYS[key]}: /etc/alertmanager/secrets/...`"
        )
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if not close:
        lowered = {a.lower(): a for a in allowed}
        match = lowered.get(key.lower().replace("_", ""))
        close = [match] if match else []
    if close:
        return f"did you mean {close[0]!r}?"
    return f"expected one of: {', '.join(allowed)}" if allowed else ""


def _message(err: dict[str, Any]) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    shown = quoted(value) if isinstance(value, str | int | float | bool) or value is None else None
    field = next((p for p in reversed(err.get("loc", ())) if isinstance(p, str)), "")
    if field.lower().endswith(("file", "password", "key", "token", "smarthost")):
        shown = "a value not shown (this field names or holds a secret)"
    if kind == "matcher":  # a selector's value: the message says what, the hint how
        return str(ctx.get("message", err["msg"]))
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(ctx.get("pattern", ""), f"text matching {ctx.get('pattern')}")
        return f"expected {words}, got {shown}"
    if kind in ("float_parsing", "float_type", "int_type", "int_parsing"):
        return f"expected a number, got {shown or _type_name(value)}"
    if kind in ("string_type",):
        return f"expected text, got {_type_name(value)}"
    if kind in ("list_type",):
        return f"expected a list, got {_type_name(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {_type_name(value)}"
    if kind == "too_long" and isinstance(value, list | dict):
        return f"at most {ctx.get('max_length')} items, got {ctx.get('actual_length', len(value))}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {shown or _type_name(value)}"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    elif shown is not None:
        message = f"{message[0].lower()}{message[1:]}, got {shown}"
    return message


def _hint(err: dict[str, Any]) -> str:
    if err["type"] == "matcher":
        return str((err.get("ctx") or {}).get("hint", ""))
    if err["type"] == "string_pattern_mismatch" and "ms))+$" in err["ctx"].get("pattern", ""):
        return "Prometheus durations combine a number and a unit: ms, s, m, h, d, w, y"
    return ""


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return f"text {quoted(value)}"
