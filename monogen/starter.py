"""`monogen init`: the starter spec set, kept as package data in monogen/templates/starter."""

from __future__ import annotations

from monogen.resources import package_texts


def starter_files() -> dict[str, str]:
    """Relative POSIX path → text of every starter file, in path order."""
    return package_texts("starter")
