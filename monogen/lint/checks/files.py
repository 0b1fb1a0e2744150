"""Checks on a file as a whole: one monogen cannot tell the kind of."""

from __future__ import annotations

from collections.abc import Iterator

from monogen.lint.finding import Severity
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

KNOWN = "a rule file (`groups:`), a PrometheusRule, an Alertmanager config (`route:`, " \
    "`receivers:`) or a Grafana dashboard (`panels:`)"  # fmt: skip


@check(
    "file/unknown-kind",
    "unknown",
    Severity.ERROR,
    "A file named on the command line is a kind monogen lints (or `--kind` says which).",
    parity="promtool/amtool reject it: no groups / no route provided",
)
def unknown_kind(f: LintFile) -> Iterator[Hit]:
    data = f.doc.data if f.doc is not None else None
    if data is None:
        seen = "an empty file"
    elif isinstance(data, dict):
        keys = ", ".join(f"`{k}`" for k in list(data)[:5])
        seen = f"a mapping with {keys}" if keys else "an empty mapping"
    else:
        seen = f"a {type(data).__name__}"
    yield Hit(
        f"cannot tell what this file is ({seen}); monogen lints {KNOWN}: fix the top-level "
        "keys, or name the kind with --kind rules|alertmanager|dashboard",
        line=1,
        column=1,
    )
