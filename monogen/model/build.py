"""One compiled build: the validated specs and every model the targets turn into files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from monogen.compile.coverage import RouteRow
from monogen.model.alertmanager import AlertmanagerConfig
from monogen.model.rules import RuleFile
from monogen.spec.validate import Specs

# (key, produce) → produce(): a key names everything produce's texts are derived from, so a
# build may return texts produced from the same key before (output/cache.py) instead
Memo = Callable[[str, Callable[[], list[str]]], list[str]]


def no_memo(key: str, produce: Callable[[], list[str]]) -> list[str]:
    return produce()


@dataclass(frozen=True)
class Compiled:
    """Every target model of one build, before rendering."""

    specs: Specs
    rules: dict[str, RuleFile]  # experiment → its rule file
    alertmanager: AlertmanagerConfig | None
    routes: list[RouteRow]
    memo: Memo = field(default=no_memo, compare=False)  # for texts costly to render
