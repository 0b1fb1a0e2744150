"""Where the render cache lives, and how it is kept from growing without end.

On by default, in the platform's cache directory (the XDG base directory on Linux and
other Unix, ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows), so a second build of
unchanged specs renders nothing again, in pre-commit as at a desk; $MONOGEN_CACHE_DIR puts
it elsewhere (a CI cache), MONOGEN_CACHE=0 or `build --no-cache` turns it off. Entries
are named by the digest of everything they derive from, monogen's code and Python's
version included: one cache serves every version and machine without a stale hit.

Once a day at most, an entry unused for MAX_AGE is removed, and the least recently used
go while the whole is over MAX_BYTES. "Used" is the later of the entry's access time
(Linux's default relatime moves it at least daily on a read) and its modification time."""

from __future__ import annotations

import os
import re
import stat
import sys
import time
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

OFF = ("0", "false", "no", "off")
MAX_AGE = 30 * 86400  # seconds
MAX_BYTES = 1 << 30
EVERY = 86400  # seconds between tidyings
STAMP = "last-tidied"


def cache_dir(env: Mapping[str, str] = os.environ, platform: str | None = None) -> Path | None:
    """Where renders are kept; None when caching is off or no place can be named."""
    if env.get("MONOGEN_CACHE", "").strip().lower() in OFF:
        return None
    if env.get("MONOGEN_CACHE_DIR"):
        return Path(env["MONOGEN_CACHE_DIR"])
    base = platform_cache(env, platform or sys.platform)
    return None if base is None else base / "monogen"


def platform_cache(env: Mapping[str, str], platform: str) -> Path | None:
    """The user's cache directory by the platform's convention (None without a home)."""
    if platform == "win32":
        local = env.get("LOCALAPPDATA", "")
        return Path(local) if local else None
    home = env.get("HOME", "")
    home = home if os.path.isabs(home) else ""  # a relative one would put it in the cwd
    if platform == "darwin":
        return Path(home, "Library", "Caches") if home else None
    xdg = env.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):  # the specification says to ignore a relative one
        return Path(xdg)
    return Path(home, ".cache") if home else None


_ENTRY = re.compile(r"[0-9a-f]{64}\.json")
_TEMP = re.compile(r"\.[0-9a-f]{64}\.[0-9]+\.tmp")


def _is_entry(path: Path) -> bool:
    """An entry begins with the SHA-256 of its body on a line of its own (cache.py)."""
    with open(path, "rb") as handle:
        head = handle.read(65)
    return re.fullmatch(rb"[0-9a-f]{64}\n", head) is not None


def tidy(root: Path, now: float | None = None) -> list[Path]:
    """Remove entries unused for MAX_AGE, then the least recently used while over
    MAX_BYTES; at most once every EVERY seconds (a stamp file says when). Returns what
    was removed. Best effort: a cache that cannot be listed or written is left as it is."""
    now = time.time() if now is None else now
    stamp = root / STAMP
    with suppress(OSError):
        if now - stamp.stat().st_mtime < EVERY:
            return []
    entries = []
    for kind in ("renders", "texts"):
        for path in (root / kind).glob("??/.*.tmp"):  # a killed build's half-written entry
            with suppress(OSError):
                if _TEMP.fullmatch(path.name) and now - path.lstat().st_mtime > EVERY:
                    path.unlink()
        for path in (root / kind).glob("??/*.json"):
            if not _ENTRY.fullmatch(path.name) or path.name[:2] != path.parent.name:
                continue  # not named as an entry: not the cache's to remove
            with suppress(OSError):
                info = path.lstat()
                if stat.S_ISREG(info.st_mode):
                    entries.append((max(info.st_atime, info.st_mtime), info.st_size, path))
    entries.sort()
    total = sum(size for _, size, _ in entries)
    removed = []
    for used, size, path in entries:
        if now - used < MAX_AGE and total <= MAX_BYTES:
            break
        with suppress(OSError):
            if not _is_entry(path):
                continue  # a file of the user's that happens to be named like one
            path.unlink()
            removed.append(path)
            total -= size
    with suppress(OSError):
        root.mkdir(parents=True, exist_ok=True)
        stamp.write_bytes(b"")
        os.utime(stamp, (now, now))
    return removed
