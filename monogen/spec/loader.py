"""YAML → plain data, with the file:line:column of every key and value.

The loader knows nothing of spec kinds or targets. It refuses what a spec never needs and
an attacker could abuse: anchors and aliases (alias bombs), custom tags, duplicate keys,
non-scalar keys, deep nesting and oversized files.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monogen.spec import events
from monogen.spec.errors import Position, SpecError, SpecErrors, fail

MAX_FILE_BYTES = 4 * 1024 * 1024
SPEC_SUFFIXES = (".yaml", ".yml", ".json")  # JSON is YAML

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML document of a spec file, its data and where each part of it was written."""

    source: str  # the path to show the user, as given on the command line
    display: str  # the machine-independent path stamped into generated headers
    index: int  # which document of the file, from 0
    data: dict[str, Any]
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    value_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def digest(self) -> str:
        """Everything read of the document downstream: its place, data and positions.
        Computed once: nothing changes a document after it is read (validation, the
        render cache and the watch each ask for it)."""
        found = self.__dict__.get("_digest")
        if found is None:
            what = [self.source, self.display, self.index, self.data]
            digest = hashlib.sha256(json.dumps(what, default=repr, ensure_ascii=False).encode())
            for marks in (self.key_marks, self.value_marks):
                digest.update(b"\0" + repr(sorted(marks.items(), key=repr)).encode())
            found = self.__dict__["_digest"] = digest.hexdigest()
        return found

    def where(self, path: PathKey, *, key: bool = False) -> Position:
        """Position of the value (or key) at `path`, else of its nearest written ancestor."""
        marks = self.key_marks if key else self.value_marks
        probe = tuple(path)
        while probe:
            if probe in marks:
                return Position(self.source, *marks[probe])
            if not key and probe in self.key_marks:
                return Position(self.source, *self.key_marks[probe])
            probe = probe[:-1]
        return Position(self.source, *self.value_marks.get((), (1, 1)))


def discover(root: Path) -> list[Path]:
    """Spec files under `root` (or `root` itself), recursively, in a stable sorted order."""
    if root.is_file():
        return [root]
    if not root.is_dir():
        raise fail(
            Position(str(root)),
            "not a regular file or directory (a FIFO, socket or device)"
            if root.exists()
            else "no such file or directory",
            hint="pass a spec file or a directory of *.yaml specs",
        )
    found = [
        p
        for p in root.rglob("*")
        if p.suffix in SPEC_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and not p.is_dir()
    ]
    # a broken link, a FIFO or a device is reported by load_file, never skipped in silence
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def display_path(root: Path, path: Path) -> str:
    """A path that does not depend on where the repository is checked out."""
    if root.is_file():
        return root.name
    return (Path(root.resolve().name) / path.relative_to(root)).as_posix()


def load_paths(
    roots: list[Path], parsed: MutableMapping[str, list[Document]] | None = None
) -> list[Document]:
    """Load every spec document under the given roots; raise SpecErrors with all problems.
    `parsed` keeps each file's documents by its bytes (build --watch reads every file
    again, and parses only those that changed)."""
    documents: list[Document] = []
    errors: list[SpecError] = []
    for root in roots:
        files = discover(root)
        if not files:
            errors.append(
                SpecError(
                    Position(str(root)),
                    "no spec files found",
                    hint="spec files end in .yaml or .yml; hidden files and folders are skipped",
                )
            )
        for path in files:
            try:
                found = load_file(path, display_path(root, path), parsed)
            except SpecErrors as exc:
                errors.extend(exc.errors)
                continue
            if path.suffix == ".json" and root.is_dir():
                # the editor schema README suggests keeping beside the specs
                found = [d for d in found if "$schema" not in d.data]
                if not found:
                    continue
            if not found:
                errors.append(
                    SpecError(
                        Position(str(path)),
                        "no spec document in this file",
                        hint="a spec starts with `apiVersion: monogen/v1` and `kind: ...`; "
                        "delete the file if it is not meant to hold one",
                    )
                )
            documents.extend(found)
    if errors:
        raise SpecErrors(errors)
    return documents


def load_file(
    path: Path,
    display: str | None = None,
    parsed: MutableMapping[str, list[Document]] | None = None,
) -> list[Document]:
    source = str(path)
    try:
        mode = path.stat().st_mode
        size = path.stat().st_size
    except OSError as exc:
        what = "a broken symbolic link" if path.is_symlink() else exc.strerror
        raise fail(Position(source), f"cannot read: {what}") from None
    if not stat.S_ISREG(mode):
        raise fail(
            Position(source),
            "not a regular file (a FIFO, socket or device)",
            hint="specs are plain files",
        )
    if size > MAX_FILE_BYTES:
        raise fail(
            Position(source),
            f"file is {size} bytes; specs are limited to {MAX_FILE_BYTES} bytes",
            hint="split the specs into several files, one or a few experiments each",
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = exc.object[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", errors="replace")) + 1
        raise fail(
            Position(source, line, column),
            f"not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        raise fail(Position(source), f"cannot read: {exc.strerror}") from None
    if parsed is None:
        return load_text(text, source, display or source)
    key = f"{source}\0{display or source}\0{hashlib.sha256(raw).hexdigest()}"
    if key not in parsed:
        parsed[key] = load_text(text, source, display or source)  # raises on an error: not kept
    return parsed[key]


def _tab_at(text: str, line: int, column: int) -> bool:
    """Is there a tab at the error, or in the indentation of its line?"""
    lines = text.splitlines()
    if line >= len(lines):
        return False
    row = lines[line]
    indent = row[: len(row) - len(row.lstrip(" \t"))]
    return "\t" in indent or row[column : column + 1] == "\t"


def load_text(
    text: str, source: str, display: str | None = None, *, lenient: bool = False
) -> list[Document]:
    """Parse YAML text into positioned documents (empty documents are skipped).

    `lenient` is for files people write by hand for other tools (linted, not compiled):
    aliases and merge keys are followed, within a budget of nodes, and a document may be
    any value."""
    documents: list[Document] = []
    try:
        built = events.documents(text, source, lenient=lenient)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        hint = "check indentation, colons and quoting near this position"
        if mark and _tab_at(text, mark.line, mark.column):
            problem, context = "a tab character where YAML expects spaces", ""
            hint = "YAML indents with spaces only: replace the tab with spaces"
        raise fail(
            Position(source, line, col), f"invalid YAML: {problem}{context}", hint=hint
        ) from None
    except yaml.YAMLError as exc:
        raise fail(Position(source), f"invalid YAML: {exc}") from None
    for index, one in enumerate(built):
        if one.data is None:
            continue  # an empty document, e.g. a trailing `---`
        doc = Document(source, display or source, index, one.data, one.key_marks, one.value_marks)
        if not lenient and not isinstance(one.data, dict):
            raise fail(
                doc.where(()),
                f"a spec document must be a mapping, got {one.kind}",
                hint="start the document with `apiVersion: monogen/v1` and `kind: ...`",
            )
        documents.append(doc)
    return documents
