"""The loader: positions for every node, and refusal of what specs never need."""

from __future__ import annotations

from pathlib import Path

import pytest

from monogen.spec import loader
from monogen.spec.errors import SpecErrors
from monogen.spec.loader import load_paths, load_text


def errors_of(text: str) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        load_text(text, "s.yaml")
    return [e.render() for e in caught.value.errors]


def test_positions_of_keys_and_values() -> None:
    (doc,) = load_text("a: 1\nb:\n  - x\n  - {c: 2}\n", "s.yaml")
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert str(doc.where(("b", 1, "c"))) == "s.yaml:4:9"
    assert str(doc.where(("b", 1, "c"), key=True)) == "s.yaml:4:6"
    assert str(doc.where(("b", 0))) == "s.yaml:3:5"
    # an absent path falls back to its nearest ancestor
    assert str(doc.where(("b", 1, "missing"))) == "s.yaml:4:5"


def test_several_documents_and_empty_ones_skipped() -> None:
    docs = load_text("a: 1\n---\n---\nb: 2\n", "s.yaml")
    assert [d.data for d in docs] == [{"a": 1}, {"b": 2}]
    assert [d.index for d in docs] == [0, 2]


def test_malformed_yaml_is_positioned() -> None:
    (message,) = errors_of("a: 1\nb: [1, 2\nc: 3\n")
    assert message.startswith("s.yaml:3:2: error: invalid YAML")
    assert "hint:" in message


def test_duplicate_key_names_both_lines() -> None:
    (message,) = errors_of("spec:\n  x: 1\n  y: 2\n  x: 3\n")
    assert message.startswith("s.yaml:4:3: error: duplicate key 'x' (at spec.x)")
    assert "first 'x' is on line 2" in message


def test_aliases_are_refused_so_alias_bombs_cost_nothing() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    (message,) = errors_of(bomb)
    assert "anchors and aliases are not allowed" in message


def test_merge_keys_and_custom_tags_are_refused() -> None:
    assert "merge keys" in errors_of("a: {x: 1}\nb:\n  <<: {x: 1}\n")[0]
    assert "custom YAML tag '!python/object'" in errors_of("a: !python/object {}\n")[0]


def test_document_must_be_a_mapping() -> None:
    (message,) = errors_of("- a\n- b\n")
    assert "s.yaml:1:1: error: a spec document must be a mapping, got a list" in message


def test_keys_are_text_even_when_yaml_would_read_booleans() -> None:
    (doc,) = load_text("on: yes\n1: x\n", "s.yaml")
    assert doc.data == {"on": True, "1": "x"}


def test_too_deep_nesting_is_refused() -> None:
    text = "a: " + "[" * 40 + "]" * 40 + "\n"
    assert "nesting deeper" in errors_of(text)[0]


def test_oversized_file_is_refused_before_parsing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 200 + "\n")
    with pytest.raises(SpecErrors) as caught:
        load_paths([big])
    assert "limited to 100 bytes" in caught.value.errors[0].render()


def test_non_utf8_file_says_where(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(
        "a: 1\nb: caf\u00e9 \xff\n".encode("latin-1").replace(b"\xe9", "\u00e9".encode())
    )
    with pytest.raises(SpecErrors) as caught:
        load_paths([bad])
    # line 2, after "b: café " (8 characters; é is two bytes)
    assert (
        caught.value.errors[0]
        .render()
        .startswith(f"{bad}:2:9: error: not UTF-8 text: byte 0xff at offset 14")
    )


@pytest.mark.parametrize("text", ["a:\n\tb: 1\n", "a:\n  b:\n  \tc: 1\n", "a:\n\t- 1\n"])
def test_a_tab_in_indentation_says_so(text: str) -> None:
    with pytest.raises(SpecErrors) as caught:
        load_text(text, "tab.yaml")
    rendered = caught.value.errors[0].render()
    assert "a tab character where YAML expects spaces" in rendered, rendered
    assert "replace the tab with spaces" in rendered


def test_huge_numbers_are_shortened_in_messages() -> None:
    from monogen.spec.secrets import shown

    assert shown(10**60) == "1e+60 (a 61-digit number)"
    assert shown(123) == "123"
    assert len(shown("x" * 500)) < 80 and "(502 characters)" in shown("x" * 500)


def test_directory_is_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    for rel in ("b/2.yaml", "a.yml", "b/1.yaml", ".hidden/x.yaml", "notes.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"f: {rel}\n")
    docs = load_paths([tmp_path])
    assert [d.data["f"] for d in docs] == ["a.yml", "b/1.yaml", "b/2.yaml"]
    assert docs[1].display == f"{tmp_path.name}/b/1.yaml"


def test_empty_directory_and_missing_path(tmp_path: Path) -> None:
    with pytest.raises(SpecErrors) as caught:
        load_paths([tmp_path])
    assert "no spec files found" in caught.value.errors[0].render()
    with pytest.raises(SpecErrors) as caught:
        load_paths([tmp_path / "nope"])
    assert "no such file or directory" in caught.value.errors[0].render()


def test_lenient_mode_follows_aliases_and_merge_keys() -> None:
    text = "base: &b {a: 1, b: 2}\nuse:\n  <<: *b\n  b: 3\nlist: [*b]\n"
    (doc,) = load_text(text, "l.yaml", lenient=True)
    assert doc.data["use"] == {"a": 1, "b": 3}
    assert doc.data["list"] == [{"a": 1, "b": 2}]
    assert str(doc.where(("use", "b"))) == "l.yaml:4:6"


def test_lenient_mode_still_bounds_alias_expansion(monkeypatch: pytest.MonkeyPatch) -> None:
    from monogen.spec import events

    monkeypatch.setattr(events, "MAX_NODES", 1000)
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 6)
    )
    with pytest.raises(SpecErrors) as caught:
        load_text(bomb, "b.yaml", lenient=True)
    assert "aliases expand to more than 1000 nodes" in caught.value.errors[0].render()


def test_quoted_scalars_stay_text_and_plain_ones_are_typed() -> None:
    (doc,) = load_text('a: "1"\nb: 1\nc: 1.5\nd: true\ne: ~\nf: 2024-01-01\n', "t.yaml")
    assert doc.data == {"a": "1", "b": 1, "c": 1.5, "d": True, "e": None, "f": "2024-01-01"}


def _errors_for(paths: list[Path]) -> list[str]:
    with pytest.raises(SpecErrors) as caught:
        load_paths(paths)
    return [e.render() for e in caught.value.errors]


def test_a_json_spec_in_a_directory_is_read(tmp_path: Path) -> None:
    import json

    (tmp_path / "exp.json").write_text(json.dumps({"apiVersion": "monogen/v1", "kind": "X"}))
    (tmp_path / "b.yaml").write_text("apiVersion: monogen/v1\nkind: Y\n")
    docs = load_paths([tmp_path])
    assert [d.data["kind"] for d in docs] == ["Y", "X"]  # b.yaml sorts before exp.json


def test_the_editor_schema_beside_the_specs_is_not_a_spec(tmp_path: Path) -> None:
    (tmp_path / "monogen.schema.json").write_text('{"$schema": "https://json-schema.org"}')
    (tmp_path / "a.yaml").write_text("apiVersion: monogen/v1\nkind: Y\n")
    assert [d.data["kind"] for d in load_paths([tmp_path])] == ["Y"]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n---\n"])
def test_a_spec_file_without_documents_is_an_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: monogen/v1\nkind: Y\n")
    (tmp_path / "empty.yaml").write_text(text)
    (message,) = _errors_for([tmp_path])
    assert "empty.yaml: error: no spec document in this file" in message


def test_a_broken_link_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: monogen/v1\nkind: Y\n")
    (tmp_path / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (message,) = _errors_for([tmp_path])
    assert "gone.yaml: error: cannot read: a broken symbolic link" in message


def test_a_fifo_is_refused_without_reading_it(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.yaml")  # reading it would block forever
    (message,) = _errors_for([tmp_path])
    assert "pipe.yaml: error: not a regular file" in message


def test_a_device_named_as_specs_is_called_what_it_is() -> None:
    with pytest.raises(SpecErrors) as caught:
        load_paths([Path("/dev/zero")])
    assert "not a regular file or directory" in caught.value.errors[0].render()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: !!int abc\n", "s.yaml:1:4: error: !!int on 'abc', which is no int"),
        ("a: !!float xyz\n", "s.yaml:1:4: error: !!float on 'xyz', which is no float"),
        ("a: !!bool maybe\n", "s.yaml:1:4: error: !!bool on 'maybe', which is no bool"),
        ("a:\n  - " + "9" * 5000 + "\n", "s.yaml:2:5: error: a number of 5,000 characters"),
        ("a: !!int " + "1" * 4400 + "\n", "s.yaml:1:4: error: a number of 4,400 characters"),
    ],
)
def test_a_value_yaml_cannot_construct_is_positioned_not_a_crash(text: str, message: str) -> None:
    (said,) = errors_of(text)
    assert said.startswith(message), said


def test_long_quoted_digits_stay_text() -> None:
    (doc,) = load_text('a: "' + "9" * 5000 + '"\n', "s.yaml")
    assert doc.data == {"a": "9" * 5000}
