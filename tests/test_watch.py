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
        # the replaced tree's folders, kept for the next build (tests/test_write_spare.py)
        assert [p.name for p in tmp_path.glob(".generated.*")] == [
            f".generated.spare-{watch.process.pid}"
        ]
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
    left = list(tmp_path.glob(".generated.*"))
    assert not left, f"a staging directory or the spare was left behind: {left}"


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


def _looks(specs: Path) -> tuple[tuple[object, ...], ...] | None:
    from monogen.watch import signature

    return signature([specs])


def test_the_cheap_look_sees_an_edit_a_new_file_and_a_save_by_rename(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    (specs / "team").mkdir(parents=True)
    spec = specs / "team" / "a.yaml"
    spec.write_text(_spec("alpha-ab"))
    before = _looks(specs)
    assert before is not None and [Path(str(look[0])).name for look in before] == ["team", "a.yaml"]
    (specs / ".a.yaml.swp").write_text("an editor's swap file")  # hidden: not an input
    assert _looks(specs) == before
    spec.write_text(_spec("alpha-ab", 81))  # same size, later time
    edited = _looks(specs)
    assert edited != before
    replacement = specs / "team" / "a.yaml.new"
    replacement.write_text(_spec("alpha-ab", 82))
    assert _looks(specs) != edited  # a new file
    stat = spec.stat()
    os.replace(replacement, spec)  # saved by rename: same size, time set back, new inode
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    renamed = _looks(specs)
    assert renamed != edited
    stat = spec.stat()
    with open(spec, "r+") as handle:  # in place, size and times kept: the change time moves
        handle.write(_spec("alpha-ab", 83))
    os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert spec.stat().st_ino == stat.st_ino and _looks(specs) != renamed
    assert _looks(tmp_path / "gone") is None


def test_an_edit_the_cheap_look_misses_is_built_within_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit the look cannot see (here: the look made blind; in life, the project's
    configuration file above the roots) is still read: the inputs' bytes are digested
    every DIGEST_EVERY."""
    import monogen.watch as watch

    monkeypatch.setattr(watch, "signature", lambda specs: ())
    specs = tmp_path / "specs"
    specs.mkdir()
    spec = specs / "a.yaml"
    spec.write_text(_spec("alpha-ab", 80))
    monkeypatch.setattr(watch, "DIGEST_EVERY", 0.2)
    built: list[str] = []

    def build_once(cache: watch.MemoryCache, inputs: str) -> None:
        built.append(inputs)
        if len(built) == 1:  # edited in place, its time and size kept
            stat = spec.stat()
            with open(spec, "r+") as handle:
                handle.write(_spec("alpha-ab", 81))
            os.utime(spec, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    watch.watch([specs], build_once, lambda message: None, poll=0.01, rounds=60)
    assert len(built) == 2 and built[0] != built[1]


def test_the_watch_parses_again_only_the_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monogen.spec import loader
    from monogen.spec.errors import SpecErrors
    from monogen.watch import Kept

    specs = tmp_path / "specs"
    specs.mkdir()
    for name in NAMES:
        (specs / f"{name}.yaml").write_text(_spec(name))
    parsed = Kept()
    parsed.start()
    first = loader.load_paths([specs], parsed)
    texts: list[str] = []
    real = loader.load_text
    monkeypatch.setattr(
        loader, "load_text", lambda text, *a, **k: texts.append(text) or real(text, *a, **k)
    )
    (specs / "beta-ab.yaml").write_text(_spec("beta-ab", 81))
    second = loader.load_paths([specs], parsed)
    assert texts == [_spec("beta-ab", 81)]
    assert [d is e for d, e in zip(first, second, strict=True)] == [True, False, True]
    assert second[1].data["spec"] != first[1].data["spec"]
    (specs / "beta-ab.yaml").write_text("spec: [unclosed\n")
    with pytest.raises(SpecErrors):
        loader.load_paths([specs], parsed)
    (specs / "beta-ab.yaml").write_text(_spec("beta-ab", 81))
    assert loader.load_paths([specs], parsed)[1] is second[1]
