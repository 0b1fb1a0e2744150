"""The catalog imports only the check families a kind of file needs; this keeps its map of
families to kinds true (a check registered elsewhere would silently never run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from monogen.lint.catalog import FAMILIES

CHECKS = Path(__file__).resolve().parent.parent / "monogen/lint/checks"


def fresh(code: str) -> object:
    """What `code` prints (JSON) in a new interpreter: nothing imported before it."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(done.stdout)


def test_every_check_module_is_in_a_family() -> None:
    modules = {p.stem for p in CHECKS.glob("*.py") if not p.stem.startswith("_")}
    assert modules == {m for family in FAMILIES.values() for m in family}


def test_each_family_holds_the_modules_registering_checks_of_its_kind() -> None:
    where = fresh(
        "import json, sys; from monogen.lint.catalog import all_checks;"
        "print(json.dumps(sorted({(c.kind, c.run.__module__.rsplit('.', 1)[1])"
        " for c in all_checks().values()})))"
    )
    registered: dict[str, set[str]] = {}
    for kind, module in where:  # type: ignore[union-attr]
        registered.setdefault(kind, set()).add(module)
    assert registered == {kind: set(modules) for kind, modules in FAMILIES.items()}


@pytest.mark.parametrize("kind", ["rules", "alertmanager", "dashboard", "unknown", "broken"])
def test_a_kind_gets_the_checks_it_would_get_from_every_check(kind: str) -> None:
    alone = fresh(
        "import json; from monogen.lint.catalog import checks_for;"
        f"print(json.dumps([c.id for c in checks_for({kind!r})]))"
    )
    from_all = fresh(
        "import json; from monogen.lint.catalog import all_checks;"
        f"print(json.dumps([c.id for c in all_checks().values() if c.kind in ({kind!r}, 'any')]))"
    )
    assert alone == from_all and alone
