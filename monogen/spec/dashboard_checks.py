"""A team's panels, checked where they stand: PromQL that parses and can be scoped, and
thresholds taken from a guardrail the experiment has once."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from monogen.compile import naming
from monogen.compile.matchers import Matcher
from monogen.compile.promql_scope import ScopeError, panel_matchers, parse, scoped
from monogen.spec.dashboards import TeamPanel
from monogen.spec.loader import PathKey

Err = Callable[[PathKey, str, str], None]


def check_dashboards(spec: Any, rail_keys: Sequence[str], err: Err) -> None:
    """Every team panel of the experiment's dashboard and of its extra dashboards."""
    fixed, optional = panel_matchers(spec)
    _check_titles(spec, err)
    at = ("spec", "dashboard")
    places = [((*at, "panels"), spec.dashboard.panels)] + [
        ((*at, "extra", i, "panels"), extra.panels) for i, extra in enumerate(spec.dashboard.extra)
    ]
    for path, panels in places:
        for i, panel in enumerate(panels):
            _check_panel(panel, (*path, i), fixed, optional, rail_keys, err)


def dashboard_titles(experiments: Sequence[Any]) -> list[tuple[str, Any, PathKey]]:
    """(title, document, path) of every dashboard, the title without case: Grafana refuses
    a second dashboard of one title in a folder, and file provisioning puts every
    generated dashboard in one folder, whatever `folder` says (the sidecar reads it)."""
    found = []
    named = set()
    for exp in experiments:
        if exp.name in named:  # a duplicate experiment, refused as such
            continue
        named.add(exp.name)
        options = exp.spec.spec.dashboard
        title = options.title or f"Experiment {exp.name}"
        at = ("spec", "dashboard", "title") if options.title else ("metadata", "name")
        found.append((title.casefold(), exp.doc, at))
        found += [
            (d.title.casefold(), exp.doc, ("spec", "dashboard", "extra", i, "title"))
            for i, d in enumerate(options.extra)
        ]
    return found


def _check_titles(spec: Any, err: Err) -> None:
    """No title of the overview's (it is generated beside every experiment's)."""
    options = spec.dashboard
    titled = [(("spec", "dashboard", "title"), options.title)] + [
        (("spec", "dashboard", "extra", i, "title"), d.title) for i, d in enumerate(options.extra)
    ]
    for path, title in titled:
        if title and title.casefold() == naming.OVERVIEW_TITLE.casefold():
            err(
                path,
                f"{title!r} is the title of the generated overview dashboard",
                "give this dashboard a title of its own",
            )


def _check_panel(
    panel: TeamPanel,
    path: PathKey,
    fixed: tuple[Matcher, ...],
    optional: tuple[Matcher, ...],
    rail_keys: Sequence[str],
    err: Err,
) -> None:
    for j, query in enumerate(panel.queries):
        where = (*path, "queries", j, "expr")
        if panel.scope:
            try:
                scoped(query.expr, fixed, optional)
            except ScopeError as exc:
                err(where, str(exc), exc.hint)
            continue
        try:
            tree, error = parse(query.expr)
        except ScopeError as exc:
            err(where, str(exc), exc.hint)
            continue
        if tree is None:
            err(where, f"not valid PromQL: {error}", "check the expression with promtool")
    key = panel.thresholds_from
    if key is None or key in rail_keys:
        return
    close = difflib.get_close_matches(key, rail_keys, n=1)
    err(
        (*path, "thresholdsFrom"),
        f"the experiment has no guardrail {key!r} written once to draw thresholds from",
        f"did you mean {close[0]!r}?"
        if close
        else "name one of: " + (", ".join(sorted(rail_keys)) or "(no guardrails)"),
    )
