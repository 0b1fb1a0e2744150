"""`build --watch` keeps the folders of the tree each build replaces (hollowed: no file,
no link) and stages its next build in them: creating every folder again cost more than
linking every unchanged file. The tree written is exactly a fresh one, whatever was put
in the spare meanwhile, and nothing is ever written through it elsewhere."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from monogen.output import write

ONE = {"a/x/one.yaml": "one: 1\n", "a/two.yaml": "two: 2\n", "b/three.json": "{}\n"}
TWO = {"a/x/one.yaml": "one: 11\n", "c/y/four.md": "four\n", "a/two.yaml": "two: 2\n"}


def build(out: Path, files: dict[str, str], spare: Path | None) -> Path | None:
    staged = write.StagedTree(out, spare=spare)
    staged.add(write.stamped(write.with_marker(files), "inputs"))
    return staged.commit(keep=True)


def tree(root: Path) -> dict[str, str]:
    found = {}
    for top, dirs, files in os.walk(root):
        for name in files:
            path = Path(top, name)
            found[str(path.relative_to(root))] = path.read_text()
        for name in dirs:
            found[str(Path(top, name).relative_to(root)) + "/"] = ""
    return found


def folders_and_files(root: Path) -> tuple[list[str], list[str]]:
    entries = [
        (Path(top, n), n in files) for top, dirs, files in os.walk(root) for n in dirs + files
    ]
    return (
        sorted(str(p.relative_to(root)) for p, is_file in entries if not is_file),
        sorted(str(p.relative_to(root)) for p, is_file in entries if is_file),
    )


def test_the_spare_is_the_replaced_trees_folders_without_a_file(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert build(out, ONE, None) is None  # nothing replaced: nothing to keep
    spare = build(out, ONE, None)
    assert spare == tmp_path / f".gen.spare-{os.getpid()}"
    assert folders_and_files(spare) == (["a", "a/x", "b"], [])


def test_a_build_in_the_spare_writes_exactly_the_fresh_tree(tmp_path: Path) -> None:
    out, fresh = tmp_path / "gen", tmp_path / "fresh"
    spare = None
    for files in (ONE, TWO, ONE, TWO):
        spare = build(out, files, spare)
        write.write_tree(fresh, write.stamped(write.with_marker(files), "inputs"), force=True)
        assert tree(out) == tree(fresh)  # b/ and c/y/ come and go with their files
    assert spare is not None and folders_and_files(spare)[1] == []


def test_the_folders_are_taken_not_made_again(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    spare = build(out, ONE, None)
    first = os.lstat(out / "a" / "x").st_ino
    spare = build(out, ONE, spare)  # the first tree's folders are now the spare
    assert spare is not None and os.lstat(spare / "a" / "x").st_ino == first
    build(out, ONE, spare)
    assert os.lstat(out / "a" / "x").st_ino == first


def test_what_is_put_in_the_spare_is_removed_and_a_link_never_followed(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "gen", tmp_path / "elsewhere"
    elsewhere.mkdir()
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None
    os.rmdir(spare / "a" / "x")
    (spare / "a" / "x").symlink_to(elsewhere)  # the folder one.yaml goes in: a link
    (spare / "b" / "planted.yaml").write_text("planted: 1\n")
    (spare / "c").write_text("a file where a folder will be\n")
    build(out, TWO, spare)
    assert list(elsewhere.iterdir()) == []
    assert tree(out)["a/x/one.yaml"] == "one: 11\n"
    assert not (out / "a" / "x").is_symlink() and "b/planted.yaml" not in tree(out)
    assert (out / "c" / "y" / "four.md").read_text() == "four\n"


def test_a_stopped_watchs_spare_is_removed_by_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None and spare.exists()
    staged = write.StagedTree(out)  # another process's build: not its spare
    assert staged.recovered == [spare.name]
    staged.discard()
    assert not spare.exists()


def test_a_folder_not_as_a_new_one_is_not_taken(tmp_path: Path) -> None:
    """A folder chmod-ed (or made by someone else) would carry its permissions into every
    other tree: such a spare is not taken, and the tree's folders are new ones."""
    out = tmp_path / "gen"
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None
    (tmp_path / "probe").mkdir()
    fresh = (tmp_path / "probe").stat().st_mode
    (spare / "a").chmod(0o777)
    build(out, ONE, spare)
    assert (out / "a").stat().st_mode == fresh
    assert (out / "a" / "x").stat().st_mode == fresh


def test_a_folder_of_the_spare_where_a_file_goes_is_replaced_by_the_file(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None
    (spare / "a" / "two.yaml" / "deeper").mkdir(parents=True)  # folders only: kept by hollow
    build(out, ONE, spare)
    assert (out / "a" / "two.yaml").read_text() == "two: 2\n"


def test_a_spare_that_cannot_be_moved_is_left_for_a_new_staging(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "gen"
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None
    real = os.rename

    def across(src: object, dst: object) -> None:
        if str(src) == str(spare):
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real(src, dst)

    monkeypatch.setattr(os, "rename", across)
    again = build(out, TWO, spare)  # staged afresh; the spare it could not take removed
    monkeypatch.undo()
    fresh = tmp_path / "fresh"
    write.write_tree(fresh, write.stamped(write.with_marker(TWO), "inputs"))
    assert tree(out) == tree(fresh)
    assert again == spare and folders_and_files(spare) == (["a", "a/x", "b"], [])  # ONE's


def test_a_spare_holding_a_file_is_not_the_builds_to_remove(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    build(out, ONE, None)
    spare = build(out, ONE, None)
    assert spare is not None
    (spare / "a" / "someone's.txt").write_text("not monogen's\n")
    staged = write.StagedTree(out)
    assert staged.recovered == []
    staged.discard()
    assert (spare / "a" / "someone's.txt").exists()
