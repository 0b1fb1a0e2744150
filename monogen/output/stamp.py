"""Digests that let `build --check` verify an untouched tree without compiling.

The marker file records what a build read (spec bytes, monogen's own code, the versions
of the libraries that shape output) and what it wrote. If both still match, the build is
deterministic, so compiling again would give the same bytes: the tree is up to date."""

from __future__ import annotations

import hashlib
import os
import stat
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from monogen import __version__
from monogen.spec.config_file import find_for_specs
from monogen.spec.loader import discover, display_path
from monogen.spec.runbook_templates import OVERRIDES, project_template_files

STAMP_PREFIX = "monogen-"
LIBRARIES = ("grafanalib", "pydantic", "PyYAML", "promql-parser", "Jinja2")


@lru_cache(maxsize=1)
def code_digest() -> str:
    return package_digest(Path(__file__).resolve().parent.parent)


def package_digest(package: Path) -> str:
    """monogen's code, the package data that shapes output (runbook templates) and the
    versions of the libraries that do."""
    digest = hashlib.sha256(__version__.encode())
    shipped = [*package.rglob("*.py"), *(package / "templates").rglob("*")]
    for path in sorted(p for p in shipped if p.is_file()):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} absent".encode())
    return digest.hexdigest()


def inputs_digest(roots: list[Path]) -> str:
    digest = hashlib.sha256(code_digest().encode())
    config = find_for_specs(roots)  # the project's configuration (rulers) shapes the output
    if config is not None:
        digest.update(b"config\0" + config.read_bytes() + b"\0")
    for root in roots:
        if not root.exists():
            return ""
        for path in discover(root):
            digest.update(display_path(root, path).encode() + b"\0")
            digest.update(_contents(path) + b"\0")
        for name, path in project_template_files(root):
            try:
                text = path.read_bytes()
            except OSError:  # no stamp: the build reports it, positioned
                return ""
            digest.update(f"{OVERRIDES}/{name}".encode() + b"\0" + text + b"\0")
    return digest.hexdigest()


def _contents(path: Path) -> bytes:
    """A spec file's bytes; for one that is not a regular file, or cannot be read, a mark
    instead (the loader reports it with its position; reading a FIFO would wait forever)."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return b"\0not a regular file"
        return path.read_bytes()
    except OSError as exc:
        return f"\0unreadable: {exc.errno}".encode()


def outputs_digest(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(rel.encode() + b"\0" + files[rel] + b"\0")
    return digest.hexdigest()


def stamp_lines(inputs: str, outputs: str, files: list[str]) -> str:
    """The stamps: digests, and the files written (so a later build can tell a file added
    by hand from one it wrote)."""
    return (
        f"{STAMP_PREFIX}inputs: {inputs}\n{STAMP_PREFIX}outputs: {outputs}\n"
        f"{STAMP_PREFIX}files: {' '.join(files)}\n"
    )


def unstamped(text: str) -> str:
    """The marker without its stamps: what `--check` compares."""
    return "".join(
        line for line in text.splitlines(keepends=True) if not line.startswith(STAMP_PREFIX)
    )


def read_stamps(marker: Path) -> dict[str, str]:
    from monogen.output.tree import read_regular

    data = read_regular(marker)  # a link or a FIFO planted as the marker is not read
    try:
        lines = (data or b"").decode("utf-8").splitlines()
    except UnicodeDecodeError:  # not text: no stamps
        return {}
    return {
        key[len(STAMP_PREFIX) :]: value.strip()
        for key, _, value in (line.partition(":") for line in lines)
        if key.startswith(STAMP_PREFIX)
    }
