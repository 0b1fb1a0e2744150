"""Files a rebuild takes from the tree it replaces instead of writing them again, and the
folders a watch keeps for its next build.

Creating a file costs tens of times more than a hard link on some filesystems (0.2–0.7 ms
against ~30 µs on the benchmark machine), and most files are unchanged from one build to
the next. A file is linked only when the result cannot be told from a fresh write: a plain
file of the old tree's own (one link, reached through no symlink), with the bytes, the
permission bits and the owner a new file would get. The old tree is never written to."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class Reuse:
    """Links from `old` (the tree being replaced, or None) into `staging`. Paths are
    strings: pathlib's parsing was most of the time of linking an unchanged tree."""

    def __init__(self, old: Path | None, staging: Path) -> None:
        self.old = None if old is None else str(old)
        made = os.stat(staging)  # owned as every file created in it will be
        self.owner = (made.st_uid, made.st_gid)
        self.mode = new_file_mode()
        self._plain: dict[str, bool] = {}
        # each linked file: its new name, the inode and mtime it had when its bytes were read
        self._linked: list[tuple[str, tuple[int, int], bytes]] = []

    def link(self, rel: str, data: bytes, target: str) -> bool:
        """Link the old tree's `rel` to `target` if it holds exactly `data`; False (nothing
        done) if it does not, or cannot be taken."""
        if self.old is None:
            return False
        old = os.path.join(self.old, rel)
        try:
            if not self._plain_dir(os.path.dirname(old)):
                return False  # reached through a symlink: not the tree's own file
            info = os.lstat(old)
            if (
                not stat.S_ISREG(info.st_mode)
                or info.st_nlink != 1
                or info.st_size != len(data)
                or stat.S_IMODE(info.st_mode) != self.mode
                or (info.st_uid, info.st_gid) != self.owner  # another user's (a shared tree)
                or _read(old) != data
            ):
                return False
            os.link(old, target, follow_symlinks=False)
        except OSError:
            return False
        self._linked.append((target, (info.st_ino, info.st_mtime_ns), data))
        return True

    def rewrite_edited(self) -> None:
        """Write afresh a linked file edited in place (or replaced) since its bytes were
        read: until the old tree is moved aside it is the live tree, and an edit there
        would otherwise reach the new one. Called just before the trees are swapped."""
        for target, seen, data in self._linked:
            info = os.lstat(target)
            if (info.st_ino, info.st_mtime_ns) != seen:
                os.unlink(target)
                with open(target, "wb") as out:
                    out.write(data)

    def _plain_dir(self, directory: str) -> bool:
        """`directory` is the old tree or a real directory in it, reached through no symlink
        (remembered: a tree has few directories and many files)."""
        known = self._plain.get(directory)
        if known is None:
            if directory == self.old:
                known = True
            else:
                known = self._plain_dir(os.path.dirname(directory)) and stat.S_ISDIR(
                    os.lstat(directory).st_mode
                )
            self._plain[directory] = known
        return known


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def new_file_mode() -> int:
    """The permission bits a file created now gets (0o666 less the umask)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def hollow(tree: Path) -> set[str]:
    """Remove every entry of `tree` but its real folders, and return those folders
    (`tree` among them). `build --watch` keeps the folders of the tree each build
    replaces as the next build's staging: on a filesystem that discards freed blocks,
    creating the ~300 folders of a tree cost more than linking its 3,000 unchanged files.
    Entries are removed through the handle of the folder they were listed in, and a link
    is removed, never followed, even one swapped in for a folder during the walk
    (`os.fwalk` enters only the folder it listed). OSError if anything cannot go."""
    folders = {str(tree)}
    for top, dirs, files, fd in os.fwalk(tree, follow_symlinks=False):
        for name in files:
            os.unlink(name, dir_fd=fd)
        for name in list(dirs):
            if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                os.unlink(name, dir_fd=fd)
                dirs.remove(name)
            else:
                folders.add(os.path.join(top, name))
    return folders


def remove_folders(tree: Path) -> bool:
    """Remove a tree of empty folders (a spare) bottom up; a file found in it (not the
    spare's: it never holds one) leaves the rest where it is. True if all went."""
    try:
        for _top, dirs, files, fd in os.fwalk(tree, topdown=False, follow_symlinks=False):
            if files:
                return False
            for name in dirs:
                if stat.S_ISLNK(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                    return False
                os.rmdir(name, dir_fd=fd)
        os.rmdir(tree)
    except OSError:
        return False
    return True
