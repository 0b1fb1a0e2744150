"""Text files shipped inside the package (under monogen/templates), read as package data so
they are found the same in a checkout, a wheel or a zipped install."""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def package_texts(*parts: str) -> dict[str, str]:
    """Relative POSIX path → text of every file under monogen/templates/<parts>, in path
    order (hidden files skipped)."""
    root = resources.files("monogen").joinpath("templates", *parts)
    files: dict[str, str] = {}

    def walk(node: Traversable, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.is_dir():
                walk(child, f"{rel}/")
            elif not child.name.startswith("."):
                files[rel] = child.read_text(encoding="utf-8")

    if root.is_dir():
        walk(root, "")
    if not files:  # an install that dropped the package data
        raise FileNotFoundError(f"monogen's package data is missing: {root}")
    return files
