"""`monogen build --watch`: after each edit the tree is byte for byte what a fresh build
writes, only the changed experiment is rendered again, a spec that does not load leaves the
last good tree, and Ctrl-C stops it."""

from __future__ import annotations

import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import MINIMAL_EXPERIMENT, invoke

NAMES = ("alpha-ab", "beta-ab", "gamma-ab")
WAIT = 90  # seconds for one build on a loaded 2-core machine


def _spec(name: str, accuracy: int = 80) -> str:
    return MINIMAL_EXPERIMENT.replace("name: demo-ab", f"name: {name}").replace(
        "    accuracy: {}\n", f"    accuracy:\n      warning: {{below: {accuracy}}}\n"
    )


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


class Watch:
    """The watching process, its stderr read line by line on a thread."""

    def __init__(self, specs: Path, out: Path) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monogen", "build", str(specs), "-o", str(out), "--watch"],
            stderr=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def next_outcome(self) -> list[str]:
        """The lines up to the end of the next build, whichever way it ended."""
        got: list[str] = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            got.append(line)
            self.seen.append(line)
            if line.startswith(("watch: built", "watch: build failed")):
                return got
        raise AssertionError(f"no build ended within {WAIT} s: {got}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=20)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def _write(specs: Path, name: str, text: str) -> None:
    # replaced whole, as editors save, so the watch never reads half a file
    temp = specs / f".{name}.tmp"
    temp.write_text(text)
    os.replace(temp, specs / f"{name}.yaml")


def test_watch_rebuilds_what_changed_as_a_fresh_build_would(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    for name in NAMES:
        _write(specs, name, _spec(name))
    out = tmp_path / "generated"
    watch = Watch(specs, out)
    rng = random.Random(20261207)
    try:
        first = watch.next_outcome()
        assert first[-1].startswith("watch: built") and "3 experiment(s) rendered" in first[-1]
        for step in range(5):
            name = rng.choice(NAMES)
            accuracy = rng.randrange(60, 95)
            _write(specs, name, _spec(name, accuracy))
            ended = watch.next_outcome()
            assert ended[-1].startswith("watch: built"), (step, ended)
            assert "1 experiment(s) rendered" in ended[-1], ended
            fresh = tmp_path / f"fresh-{step}"
            result = invoke("build", str(specs), "-o", str(fresh), "--no-cache")
            assert result.exit_code == 0, result.stderr
            assert _tree(out) == _tree(fresh), step
            rules = (out / f"prometheus/rules/{name}.rules.yaml").read_text()
            assert f"< {accuracy}" in rules
        good = _tree(out)
        broken = _spec("beta-ab").replace("  variants:", "  variants: [", 1)
        _write(specs, "beta-ab", broken)
        ended = watch.next_outcome()
        assert ended[-1] == "watch: build failed (exit 2); the last good tree is kept", ended
        assert any("beta-ab.yaml:" in line and "invalid YAML" in line for line in ended), ended
        assert _tree(out) == good
        _write(specs, "beta-ab", _spec("beta-ab", 77))
        ended = watch.next_outcome()
        assert ended[-1].startswith("watch: built"), ended
        fresh = tmp_path / "fresh-end"
        assert invoke("build", str(specs), "-o", str(fresh), "--no-cache").exit_code == 0
        assert _tree(out) == _tree(fresh)
    finally:
        code = watch.stop()
    assert code == 0, watch.seen
    assert not list(tmp_path.glob("generated.*")), "a staging directory was left behind"


def test_watch_and_check_are_refused_together(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    _write(specs, "alpha-ab", _spec("alpha-ab"))
    result = subprocess.run(
        [sys.executable, "-m", "monogen", "build", str(specs), "--watch", "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--watch writes the tree; --check never does" in result.stderr


@pytest.mark.parametrize("edits", [3])
def test_memory_cache_keeps_only_the_renders_of_the_current_inputs(edits: int) -> None:
    from monogen.pipeline import build
    from monogen.spec.loader import load_text
    from monogen.spec.validate import validate
    from monogen.watch import MemoryCache

    cache = MemoryCache()
    for accuracy in range(70, 70 + edits):
        docs = load_text(_spec("alpha-ab", accuracy) + "---\n" + _spec("beta-ab"), "s.yaml")
        cache.start()
        build(validate(docs), cache=cache)
        cache.forget_unused()
    renders = [k for k in cache.entries if k[0] == "renders"]
    assert len(renders) == 2  # one per experiment of the last build
    assert cache.rendered == 1  # beta-ab came from the cache


def test_a_documents_kept_validation_follows_the_projects_alert_defaults() -> None:
    from monogen.spec.alert_text import AlertDefaults
    from monogen.spec.loader import load_text
    from monogen.spec.validate import validate

    memo: dict = {}
    docs = load_text(_spec("alpha-ab"), "s.yaml")
    plain = validate(docs, (), memo)
    tiered = validate(docs, (AlertDefaults.model_validate({"labels": {"tier": "1"}}),), memo)
    assert len(memo) == 2  # one entry per (document, defaults)
    from monogen.compile.rules import compile_rules

    def tiers(specs) -> set[str | None]:
        return {r.labels.get("tier") for r in compile_rules(specs.experiments[0]).alerts}

    assert (tiers(plain), tiers(tiered)) == ({None}, {"1"})
