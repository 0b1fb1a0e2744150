"""Reading a tree that a commit may have planted links in (`generated/` under `--check`,
`diff`, or a rebuild): walked without following a symbolic link, and only its regular files
read, opened so that a link swapped in at the last moment is refused too. What is not a
regular file of the tree is named, never read, so its target never reaches a diff or a log."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

LINK = "<a symbolic link: monogen does not follow it>\n"
SPECIAL = "<not a regular file: monogen does not read it>\n"


def walk(root: Path) -> Iterator[tuple[str, Path, int]]:
    """(path relative to root, path, lstat mode) of everything below `root` but its
    directories, in name order; a linked directory is listed, never entered."""
    for directory, dirs, files in os.walk(root, followlinks=False):
        here = Path(directory)
        linked = [d for d in dirs if os.path.islink(here / d)]
        dirs[:] = sorted(d for d in dirs if d not in linked)
        for name in sorted([*files, *linked]):
            path = here / name
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue  # gone since it was listed
            yield path.relative_to(root).as_posix(), path, mode


def read_regular(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of `path` if it is a regular file reached through no link at its last
    step (and of at most `limit` bytes); None otherwise (a link, a FIFO, a device, a
    directory, a larger file)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (limit is not None and info.st_size > limit):
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every entry below `root` as bytes: a regular file's own, a link or anything else as
    a placeholder that says what it is."""
    found: dict[str, bytes] = {}
    if not root.is_dir() or root.is_symlink():
        return found
    for rel, path, mode in walk(root):
        if stat.S_ISLNK(mode):
            found[rel] = LINK.encode()
        elif stat.S_ISREG(mode):
            data = read_regular(path)
            found[rel] = data if data is not None else LINK.encode()
        else:
            found[rel] = SPECIAL.encode()
    return found
