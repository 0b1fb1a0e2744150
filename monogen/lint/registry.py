"""The one registry of lint checks: stable ids, one-line docs, default severities.

A check is a function `(LintFile) -> Iterable[Hit]` registered with `@check(...)`; `Hit`s
become findings with the check's id and severity. Docs (`monogen lint --list`, README) are
generated from here, and tests tie every id to its passing and failing cases. The check
modules import this one to register; `catalog.all_checks()` imports them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monogen.lint.finding import Severity

if TYPE_CHECKING:
    from monogen.lint.source import LintFile, PathKey


@dataclass(frozen=True)
class Hit:
    """A problem a check found: where (a data path, or a line) and what."""

    message: str
    path: PathKey = ()
    key: bool = False  # point at the key rather than the value
    line: int = 0  # an explicit line, when there is no path (e.g. a YAML error)
    column: int = 0
    severity: Severity | None = None  # overrides the check's default when set
    # a key the check's `settle` decides on once every file of the run is read (a name
    # used here and defined, perhaps, in a file linted later); None: decided now
    defer: Any = None


@dataclass(frozen=True)
class Check:
    id: str  # family/name, stable forever
    kind: str  # rules | alertmanager | dashboard | unknown (a file of no kind) | any
    severity: Severity
    summary: str
    run: Callable[[LintFile], Iterable[Hit]]
    parity: str = ""  # the promtool/amtool behaviour this mirrors, if any
    # "rule": looks at one rule at a time, so it may run on any share of a file's rules
    # (large files are split between processes); "file": needs the whole file.
    scope: str = "file"
    # for checks whose hits wait for the whole run: (run's shared state, a hit's `defer`
    # key) → the hit to report then, or None
    settle: Callable[[dict[str, Any], Any], Hit | None] | None = None


REGISTRY: dict[str, Check] = {}


def check(
    id: str,
    kind: str,
    severity: Severity,
    summary: str,
    parity: str = "",
    scope: str = "file",
    settle: Callable[[dict[str, Any], Any], Hit | None] | None = None,
) -> Callable[[Callable[[LintFile], Iterable[Hit]]], Callable[[LintFile], Iterable[Hit]]]:
    if scope not in ("file", "rule"):
        raise ValueError(f"check {id}: scope is 'file' or 'rule', not {scope!r}")

    def register(func: Callable[[LintFile], Iterable[Hit]]) -> Callable[[LintFile], Iterable[Hit]]:
        if id in REGISTRY:
            raise ValueError(f"duplicate check id {id}")
        REGISTRY[id] = Check(id, kind, severity, summary, func, parity, scope, settle)
        return func

    return register
