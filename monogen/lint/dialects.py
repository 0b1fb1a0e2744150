"""Rule file dialects: the fields each ruler reads beyond Prometheus' own.

A file is linted in the dialect the lint configuration gives its path (`dialects`, glob →
name), else the one its directory names (`rulers/<engine>/`, as `monogen build` writes
them), else as a plain Prometheus file (what `promtool check rules` accepts). Each
dialect follows the engine as packaged or documented; Prometheus' and vmalert's fields are
those of their oldest release monogen lints for (2.42, 1.79: no `keep_firing_for`), and
the target release adds the fields it reads (versions.py)."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import PurePath

RULE_FIELDS = frozenset(
    {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
)
GROUP_FIELDS = frozenset({"name", "interval", "limit", "rules"})


@dataclass(frozen=True)
class Dialect:
    name: str
    reader: str  # what loads such files
    file_fields: frozenset[str] = frozenset({"groups"})
    group_fields: frozenset[str] = GROUP_FIELDS
    rule_fields: frozenset[str] = RULE_FIELDS
    required: frozenset[str] = frozenset()  # top-level fields the reader insists on
    # whose releases (target-versions) add fields to these, oldest first (releases.NEWER)
    versioned_by: str = ""


PROMETHEUS = Dialect("prometheus", "Prometheus", versioned_by="prometheus")
DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        PROMETHEUS,
        Dialect(
            "thanos",
            "Thanos Ruler",
            group_fields=GROUP_FIELDS | {"partial_response_strategy"},
        ),
        Dialect(
            "mimir",
            "mimirtool",
            file_fields=frozenset({"namespace", "groups"}),
            group_fields=GROUP_FIELDS | {"source_tenants", "query_offset", "evaluation_delay"},
            required=frozenset({"namespace"}),
        ),
        Dialect(
            "victoriametrics",
            "vmalert",
            group_fields=GROUP_FIELDS | {"concurrency", "type", "labels", "params"},
            rule_fields=RULE_FIELDS - {"keep_firing_for"},
            versioned_by="victoriametrics",
        ),
    )
}


def dialect_for(path: str, patterns: dict[str, str]) -> Dialect:
    """The dialect of the file at `path` (as given): configured patterns first, then a
    `rulers/<engine>/` directory, else Prometheus."""
    posix = PurePath(path).as_posix()
    for pattern, name in patterns.items():
        if fnmatch(posix, pattern):
            return DIALECTS[name]
    parts = PurePath(path).parts[:-1]
    for i, part in enumerate(parts[:-1]):
        if part == "rulers" and parts[i + 1] in DIALECTS:
            return DIALECTS[parts[i + 1]]
    return PROMETHEUS


def readers_of(field: str, where: str) -> list[str]:
    """The dialects that know `field` at `where` (file | group | rule), for hints."""
    return [
        d.name
        for d in DIALECTS.values()
        if field in {"file": d.file_fields, "group": d.group_fields, "rule": d.rule_fields}[where]
    ]
