"""One compiled build: the validated specs and every model the targets turn into files."""

from __future__ import annotations

from dataclasses import dataclass

from monogen.compile.coverage import RouteRow
from monogen.model.alertmanager import AlertmanagerConfig
from monogen.model.rules import RuleFile
from monogen.spec.validate import Specs


@dataclass(frozen=True)
class Compiled:
    """Every target model of one build, before rendering."""

    specs: Specs
    rules: dict[str, RuleFile]  # experiment → its rule file
    alertmanager: AlertmanagerConfig | None
    routes: list[RouteRow]
