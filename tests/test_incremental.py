"""The render cache: a build that reuses what experiments rendered before writes the same
bytes as a full build, after random edits to specs; what it cannot read it renders again."""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SPECS, invoke

sys.path.insert(0, str(ROOT / "bench"))
from synth import write as synthesize

# (pattern, replacement) edits a platform repo makes: thresholds, a variant's name, where an
# Alerting spec sends its alerts
THRESHOLD = re.compile(r"\b(above|below|tolerance): (\d+(?:\.\d+)?)")
VARIANT = re.compile(r"(- (?:\{)?name: )([a-z][a-z0-9-]*)")
CHANNEL = re.compile(r"(channel: ['\"]?#)([a-z0-9-]+)")
RECEIVER = re.compile(r"^(    )([a-z][a-z0-9-]*):\n      (?:pagerduty|slack|email|webhook):", re.M)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def entries(cache: Path, kind: str = "renders") -> set[str]:
    return {p.name for p in (cache / kind).rglob("*.json")}


def build(specs: Path, out: Path, *flags: str) -> None:
    result = invoke("build", str(specs), "-o", str(out), *flags)
    assert result.exit_code == 0, result.output


def edit_once(path: Path, rng: random.Random) -> bool:
    """One random edit of a threshold, a variant name, a channel or a receiver's name (and
    the routes to it) in `path`."""
    text = path.read_text()
    pattern = rng.choice([THRESHOLD, VARIANT, CHANNEL, RECEIVER])
    found = list(pattern.finditer(text))
    if not found:
        return False
    hit = rng.choice(found)
    old = hit.group(2)
    if pattern is THRESHOLD:
        number = float(old) * rng.choice([0.9, 1.1, 1.5])
        new = f"{number:.3g}" if "." in old else str(max(1, round(number)))
    else:
        new = f"{old}-{rng.randrange(100)}"
    if pattern is RECEIVER:
        path.write_text(re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, text))
        return True
    path.write_text(text[: hit.start(2)] + new + text[hit.end(2) :])
    return True


def edit_randomly(specs: Path, rng: random.Random, edits: int) -> int:
    """Apply up to `edits` random edits that leave the specs valid; returns how many."""
    files = sorted(p for p in specs.rglob("*.yaml"))
    done = 0
    for _ in range(edits * 5):
        if done == edits:
            break
        path = rng.choice(files)
        before = path.read_text()
        if not edit_once(path, rng):
            continue
        if invoke("validate", str(specs)).exit_code != 0:
            path.write_text(before)  # an edit the specs refuse (a variant named elsewhere)
            continue
        done += 1
    return done


@pytest.mark.parametrize("source", ["examples", "synthetic"])
def test_an_incremental_build_equals_a_full_build_after_random_edits(
    source: str, tmp_path: Path, render_cache: Path
) -> None:
    specs = tmp_path / "specs"
    if source == "examples":
        shutil.copytree(SPECS, specs)
    else:
        synthesize(tmp_path, 70)  # past PARALLEL_FROM: the cold build renders in processes
    rng = random.Random(f"monogen-{source}")
    build(specs, tmp_path / "incremental")  # fills the cache
    rule_files = list((tmp_path / "incremental/prometheus/rules").glob("*.yaml"))
    assert len(entries(render_cache)) == len(rule_files)  # one entry per experiment
    for round_ in range(4):
        applied = edit_randomly(specs, rng, edits=2)
        assert applied, f"round {round_}: no edit applied"
        before = entries(render_cache)
        build(specs, tmp_path / "incremental")
        build(specs, tmp_path / "full", "--no-cache")
        assert snapshot(tmp_path / "incremental") == snapshot(tmp_path / "full")
        # only the experiments an edit touched were rendered again (an Alerting edit: none)
        assert len(entries(render_cache) - before) <= applied
    assert entries(render_cache, "texts")  # runbook pages were kept too


def test_only_the_changed_experiment_is_rendered_again(tmp_path: Path, render_cache: Path) -> None:
    specs = synthesize(tmp_path, 6)
    build(specs, tmp_path / "out")
    first = entries(render_cache)
    assert len(first) == 6
    build(specs, tmp_path / "out")
    assert entries(render_cache) == first  # nothing new: every experiment came from the cache
    spec = specs / "exp-0001.yaml"
    spec.write_text(spec.read_text().replace("tolerance: 10", "tolerance: 12"))
    build(specs, tmp_path / "out")
    assert len(entries(render_cache) - first) == 1
    # a check against the tree uses the cache too, and finds it current
    assert invoke("build", str(specs), "-o", str(tmp_path / "out"), "--check").exit_code == 0


def spoil(cache: Path) -> int:
    """Every cache entry made unusable, each in one of the ways a disk or a person can."""
    ways = [
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),  # truncated
        lambda p: p.write_bytes(p.read_bytes().replace(b"monogen", b"mOnogen", 1)),  # flipped
        lambda p: p.write_bytes(b""),
        lambda p: (p.unlink(), p.mkdir()),  # unreadable as a file
        lambda p: p.write_bytes(_checked(b'{"format": "monogen-render-cache 1", "key": 3}')),
        lambda p: p.write_bytes(_checked(b'{"format":"x","files":{"a":1},"findings":[1]}')),
        lambda p: p.write_bytes(b"\xff\xfe not even text"),
    ]
    paths = sorted(p for p in cache.rglob("*.json") if p.is_file())
    for index, path in enumerate(paths):
        ways[index % len(ways)](path)
    return len(paths)


def _checked(body: bytes) -> bytes:
    import hashlib

    return hashlib.sha256(body).hexdigest().encode() + b"\n" + body


def test_spoilt_cache_entries_are_rendered_again(tmp_path: Path, render_cache: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    build(specs, tmp_path / "full", "--no-cache")
    build(specs, tmp_path / "cached")
    assert spoil(render_cache) > 7
    build(specs, tmp_path / "cached")
    assert snapshot(tmp_path / "cached") == snapshot(tmp_path / "full")


def test_the_cache_stays_out_of_the_tree_and_can_be_turned_off(
    tmp_path: Path, render_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monogen.output.cache import cache_dir

    specs = synthesize(tmp_path, 2)
    build(specs, tmp_path / "out", "--no-cache")
    assert not any(render_cache.iterdir())
    monkeypatch.setenv("MONOGEN_CACHE", "0")
    build(specs, tmp_path / "out")
    assert not any(render_cache.iterdir())
    monkeypatch.delenv("MONOGEN_CACHE")
    build(specs, tmp_path / "out")
    assert entries(render_cache)
    assert not [p for p in (tmp_path / "out").rglob("*") if "cache" in p.name]
    # on by default, in the platform's cache directory (tests/test_cache_place.py)
    home = {"HOME": "/home/u", "XDG_CACHE_HOME": "/x"}
    assert cache_dir(home, "linux") == Path("/x/monogen")
    assert cache_dir({**home, "MONOGEN_CACHE_DIR": "/c"}) == Path("/c")
    assert cache_dir({**home, "MONOGEN_CACHE_DIR": "/c", "MONOGEN_CACHE": "0"}) is None


def test_another_monogen_renders_the_runbook_pages_again(
    tmp_path: Path, render_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runbook texts are memoised by their inputs; monogen's code is one of them (a new
    release that writes pages differently must not be served the old ones)."""
    from monogen.output import stamp
    from monogen.targets import runbooks

    specs = synthesize(tmp_path, 2)
    build(specs, tmp_path / "before")
    assert entries(render_cache, "texts")
    real = runbooks.render
    monkeypatch.setattr(runbooks, "render", lambda *a: real(*a) + "release two\n")
    monkeypatch.setattr(stamp, "code_digest", lambda: "another release of monogen")
    build(specs, tmp_path / "after")
    pages = sorted((tmp_path / "after" / "runbooks").rglob("*.md"))
    assert pages and all(p.read_text().endswith("release two\n") for p in pages)
