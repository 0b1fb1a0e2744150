"""The output tree is never half-written, never wiped by surprise, never a crash: `-o`
naming a file or an unwritable place, files added by hand, what a killed build left
behind, and two builds writing one tree at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from monogen.output import write
from monogen.spec.errors import SpecErrors
from tests.conftest import MINIMAL_EXPERIMENT, invoke
from tests.test_validate import ALERTING


@pytest.fixture
def specs(write_spec) -> Path:
    write_spec(ALERTING, "routing.yaml")
    return write_spec(MINIMAL_EXPERIMENT)


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_output_naming_a_file_is_bad_input(specs: Path, tmp_path: Path) -> None:
    target = tmp_path / "generated"
    target.write_text("precious\n")
    result = invoke("build", str(specs), "-o", str(target))
    assert result.exit_code == 2
    assert "the output path is a file, not a directory" in result.stderr
    assert target.read_text() == "precious\n"


def test_an_unwritable_output_is_bad_input_not_a_crash(specs: Path) -> None:
    result = invoke("build", str(specs), "-o", "/proc/monogen-cannot-be-here/out")
    assert result.exit_code == 2, result.output
    assert "cannot write the output" in result.stderr and "nothing written" in result.stderr


def test_files_added_by_hand_are_listed_and_kept_unless_forced(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    (out / "NOTES.md").write_text("mine\n")
    (out / "prometheus" / "extra.yaml").write_text("groups: []\n")
    before = tree(out)
    refused = invoke("build", str(specs), "-o", str(out))
    assert refused.exit_code == 2
    assert (
        "2 file(s) in generated were not written by monogen: NOTES.md, prometheus/extra.yaml"
        in refused.stderr
    )
    assert "--force" in refused.stderr
    assert tree(out) == before
    forced = invoke("build", str(specs), "-o", str(out), "--force")
    assert forced.exit_code == 0
    assert not (out / "NOTES.md").exists() and not (out / "prometheus" / "extra.yaml").exists()
    # a file the previous build wrote and this one does not is not "added by hand"
    (specs / "routing.yaml").unlink()
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    assert not (out / "alertmanager").exists()


def test_what_a_killed_build_left_is_mentioned_then_cleaned_up(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    before = tree(out)
    # killed between moving the old tree aside and moving the new one in
    (tmp_path / ".generated.tmp-4242").mkdir()
    (tmp_path / ".generated.tmp-4242" / "half.yaml").write_text("gro")
    os.rename(out, tmp_path / ".generated.old-4242")
    check = invoke("build", str(specs), "-o", str(out), "--check")
    assert check.exit_code == 1
    assert check.stderr.count("left by an interrupted build") == 2
    rebuilt = invoke("build", str(specs), "-o", str(out))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "removed .generated.tmp-4242" in rebuilt.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "specs"]
    assert tree(out).keys() == before.keys()


def test_two_builds_into_one_tree_take_turns(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    command = [sys.executable, "-m", "monogen", "build", str(specs), "-o", str(out)]
    running = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in running]  # type: ignore[union-attr]
    for p in running:
        p.stderr.close()  # type: ignore[union-attr]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated", "specs"]
    assert invoke("build", str(specs), "-o", str(out), "--check").exit_code == 0


def test_a_build_that_cannot_get_the_lock_says_so(tmp_path: Path) -> None:
    held = write.lock_directory(tmp_path, tmp_path / "generated")
    try:
        with pytest.raises(SpecErrors, match="another monogen build has been writing generated"):
            write.lock_directory(tmp_path, tmp_path / "generated", wait=0.2)
    finally:
        os.close(held)
    os.close(write.lock_directory(tmp_path, tmp_path / "generated", wait=0.2))  # free again


def test_directories_a_build_did_not_leave_are_left_alone(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    mine = tmp_path / ".generated.old-before-upgrade"  # a user's copy, not a build's
    mine.mkdir()
    (mine / "precious.txt").write_text("keep\n")
    unmarked = tmp_path / ".generated.old-123"  # a build's name, but no marker inside
    unmarked.mkdir()
    (unmarked / "p.txt").write_text("x\n")
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    assert (mine / "precious.txt").read_text() == "keep\n"
    assert (unmarked / "p.txt").read_text() == "x\n"


def test_a_bare_marker_hands_a_directory_over_only_with_force(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes\n")
    (out / write.MARKER).write_text("")
    refused = invoke("build", str(specs), "-o", str(out))
    assert refused.exit_code == 2 and "notes.txt" in refused.stderr
    assert (out / "notes.txt").read_text() == "my notes\n"
    assert invoke("build", str(specs), "-o", str(out), "--force").exit_code == 0
    assert not (out / "notes.txt").exists()


SECRET = "CI_TOKEN=ghp_not_for_your_eyes"


@pytest.fixture
def planted(specs: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A built tree into which a commit planted links to a secret outside it: a file
    replaced by a link, a linked directory, and a link as the marker."""
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.env").write_text(SECRET + "\n")
    (outside / "token.yaml").write_text(SECRET + "\n")
    rules = out / "prometheus/rules/demo-ab.rules.yaml"
    rules.unlink()
    rules.symlink_to(outside / "secret.env")
    (out / "prometheus/linked").symlink_to(outside, target_is_directory=True)
    return specs, out


def test_check_never_follows_a_link_planted_in_the_tree(planted: tuple[Path, Path]) -> None:
    specs, out = planted
    result = invoke("build", str(specs), "-o", str(out), "--check")
    assert result.exit_code == 1, result.output
    assert SECRET not in result.output
    assert "-<a symbolic link: monogen does not follow it>" in result.output
    assert "token.yaml" not in result.output  # the linked directory was not entered


def test_diff_never_follows_a_link_planted_in_the_tree(
    planted: tuple[Path, Path], tmp_path: Path
) -> None:
    specs, out = planted
    for args in (("diff", str(out), "--specs", str(specs)), ("diff", str(out), str(out))):
        for fmt in ("text", "markdown", "json"):
            result = invoke(*args, "--format", fmt)
            assert result.exit_code in (0, 1), result.output
            assert SECRET not in result.output


def test_a_marker_planted_as_a_link_or_fifo_is_not_read(specs: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    assert invoke("build", str(specs), "-o", str(out)).exit_code == 0
    marker = next(p for p in out.iterdir() if p.name.startswith(".monogen"))
    marker.unlink()
    os.mkfifo(marker)  # reading it would block for ever
    result = invoke("build", str(specs), "-o", str(out), "--check")
    assert result.exit_code == 1, result.output
    assert "<not a regular file: monogen does not read it>" in result.output


def test_a_tree_read_lists_links_and_reads_only_regular_files(tmp_path: Path) -> None:
    from monogen.output.tree import LINK, SPECIAL, tree_bytes

    (tmp_path / "t/sub").mkdir(parents=True)
    (tmp_path / "t/sub/a.yaml").write_text("a\n")
    (tmp_path / "t/link.yaml").symlink_to(tmp_path / "t/sub/a.yaml")
    (tmp_path / "t/loop").symlink_to(tmp_path / "t", target_is_directory=True)
    os.mkfifo(tmp_path / "t/pipe")
    assert tree_bytes(tmp_path / "t") == {
        "link.yaml": LINK.encode(),
        "loop": LINK.encode(),
        "pipe": SPECIAL.encode(),
        "sub/a.yaml": b"a\n",
    }


def test_lint_of_a_directory_never_follows_a_link_in_it(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(
        f"groups: [{{name: g, rules: [{{record: '{SECRET}'}}]}}]\n"
    )
    tree = tmp_path / "rules"
    tree.mkdir()
    (tree / "ok.yaml").write_text("groups: []\n")
    (tree / "linked.yaml").symlink_to(outside / "secret.yaml")
    (tree / "dir").symlink_to(outside, target_is_directory=True)
    result = invoke("lint", str(tree), "--format", "json")
    assert SECRET not in result.output
    assert "linked.yaml" not in result.output and "secret.yaml" not in result.output
    # named on the command line, a link is the user's own choice and is read
    named = invoke("lint", str(tree / "linked.yaml"))
    assert "linked.yaml" in named.output


def test_lint_reads_no_template_file_that_is_a_device_fifo_or_link(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo.tmpl")
    (tmp_path / "linked.tmpl").symlink_to("/dev/zero")
    (tmp_path / "am.yaml").write_text(
        "route: {receiver: r}\nreceivers:\n  - name: r\n    webhook_configs: [{url: 'https://x.example.com/'}]\n"
        'templates: ["/dev/zero", "fifo.tmpl", "linked.tmpl"]\n'
    )
    done = subprocess.run(
        [sys.executable, "-m", "monogen", "lint", str(tmp_path / "am.yaml")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr


def test_a_webhook_url_with_a_token_is_never_quoted_by_lint(tmp_path: Path) -> None:
    token = "xei8usc4k3fbdbzk7fi3h6ttbe"
    (tmp_path / "am.yaml").write_text(
        "route: {receiver: r}\nreceivers:\n  - name: r\n"
        f'    webhook_configs: [{{url: "htp://chat.example.com/hooks/{token}"}}]\n'
    )
    for fmt in ("text", "json", "github", "sarif"):
        result = invoke("lint", str(tmp_path / "am.yaml"), "--format", fmt)
        assert result.exit_code == 1, result.output
        assert token[-6:] not in result.output, fmt
