"""Where the project's configuration lives: `.monogen.yaml`, or a pyproject.toml with a
`[tool.monogen]` table, in a folder or the nearest one above it. Light on purpose: the
build's up-to-date check digests the file without loading monogen's models."""

from __future__ import annotations

from pathlib import Path

NAMES = (".monogen.yaml", "pyproject.toml")


def find(start: Path) -> Path | None:
    for folder in [start, *start.parents]:
        for name in NAMES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_table(candidate)):
                return candidate
    return None


def find_for_specs(paths: list[Path]) -> Path | None:
    """The configuration of a build: found from the first spec path's folder upwards."""
    if not paths:
        return None
    start = paths[0].resolve()
    return find(start if start.is_dir() else start.parent)


def _has_table(path: Path) -> bool:
    """Whether a pyproject.toml configures monogen. One that does not parse counts as
    configuring it: read as "no table", a mistake in another tool's table would silently
    drop monogen's settings (and the outputs they ask for); loaded, it is exit 2."""
    import tomllib

    try:
        return "monogen" in tomllib.loads(path.read_text()).get("tool", {})
    except (tomllib.TOMLDecodeError, UnicodeError):
        return True
    except OSError:
        return False
