"""Selectors that apply together: the experiment's, a metric's own and its error selector.

A label matched by two selectors must be matched the same way (monogen does not combine
two matchers on one label). An error selector must tell failed requests apart from the
others: it is refused where monogen can decide that it picks every request the metric
counts (each of its matchers holds for all of them) or none (one of its matchers holds
for none). What cannot be decided (two regexes on one label) is judged by the proof: when
no label value is found for a failed request, or for another one, the spec is refused
too, as one whose alert could not be proven."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from pydantic.alias_generators import to_camel

from monogen.compile.matchers import (
    Matcher,
    excludes,
    matches,
    merged,
    of_selector,
    satisfying,
    written,
)
from monogen.spec.loader import PathKey

Err = Callable[[PathKey, str, str], None]
ONCE = (
    "set each label once: in the experiment's `selector` for every metric, or in one "
    "metric's `selector`"
)


def conflict(m: Matcher, other: Matcher) -> str:
    """Why `m` here cannot go with `other`, an enclosing selector's matcher of its label."""
    label = m[0]
    if m[1] == other[1] == "=":
        return (
            f"label {label!r} is selected as {m[2]!r} here but as {other[2]!r} by an "
            "enclosing selector: no series can match both"
        )
    return (
        f"label {label!r} is matched by {written(m)!r} here but by {written(other)!r} by an "
        "enclosing selector (monogen does not combine two matchers on one label)"
    )


def conflicts(outer: Sequence[Matcher], own: Sequence[Matcher]) -> list[tuple[Matcher, Matcher]]:
    """(matcher of `own`, matcher of `outer`) for each label the two match differently."""
    by_label = {m[0]: m for m in outer}
    return [(m, by_label[m[0]]) for m in own if m[0] in by_label and by_label[m[0]] != m]


def check_selectors(spec: Any, err: Err) -> None:
    """The experiment's selector, each metric's own and its error selector, together."""
    scope = of_selector(spec.selector)
    variant = spec.variant_label
    for label, _, _ in scope:
        if label == variant:
            err(
                ("spec", "selector", label),
                f"the selector sets the variant label {label!r}",
                "variants are selected by `variants`; remove this key",
            )
    for field, metric in spec.metrics:
        if metric is None:
            continue
        at = ("spec", "metrics", to_camel(field))
        own = of_selector(metric.selector)
        _layer(scope, own, (*at, "selector"), "selector", variant, err)
        errors = getattr(metric, "error_selector", None)
        if errors is not None:
            enclosing = merged(scope, own)
            path = (*at, "errorSelector")
            if not _layer(enclosing, of_selector(errors), path, "errorSelector", variant, err):
                _check_error_selector(enclosing, of_selector(errors), path, err)


def _layer(
    outer: list[Matcher], own: list[Matcher], path: PathKey, what: str, variant: Any, err: Err
) -> bool:
    """Refuse the variant label and labels `outer` matches otherwise; True if it did."""
    found = False
    for m in own:
        if m[0] == variant:
            err((*path, m[0]), f"{what} sets the variant label {m[0]!r}", "remove this key")
            found = True
    for m, other in conflicts(outer, own):
        if m[1] == other[1] == "=" or what == "selector":
            err((*path, m[0]), conflict(m, other), ONCE)
            found = True
    return found


def _check_error_selector(
    enclosing: list[Matcher], errors: list[Matcher], path: PathKey, err: Err
) -> None:
    by_label = {m[0]: m for m in enclosing}
    picks_all = []  # error matchers that hold for every request the metric counts
    for e in errors:
        r = by_label.get(e[0])
        if r is None:
            picks_all.append(not excludes(e) and e[1] == "=~")
        elif r == e or (r[1] == "=" and matches(e, {e[0]: r[2]})):
            picks_all.append(True)
        elif (r[1] == "=" and not matches(e, {e[0]: r[2]})) or (
            e[1] == "=" and not matches(r, {e[0]: e[2]})
        ):
            err(
                (*path, e[0]),
                f"the error selector picks no request: {written(e)!r} holds for no value "
                f"of label {e[0]!r} that the enclosing {written(r)!r} selects; the error rate "
                "would be 0% for ever",
                "select what tells failed requests apart among the requests, e.g. {status: error}",
            )
            return
        else:
            picks_all.append(False)
    if all(picks_all):
        err(
            path,
            "the error selector picks every request the metric counts (each of its "
            "matchers holds for every request the enclosing selectors pick): the error "
            "rate would be 100% for ever",
            "select what tells failed requests apart, e.g. {status: error}",
        )
    elif satisfying([*enclosing, *errors]) is None:
        err(
            path,
            "monogen finds no label values for a failed request that both the error "
            "selector and the enclosing selectors pick: it may pick none, and no proof "
            "could show the error-rate alerts fire",
            "simplify the regexes, or match one label in one place",
        )
    elif not any(satisfying(enclosing, [e]) is not None for e in errors):
        err(
            path,
            "monogen finds no label values for a request the error selector leaves out: "
            "it may pick every request",
            "simplify the regexes, or match one label in one place",
        )
