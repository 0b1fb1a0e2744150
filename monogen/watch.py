"""`monogen build --watch`: one process that keeps its imported code and every experiment's
render, and rebuilds when an input changes.

A rebuild is a whole build (load, validate, compile, render, lint, write atomically) whose
experiments come from an in-memory render cache when their documents did not change, so
its output and errors are a fresh build's. A spec that does not load is reported, and the
last good tree is kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monogen.output.cache import RenderCache

POLL = 0.25  # seconds between looks at the inputs


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
        self.validated.start()
        self.used: set[str] = set()  # render keys of this build

    def key(self, *args: Any, **kwargs: Any) -> str:
        found = super().key(*args, **kwargs)
        self.used.add(found)
        return found

    def memo(self, key: str, produce: Callable[[], list[str]]) -> list[str]:
        self.used.add(key)
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
    last = None
    looked = 0
    try:
        while rounds is None or looked < rounds:
            inputs = inputs_digest(specs)
            if inputs != last:
                last = inputs
                _once(build_once, cache, inputs, say)
            looked += 1
            time.sleep(poll)
    except KeyboardInterrupt:
        say("watch: stopped")


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
    else:
        cache.forget_unused()
        took = time.perf_counter() - started
        say(f"watch: built in {took:.2f} s, {cache.rendered} experiment(s) rendered")
    say("watch: waiting for changes (Ctrl-C stops)")
