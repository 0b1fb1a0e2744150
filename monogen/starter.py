"""`monogen init`: the starter spec set, kept as package data in monogen/templates/starter."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

STARTER = ("templates", "starter")


def starter_files() -> dict[str, str]:
    """Relative POSIX path → text of every starter file, in path order."""
    root = resources.files("monogen").joinpath(*STARTER)
    files: dict[str, str] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{rel}/")
            elif not child.name.startswith("."):
                files[rel] = child.read_text(encoding="utf-8")

    walk(root, "")
    if not files:  # an install that dropped the package data
        raise FileNotFoundError(f"monogen's starter files are missing from {root}")
    return files
