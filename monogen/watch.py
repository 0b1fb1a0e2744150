"""`monogen build --watch`: one process that keeps its imported code and every experiment's
render, and rebuilds when an input changes.

A rebuild is a whole build (load, validate, compile, render, lint, write atomically) whose
experiments come from an in-memory render cache when their documents did not change, so
its output and errors are a fresh build's. A spec that does not load is reported, and the
last good tree is kept.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monogen.output.cache import RenderCache
from monogen.output.reuse import remove_folders

POLL = 0.05  # seconds between looks at the inputs' files (path, size, times, inode)
DIGEST_EVERY = 1.0  # seconds: their bytes are read at least this often, and on any change


class Kept(dict[str, Any]):
    """A memo whose entries not read or written since `start()` are dropped by `prune()`."""

    def start(self) -> None:
        self.read: set[str] = set()

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        if found and isinstance(key, str):
            self.read.add(key)
        return found

    def __setitem__(self, key: str, value: Any) -> None:
        self.read.add(key)
        super().__setitem__(key, value)

    def prune(self) -> None:
        for key in [k for k in self if k not in self.read]:
            del self[key]


class MemoryCache(RenderCache):
    """RenderCache's keys and entries, kept in this process only: nothing is written
    outside `-o`, and an entry lives as long as the watch."""

    in_process = True

    def __init__(self) -> None:
        super().__init__(Path("/nonexistent"))
        self.entries: dict[tuple[str, str], Any] = {}
        self.rendered = 0  # experiments rendered (not reused) in this build
        self.validated = Kept()  # each document's own validation, by its digest
        self.parsed = Kept()  # each spec file's documents, by its bytes
        self.validated.start()
        self.parsed.start()
        self.used: set[str] = set()  # render keys of this build
        self.spare: Path | None = None  # the last replaced tree's folders (StagedTree)

    def key(self, *args: Any, **kwargs: Any) -> str:
        found = super().key(*args, **kwargs)
        self.used.add(found)
        return found

    def memo(self, key: str, produce: Callable[[], list[str]]) -> list[str]:
        self.used.add(self.text_key(key))
        return super().memo(key, produce)

    def rules(self, exp: Any, project: Any, produce: Callable[[Any], Any]) -> Any:
        """The experiment's compiled rules, kept while its document and the project's
        configuration are unchanged (the render key says so)."""
        key = RenderCache.key(self, exp, project, False)
        self.used.add(key)
        if ("rules", key) not in self.entries:
            self.entries[("rules", key)] = produce(exp)
        return self.entries[("rules", key)]

    def start(self) -> None:
        self.rendered = 0
        self.used = set()
        self.validated.start()
        self.parsed.start()

    def _read(self, kind: str, key: str) -> Any:
        try:
            return self.entries[(kind, key)]
        except KeyError:
            raise ValueError("missing") from None

    def _write(self, kind: str, key: str, data: dict[str, Any]) -> None:
        if kind == "renders":
            self.rendered += 1
        self.entries[(kind, key)] = {"format": "", "key": key, **data}

    def forget_unused(self) -> None:
        """Drop renders no build of the current inputs reads: memory stays bounded however
        long the watch runs."""
        self.entries = {k: v for k, v in self.entries.items() if k[1] in self.used}
        self.validated.prune()
        self.parsed.prune()


def watch(
    specs: list[Path],
    build_once: Callable[[MemoryCache, str], None],
    say: Callable[[str], None],
    *,
    poll: float = POLL,
    rounds: int | None = None,
) -> None:
    """Build now, then each time the inputs' digest changes; `build_once(cache, inputs)`
    raises SystemExit on a failed build, which is reported and waited out. `rounds` bounds
    the looks at the inputs (tests); None watches until interrupted."""
    from monogen.output.stamp import inputs_digest

    cache = MemoryCache()
    last = seen = None
    digested = float("-inf")
    looked = 0
    try:
        while rounds is None or looked < rounds:
            # reading every input's bytes takes 25 ms at 300 specs: it is done when a
            # file looks changed, and every DIGEST_EVERY (the configuration file, found
            # upwards of the roots, is not looked at)
            now = time.monotonic()
            looks = signature(specs)
            if looks != seen or looks is None or now - digested >= DIGEST_EVERY:
                seen, digested = looks, now
                inputs = inputs_digest(specs)
                if inputs != last:
                    last = inputs
                    _once(build_once, cache, inputs, say)
            looked += 1
            time.sleep(poll)
    except KeyboardInterrupt:
        say("watch: stopped")
    finally:
        if cache.spare is not None:
            remove_folders(cache.spare)


def signature(specs: list[Path]) -> tuple[tuple[object, ...], ...] | None:
    """How the spec roots look from outside: each entry's path, size, modification and
    change times and inode (an editor that saves by renaming changes the inode; a tool
    that sets the modification time back cannot set the change time), hidden ones left out
    as the loader leaves them; about 1 ms at 300 specs. The configuration file, found
    upwards of the roots, is read by the digest every DIGEST_EVERY. None when a root
    cannot be listed (the digest, and the build, say why)."""
    looks: list[tuple[object, ...]] = []
    try:
        for root in specs:
            folders = [str(root)] if root.is_dir() else []
            if not folders:
                st = root.stat()
                looks.append((str(root), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino))
            while folders:
                with os.scandir(folders.pop()) as entries:
                    for entry in entries:
                        if entry.name.startswith("."):
                            continue
                        if entry.is_dir(follow_symlinks=False):  # its own time moves with
                            folders.append(entry.path)  # hidden files: its entries tell
                            looks.append((entry.path,))
                            continue
                        st = entry.stat(follow_symlinks=False)
                        looks.append(
                            (entry.path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
                        )
    except OSError:
        return None
    return tuple(sorted(looks, key=lambda look: str(look[0])))


def _once(
    build_once: Callable[[MemoryCache, str], None],
    cache: MemoryCache,
    inputs: str,
    say: Callable[[str], None],
) -> None:
    started = time.perf_counter()
    cache.start()
    try:
        build_once(cache, inputs)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 1
        say(f"watch: build failed (exit {code}); the last good tree is kept")
        cache.validated.prune()  # a long run of failing saves keeps only what it read
        cache.parsed.prune()
    else:
        cache.forget_unused()
        took = time.perf_counter() - started
        say(f"watch: built in {took:.2f} s, {cache.rendered} experiment(s) rendered")
    say("watch: waiting for changes (Ctrl-C stops)")
