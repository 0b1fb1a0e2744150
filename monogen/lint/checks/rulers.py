"""What the scaled-out rulers read beyond Prometheus' fields: each value as its reader
takes it (Thanos' strategy, Mimir's namespace, tenants and offsets, vmalert's options)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.lint import versions
from monogen.lint.checks._rules_shape import groups, text
from monogen.lint.checks.rules import LABEL_NAME, valid_duration
from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile
from monogen.spec.quantities import parse_duration

PARAM_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\[\]-]*$")


@check(
    "rules/ruler-field",
    "rules",
    Severity.ERROR,
    "A ruler's own fields hold what it reads: Thanos' `partial_response_strategy` (warn or "
    "abort), Mimir's `namespace`, `source_tenants` and `query_offset`, vmalert's "
    "`concurrency`, `type` (prometheus), `labels` and `params`.",
    parity="thanos rule, mimirtool rules load, vmalert -dryRun: invalid group fields",
)
def ruler_field(f: LintFile) -> Iterator[Hit]:
    data = f.data if isinstance(f.data, dict) and f.dialect.name == "mimir" else {}
    if "namespace" in data and not text(data["namespace"]):
        yield Hit("`namespace` must be a non-empty string", ("namespace",))
    tool = f.dialect.versioned_by
    newer = versions.accepted(f.settings, tool, "group") if tool and tool != "prometheus" else set()
    for gi, group in groups(f):
        for key, value in group.items():
            if (key in f.dialect.group_fields or key in newer) and key in _VALUE_CHECKS:
                problem = _VALUE_CHECKS[key](value)
                if problem:
                    yield Hit(f"`{key}`: {problem}", ("groups", gi, key))
        if "eval_offset" in newer and valid_duration(text(group.get("eval_offset"))):
            # vmalert: the offset lies within the interval, which must then be given
            offset = abs(parse_duration(text(group["eval_offset"]) or "0"))
            interval = text(group.get("interval"))
            every = parse_duration(interval) if valid_duration(interval) and interval else 0
            if offset >= every:
                yield Hit(
                    "`eval_offset`: its absolute value must be smaller than the group's "
                    "`interval` (which must then be set)",
                    ("groups", gi, "eval_offset"),
                )


def _strategy(value: Any) -> str:
    ok = isinstance(value, str) and value.lower() in ("warn", "abort")
    return "" if ok else f"{value!r} is neither warn nor abort"


def _strings(value: Any) -> str:
    ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    return "" if ok else "must be a list of tenant ids"


def _duration(value: Any) -> str:
    return "" if valid_duration(text(value)) else f"not a valid duration string: {value!r}"


def _concurrency(value: Any) -> str:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
    return "" if ok else f"must be a whole number of at least 1, not {value!r}"


def _type(value: Any) -> str:
    # vmalert also takes graphite groups, but their expressions are not PromQL: monogen
    # lints (and writes) only PromQL
    return "" if value == "prometheus" else f"{value!r}: monogen lints `type: prometheus` only"


def _labels(value: Any) -> str:
    if not isinstance(value, dict):
        return "must be a mapping of label names to values"
    bad = [k for k, v in value.items() if not LABEL_NAME.match(str(k)) or text(v) is None]
    return f"invalid labels {bad}" if bad else ""


def _params(value: Any) -> str:
    if not isinstance(value, dict):
        return "must map parameter names to lists of values"
    bad = [
        k
        for k, v in value.items()
        if not PARAM_NAME.match(str(k))
        or not isinstance(v, list)
        or any(text(item) is None for item in v)
    ]
    return f"invalid parameters {bad}: each is a name and a list of values" if bad else ""


_VALUE_CHECKS = {
    "partial_response_strategy": _strategy,
    "source_tenants": _strings,
    "query_offset": _duration,
    "evaluation_delay": _duration,
    "eval_offset": _duration,
    "eval_delay": _duration,
    "concurrency": _concurrency,
    "type": _type,
    "labels": _labels,
    "params": _params,
}
