"""Alert templates that read a label the query's result cannot carry (pint's
alerts/template): `{{ $labels.instance }}` after `sum by (job)` is always empty."""

from __future__ import annotations

import re
from collections.abc import Iterator

from monogen.lint.checks._rules_shape import alerts, text
from monogen.lint.checks.rules import template_error, templated_values
from monogen.lint.finding import Severity
from monogen.lint.promql import parse
from monogen.lint.promql_labels import Labels, analysable, result_labels
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

_ACTION = re.compile(r"\{\{-?(.*?)-?\}\}", re.S)
_LABELS_VAR = re.compile(r"\$labels\.([A-Za-z_]\w*)")
_LABELS_INDEX = re.compile(r'index\s+\$labels\s+"([A-Za-z_]\w*)"')
_LABELS_FIELD = re.compile(r"(?<![\w$)])\.Labels\.([A-Za-z_]\w*)")
_REDEFINED = re.compile(r"\$labels\s*:?=")
_GUARD = re.compile(r"^\s*(?:if|else\s+if|with|else\s+with)\b")
_REBINDS_DOT = re.compile(r"^\s*(?:range|with|template|block|define)\b|\bquery\b")


def label_reads(template: str) -> set[str]:
    """The labels a template reads from the alert's own labels, leaving out those it tests
    first (`{{ if $labels.x }}`: the author knows they may be missing) and `.Labels` where
    the dot may mean something else (inside range/with, or a `query` result)."""
    actions = [m.group(1) for m in _ACTION.finditer(template)]
    if any(_REDEFINED.search(a) for a in actions):
        return set()
    dot_is_alert = not any(_REBINDS_DOT.search(a) for a in actions)
    read: set[str] = set()
    guarded: set[str] = set()
    for action in actions:
        names = set(_LABELS_VAR.findall(action)) | set(_LABELS_INDEX.findall(action))
        if dot_is_alert:
            names |= set(_LABELS_FIELD.findall(action))
        (guarded if _GUARD.match(action) else read).update(names)
    return read - guarded - {"__name__"}


def _reason(labels: Labels) -> str:
    if labels.closed:
        kept = ", ".join(sorted(labels.names))
        has = f"only {kept}" if kept else "no labels"
        return f"its results carry {has} ({labels.why})" if labels.why else f"it has {has}"
    return f"{labels.why} removes it"


@check(
    "alerts/template-label",
    "rules",
    Severity.WARNING,
    "Alert labels and annotations read only labels the query's result can carry "
    "(`sum by (job)` keeps only job; absent() only its equality matchers' labels).",
    scope="rule",
)
def template_label(f: LintFile) -> Iterator[Hit]:
    for path, rule in alerts(f):
        expr = text(rule.get("expr"))
        if not expr or ("$labels" not in str(rule) and ".Labels" not in str(rule)):
            continue
        if not analysable(expr):
            continue
        tree, _ = parse(expr)
        if tree is None:
            continue
        labels = result_labels(tree)
        if not labels.closed and not labels.names:
            continue  # nothing known
        for key, name, value in templated_values(rule):
            if template_error(value):
                continue  # rules/template-syntax says why
            for label in sorted(label_reads(value)):
                if not labels.can_have(label):
                    yield Hit(
                        f"{key[:-1]} {name!r} reads label {label!r}, which the query's "
                        f"result never has: {_reason(labels)}; it is always empty",
                        (*path, key, name),
                    )
