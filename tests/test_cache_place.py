"""The render cache is on by default in the platform's cache directory, and tidies itself:
entries unused for a month go, and the least recently used while it is over its size,
at most once a day."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monogen.output import cache_place
from monogen.output.cache_place import cache_dir, tidy

DAY = 86400.0


@pytest.mark.parametrize(
    ("env", "platform", "where"),
    [
        ({"HOME": "/home/u"}, "linux", "/home/u/.cache/monogen"),
        ({"HOME": "/home/u", "XDG_CACHE_HOME": "/var/cache/u"}, "linux", "/var/cache/u/monogen"),
        ({"HOME": "/home/u", "XDG_CACHE_HOME": "rel"}, "linux", "/home/u/.cache/monogen"),
        ({"HOME": "/Users/u"}, "darwin", "/Users/u/Library/Caches/monogen"),
        ({"LOCALAPPDATA": "C:/Users/u/AppData/Local"}, "win32", "C:/Users/u/AppData/Local/monogen"),
        ({"HOME": "/home/u", "MONOGEN_CACHE_DIR": "/ci/cache"}, "linux", "/ci/cache"),
        ({"HOME": "/home/u", "MONOGEN_CACHE": "off"}, "linux", None),
        ({"HOME": "/home/u", "MONOGEN_CACHE": "0", "MONOGEN_CACHE_DIR": "/c"}, "linux", None),
        ({}, "linux", None),  # no home: nowhere to keep it
        ({"HOME": "relative/home"}, "linux", None),
        ({}, "win32", None),
    ],
)
def test_where_the_cache_lives(env: dict[str, str], platform: str, where: str | None) -> None:
    assert cache_dir(env, platform) == (None if where is None else Path(where))


def entry(root: Path, name: str, size: int, used: float) -> Path:
    """A cache entry named as cache.py names them: 64 hex digits, in a folder of the
    first two; its first line the digest of the rest."""
    key = (name * 64)[:64]
    path = root / "renders" / key[:2] / f"{key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"0" * 64 + b"\n" + b"x" * (size - 65))
    os.utime(path, (used, used))
    return path


def test_only_files_named_and_made_as_entries_are_removed(tmp_path: Path) -> None:
    """MONOGEN_CACHE_DIR pointed at a folder of the user's: nothing of theirs goes."""
    now = 1_000 * DAY
    theirs = [tmp_path / "renders" / "2024" / "report.json", tmp_path / "texts" / "ab" / "x.json"]
    look_alike = tmp_path / "renders" / "cd" / ("cd" + "0" * 62 + ".json")
    for path in [*theirs, look_alike]:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"mine": true}\n')
        os.utime(path, (now - 400 * DAY, now - 400 * DAY))
    old = entry(tmp_path, "ef", 100, now - 400 * DAY)
    assert tidy(tmp_path, now) == [old]
    assert all(path.exists() for path in [*theirs, look_alike])


def test_entries_unused_for_a_month_are_removed(tmp_path: Path) -> None:
    now = 1_000 * DAY
    old = entry(tmp_path, "aa01", 100, now - 31 * DAY)
    recent = entry(tmp_path, "bb02", 100, now - 29 * DAY)
    assert tidy(tmp_path, now) == [old]
    assert recent.exists() and not old.exists()


def test_the_least_recently_used_go_while_over_the_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_place, "MAX_BYTES", 250)
    now = 1_000 * DAY
    paths = [entry(tmp_path, f"{i:02d}e", 100, now - (5 - i) * DAY) for i in range(4)]
    assert len({p.name for p in paths}) == 4
    assert tidy(tmp_path, now) == paths[:2]  # 400 bytes: the two oldest go, 200 stay
    assert [p.exists() for p in paths] == [False, False, True, True]


def test_tidying_happens_at_most_once_a_day(tmp_path: Path) -> None:
    now = 1_000 * DAY
    tidy(tmp_path, now)
    old = entry(tmp_path, "cc03", 100, now - 40 * DAY)
    assert tidy(tmp_path, now + DAY - 1) == []
    assert old.exists()
    assert tidy(tmp_path, now + DAY) == [old]


def test_a_cache_that_cannot_be_written_is_left_alone(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    assert tidy(blocked / "cache", 1_000 * DAY) == []


def test_a_build_keeps_its_renders_in_the_users_cache_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write_spec
) -> None:
    from tests.conftest import MINIMAL_EXPERIMENT, invoke

    monkeypatch.delenv("MONOGEN_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    specs = write_spec(MINIMAL_EXPERIMENT)
    assert invoke("build", str(specs), "-o", str(tmp_path / "out")).exit_code == 0
    renders = list((tmp_path / "xdg" / "monogen" / "renders").glob("*/*.json"))
    assert len(renders) == 1
    assert (tmp_path / "xdg" / "monogen" / "last-tidied").exists()
    assert invoke("build", str(specs), "-o", str(tmp_path / "out2"), "--no-cache").exit_code == 0
    assert list((tmp_path / "xdg" / "monogen" / "renders").glob("*/*.json")) == renders


def test_a_killed_builds_half_written_entry_goes_after_a_day(tmp_path: Path) -> None:
    now = 1_000 * DAY
    key = "ab" * 32
    stale, fresh = (tmp_path / "renders" / "ab" / f".{key}.{pid}.tmp" for pid in (11, 12))
    stale.parent.mkdir(parents=True)
    for path, age in ((stale, 2 * DAY), (fresh, 60.0)):  # a build may be writing this one
        path.write_text("half")
        os.utime(path, (now - age, now - age))
    tidy(tmp_path, now)
    assert not stale.exists() and fresh.exists()
