"""A rebuild links the files it would write unchanged from the tree it replaces (creating
a file costs far more than a link), and the result cannot be told from a fresh write:
same bytes, same modes, no link into anything but the old tree's own files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from monogen.output import write

FILES = {
    "a/one.yaml": "one: 1\n",
    "a/two.yaml": "two: 2\n",
    "b/three.json": '{"three": 3}\n',
}


def write_tree(out: Path, files: dict[str, str], force: bool = False) -> None:
    """As a build writes: the marker listing the files, then the files."""
    write.write_tree(out, write.stamped(write.with_marker(files), "inputs"), force=force)


def fresh_mode() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def inode(path: Path) -> int:
    return os.lstat(path).st_ino


def test_unchanged_files_are_linked_and_changed_ones_written(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, FILES)
    before = {rel: inode(out / rel) for rel in FILES}
    assert before
    write_tree(out, {**FILES, "a/two.yaml": "two: 22\n", "c/new.yaml": "new: 1\n"})
    assert inode(out / "a/one.yaml") == before["a/one.yaml"]
    assert inode(out / "b/three.json") == before["b/three.json"]
    assert (out / "a/two.yaml").read_text() == "two: 22\n"
    assert (out / "c/new.yaml").read_text() == "new: 1\n"
    for rel in ("a/one.yaml", "a/two.yaml", "c/new.yaml"):
        info = os.lstat(out / rel)
        assert info.st_nlink == 1, rel  # the old tree is gone: no second name left
        assert info.st_mode & 0o777 == fresh_mode(), rel


def test_a_file_edited_by_hand_is_written_again(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, FILES)
    (out / "a/one.yaml").write_text("one: 9\n")  # same size, other bytes
    write_tree(out, FILES)
    assert (out / "a/one.yaml").read_text() == "one: 1\n"


def test_a_file_whose_mode_changed_is_written_afresh(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, FILES)
    (out / "a/one.yaml").chmod(0o600)
    write_tree(out, FILES)
    assert os.lstat(out / "a/one.yaml").st_mode & 0o777 == fresh_mode()


def test_a_file_with_another_name_elsewhere_is_not_linked(tmp_path: Path) -> None:
    """A generated file hard-linked from outside the tree: the new tree gets its own copy,
    so editing the new file can never reach the outside one."""
    out = tmp_path / "gen"
    write_tree(out, FILES)
    outside = tmp_path / "outside.yaml"
    os.link(out / "a/one.yaml", outside)
    write_tree(out, FILES)
    assert inode(out / "a/one.yaml") != inode(outside)
    assert outside.read_text() == "one: 1\n"


def test_a_symlinked_directory_in_the_old_tree_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, FILES)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "three.json").write_text('{"three": 3}\n')
    for child in (out / "b").iterdir():
        child.unlink()
    (out / "b").rmdir()
    (out / "b").symlink_to(elsewhere, target_is_directory=True)
    write_tree(out, FILES, force=True)
    assert not (out / "b").is_symlink()
    assert inode(out / "b/three.json") != inode(elsewhere / "three.json")
    assert os.lstat(elsewhere / "three.json").st_nlink == 1
    assert (out / "b/three.json").read_text() == '{"three": 3}\n'


def test_a_symlink_in_place_of_a_file_is_not_followed(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    write_tree(out, FILES)
    target = tmp_path / "target.yaml"
    target.write_text("one: 1\n")
    (out / "a/one.yaml").unlink()
    (out / "a/one.yaml").symlink_to(target)
    write_tree(out, FILES, force=True)
    assert not (out / "a/one.yaml").is_symlink()
    assert os.lstat(target).st_nlink == 1


def test_a_file_owned_by_someone_else_is_written_afresh(tmp_path: Path) -> None:
    """A tree another user built (a shared, group-writable checkout; a build under sudo):
    the new tree's files are this build's own, as written ones would be, not theirs."""
    out = tmp_path / "gen"
    write_tree(out, FILES)
    mine = os.lstat(out / "a/one.yaml")
    others = [g for g in os.getgroups() if g != mine.st_gid]
    if os.geteuid() == 0:
        os.chown(out / "a/one.yaml", 4321, 4321)
    elif others:
        os.chown(out / "a/one.yaml", -1, others[0])
    else:
        pytest.skip("no other owner to give a file to")
    write_tree(out, FILES)
    info = os.lstat(out / "a/one.yaml")
    assert (info.st_uid, info.st_gid) == (mine.st_uid, mine.st_gid)
    assert (out / "a/one.yaml").read_text() == "one: 1\n"


def test_an_edit_of_the_live_tree_during_a_rebuild_stays_out_of_the_new_one(
    tmp_path: Path,
) -> None:
    """Until the new tree replaces it, the old one is what everyone sees: a file edited in
    place there after it was linked must not carry the edit into the new tree."""
    out = tmp_path / "gen"
    write_tree(out, FILES)
    os.utime(out / "a/one.yaml", ns=(10**18, 10**18))  # written long before this build
    files = write.stamped(write.with_marker(FILES), "inputs")
    staged = write.StagedTree(out)
    staged.add(files)
    with open(out / "a/one.yaml", "r+") as live:  # an editor saving in place
        live.write("one: 9\n")
    staged.commit()
    assert (out / "a/one.yaml").read_text() == "one: 1\n"
    assert os.lstat(out / "a/one.yaml").st_nlink == 1
