"""PromQL in rules: mistakes promtool lets through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monogen.lint import promql as pq
from monogen.lint.checks._rules_shape import rules, text
from monogen.lint.facts import ASSUMED_SCRAPE_INTERVAL
from monogen.lint.finding import Severity
from monogen.lint.metadata import metric_type
from monogen.lint.registry import Hit, check
from monogen.lint.source import LintFile

# Names that say the series is not a counter (a gauge, a state, an info metric). A name
# that says nothing is given the benefit of the doubt: many exporters' counters lack
# `_total` (pg_stat_database_xact_commit, node_vmstat_pgmajfault, SNMP's ifHCInOctets).
NOT_COUNTER_SUFFIXES = (
    "_up",
    "_ratio",
    "_percent",
    "_percentage",
    "_info",
    "_status",
    "_state",
    "_ready",
    "_enabled",
    "_celsius",
    "_fahrenheit",
    "_timestamp",
    "_timestamp_seconds",
    "_start_time_seconds",
    "_boot_time_seconds",
    "_last_seen",
)
COUNTER_SUFFIXES = ("_total", "_count", "_sum", "_bucket")


# Events counted by their status (`cloudflare_zone_requests_status`): counters, although
# they end in `_status`.
COUNTED_BY_STATUS = re.compile(r"_(requests|responses|errors|calls|queries|events)_status$")


def not_a_counter(name: str) -> bool:
    """Does the name say it is no counter? (`up`, `ceph_osd_up`, `…_ratio`, `…_info`…)"""
    lowered = name.lower()
    if name.endswith(COUNTER_SUFFIXES) or COUNTED_BY_STATUS.search(lowered):
        return False
    return name == "up" or lowered.endswith(NOT_COUNTER_SUFFIXES)


RATE_FUNCTIONS = {"rate", "irate", "increase"}
REGEX_META = re.compile(r"[.*+?()|\[\]{}^$\\]")


def trees(f: LintFile, needle: str = "") -> list[tuple[tuple[Any, ...], dict[str, Any], Any]]:
    """(path, rule, parsed expr) for every rule whose expr parses (computed once a file);
    with `needle`, only those whose text contains it (walking trees is the slow part)."""
    if needle:
        return [t for t in trees(f) if needle in t[1]["expr"]]
    if "trees" not in f.memo:
        found = []
        for path, rule in rules(f):
            expr = text(rule.get("expr"))
            if expr:
                tree, _ = pq.parse(expr)
                if tree is not None:
                    found.append((path, {**rule, "expr": expr}, tree))
        f.memo["trees"] = found
    return f.memo["trees"]


@check(
    "promql/rate-counter",
    "rules",
    Severity.WARNING,
    "rate(), irate() and increase() "
    "apply to counters; the series' name says it is not one (`up`, `_up`, `_ratio`, "
    "`_percent`, `_info`, `_status`, `_state`, `_ready`, `_celsius`, `_timestamp_seconds`…), "
    "or the `metadata` file gives its type.",
    scope="rule",
)
def rate_counter(f: LintFile) -> Iterator[Hit]:
    types = f.settings.get("metric_types", {})  # from a metadata file, when given
    for path, _, tree in trees(f, "("):
        for node in pq.walk(tree):
            if type(node).__name__ == "Call" and node.func.name in RATE_FUNCTIONS:
                for sel in pq.selectors(node):
                    name = pq.metric_name(sel)
                    if not name or ":" in name:
                        continue
                    known = metric_type(name, types)
                    if known is not None and known != "counter":
                        said = f"is a {known} (metadata)"
                    elif known is None and not_a_counter(name):
                        said = "has a name that says it is not a counter (a gauge or a state)"
                    else:
                        continue
                    yield Hit(
                        f"{node.func.name}() of {name!r}, which {said}: use delta(), "
                        "deriv() or changes()",
                        (*path, "expr"),
                    )


@check(
    "promql/histogram-quantile-le",
    "rules",
    Severity.WARNING,
    "histogram_quantile() needs the bucket label: an aggregation inside it must keep `le` "
    "(or VictoriaMetrics' `vmrange`, when the query aggregates by it); `info` when no "
    "series it reads is named `_bucket` (native histograms have no `le`).",
    scope="rule",
)
def histogram_quantile_le(f: LintFile) -> Iterator[Hit]:
    for path, _, tree in trees(f, "histogram_quantile"):
        for node in pq.walk(tree):
            if type(node).__name__ != "Call" or node.func.name != "histogram_quantile":
                continue
            inner = pq.unwrap(list(node.args)[1]) if len(list(node.args)) > 1 else None
            if inner is None or type(inner).__name__ != "AggregateExpr":
                continue
            modifier = inner.modifier
            labels = list(modifier.labels) if modifier else []
            without = modifier is not None and "Without" in str(modifier.type)
            # VictoriaMetrics' histograms bucket by `vmrange`: a query that keeps it says
            # which dialect it is written in (vmalert, or a dashboard over VictoriaMetrics)
            bucket = "vmrange" if "vmrange" in labels and not without else "le"
            if (without and bucket in labels) or (not without and bucket not in labels):
                # a classic histogram's buckets are `_bucket` series; a name without it
                # may be a native histogram, which has no `le` to keep
                names = [pq.metric_name(s) for s in pq.selectors(inner)]
                classic = any("bucket" in n for n in names)
                yield Hit(
                    "histogram_quantile() over an aggregation that drops `le`"
                    + ("" if classic else " (unless its series are native histograms)"),
                    (*path, "expr"),
                    severity=None if classic else Severity.INFO,
                )


# Functions that need two samples in their range (a difference, a slope, a count of
# changes); the `*_over_time` aggregations give an answer from one.
TWO_SAMPLES = {
    "rate",
    "irate",
    "increase",
    "delta",
    "idelta",
    "deriv",
    "predict_linear",
    "changes",
    "resets",
    "holt_winters",
    "double_exponential_smoothing",
}


@check(
    "promql/range-too-short",
    "rules",
    Severity.WARNING,
    "A range selector holds the samples its function needs: two scrape intervals for rate(), "
    "increase(), deriv() and the like, one for `*_over_time` (the scrape interval is "
    "configurable; 15s when nothing states it).",
    scope="rule",
)
def range_too_short(f: LintFile) -> Iterator[Hit]:
    interval = f.settings.get("scrape_interval", ASSUMED_SCRAPE_INTERVAL)
    for path, _, tree in trees(f, "["):
        for node in pq.walk(tree):
            if type(node).__name__ != "Call":
                continue
            name = node.func.name
            needs = 2 if name in TWO_SAMPLES else 1
            for arg in node.args:
                arg = pq.unwrap(arg)
                if type(arg).__name__ != "MatrixSelector":
                    continue
                seconds = arg.range.total_seconds()
                if seconds < needs * interval:
                    what = "two scrape intervals" if needs == 2 else "one scrape interval"
                    yield Hit(
                        f"range [{seconds:g}s] is shorter than {what} "
                        f"({needs * interval:g}s): {name}() may see fewer than "
                        f"{'two samples' if needs == 2 else 'one sample'}",
                        (*path, "expr"),
                    )


@check(
    "promql/regex-anchored",
    "rules",
    Severity.INFO,
    "Regex matchers are anchored by Prometheus; a leading ^ or trailing $ is redundant.",
    scope="rule",
)
def regex_anchored(f: LintFile) -> Iterator[Hit]:
    for path, m, _ in regex_matchers(f):
        if m.value.startswith("^") or m.value.endswith("$"):
            yield Hit(f"regex matcher {m.name}=~{m.value!r} is anchored already", path)


@check(
    "promql/regex-redundant",
    "rules",
    Severity.INFO,
    "A regex matcher without regex characters is an equality matcher; write = or != instead.",
    scope="rule",
)
def regex_redundant(f: LintFile) -> Iterator[Hit]:
    for path, m, negated in regex_matchers(f):
        if m.value and not REGEX_META.search(m.value):
            op, eq = ("!~", "!=") if negated else ("=~", "=")
            yield Hit(f"{m.name}{op}{m.value!r} needs no regex: use {m.name}{eq}{m.value!r}", path)


def regex_matchers(f: LintFile) -> Iterator[tuple[tuple[Any, ...], Any, bool]]:
    """(path of the expr, matcher, negated) for every =~ and !~ matcher."""
    for path, _, tree in trees(f, "~"):
        for sel in pq.selectors(tree):
            for m in sel.matchers.matchers:
                op = str(m.op)
                if "Re" in op:
                    yield (*path, "expr"), m, not op.endswith(".Re")
