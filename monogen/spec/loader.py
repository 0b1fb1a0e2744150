"""YAML → plain data, with the file:line:column of every key and value.

The loader knows nothing of spec kinds or targets. It refuses what a spec never needs and
an attacker could abuse: anchors and aliases (alias bombs), custom tags, duplicate keys,
non-scalar keys, deep nesting and oversized files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from monogen.spec.errors import Position, SpecError, SpecErrors, fail

try:  # libyaml is several times faster; the pure-Python loader gives identical nodes.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32
SPEC_SUFFIXES = (".yaml", ".yml")

PathKey = tuple[str | int, ...]

_SCALAR_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
}
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_constructor = yaml.constructor.SafeConstructor()


@dataclass
class Document:
    """One YAML document of a spec file, its data and where each part of it was written."""

    source: str  # the path to show the user, as given on the command line
    display: str  # the machine-independent path stamped into generated headers
    index: int  # which document of the file, from 0
    data: dict[str, Any]
    key_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    value_marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

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
            "no such file or directory",
            hint="pass a spec file or a directory of *.yaml specs",
        )
    found = [
        p
        for p in root.rglob("*")
        if p.suffix in SPEC_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def display_path(root: Path, path: Path) -> str:
    """A path that does not depend on where the repository is checked out."""
    if root.is_file():
        return root.name
    return (Path(root.resolve().name) / path.relative_to(root)).as_posix()


def load_paths(roots: list[Path]) -> list[Document]:
    """Load every spec document under the given roots; raise SpecErrors with all problems."""
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
                documents.extend(load_file(path, display_path(root, path)))
            except SpecErrors as exc:
                errors.extend(exc.errors)
    if errors:
        raise SpecErrors(errors)
    return documents


def load_file(path: Path, display: str | None = None) -> list[Document]:
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise fail(Position(source), f"cannot read: {exc.strerror}") from None
    if size > MAX_FILE_BYTES:
        raise fail(
            Position(source),
            f"file is {size} bytes; specs are limited to {MAX_FILE_BYTES} bytes",
            hint="split the specs into several files, one or a few experiments each",
        )
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise fail(
            Position(source), f"not UTF-8 text (byte {exc.start})", hint="save as UTF-8"
        ) from None
    except OSError as exc:
        raise fail(Position(source), f"cannot read: {exc.strerror}") from None
    return load_text(text, source, display or source)


def load_text(
    text: str, source: str, display: str | None = None, *, lenient: bool = False
) -> list[Document]:
    """Parse YAML text into positioned documents (empty documents are skipped).

    `lenient` is for files people write by hand for other tools (linted, not compiled):
    aliases and merge keys are followed, within a budget of nodes, and a document may be
    any value."""
    documents: list[Document] = []
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or "invalid YAML"
        context = f" {exc.context}" if exc.context else ""
        raise fail(
            Position(source, line, col),
            f"invalid YAML: {problem}{context}",
            hint="check indentation, colons and quoting near this position",
        ) from None
    except yaml.YAMLError as exc:
        raise fail(Position(source), f"invalid YAML: {exc}") from None
    for index, node in enumerate(nodes):
        if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
            continue  # an empty document, e.g. a trailing `---`
        doc = Document(source, display or source, index, {})
        data = _Builder(doc, lenient=lenient).build(node, (), 0)
        if lenient:
            doc.data = data
            documents.append(doc)
            continue
        if not isinstance(data, dict):
            raise fail(
                doc.where(()),
                f"a spec document must be a mapping, got {_kind_of(node)}",
                hint="start the document with `apiVersion: monogen/v1` and `kind: ...`",
            )
        doc.data = data
        documents.append(doc)
    return documents


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a scalar"


MAX_NODES = 1_000_000  # lenient mode: how many nodes aliases may expand to


class _Builder:
    def __init__(self, doc: Document, *, lenient: bool = False) -> None:
        self.doc = doc
        self.lenient = lenient
        self.budget = MAX_NODES
        # Every node object met so far: an alias makes the composer hand out one twice.
        self.seen: set[int] = set()

    def _pos(self, node: yaml.Node) -> Position:
        return Position(self.doc.source, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        if self.lenient:
            self.budget -= 1
            if self.budget < 0:
                raise fail(self._pos(node), f"aliases expand to more than {MAX_NODES} nodes")
        elif id(node) in self.seen:
            raise fail(
                self._pos(node),
                "YAML anchors and aliases are not allowed in specs",
                hint="write the value out in full; aliases make specs hard to review",
            )
        if depth > MAX_DEPTH:
            raise fail(self._pos(node), f"nesting deeper than {MAX_DEPTH} levels")
        self.doc.value_marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in (_MAP_TAG, _SEQ_TAG):
            raise fail(
                self._pos(node),
                f"custom YAML tag {node.tag!r} is not allowed",
                hint="remove the tag; specs use plain YAML values",
            )
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        raise fail(self._pos(node), "unsupported YAML node")  # pragma: no cover

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag in _SCALAR_TAGS:
            return _constructor.construct_object(node)
        if node.tag == "tag:yaml.org,2002:str" or node.tag.startswith("tag:yaml.org,2002:"):
            # Timestamps and the like stay text: the spec models decide what they mean.
            return node.value
        raise fail(
            self._pos(node),
            f"custom YAML tag {node.tag!r} is not allowed",
            hint="remove the tag; specs use plain YAML values",
        )

    def _mapping(self, node: yaml.MappingNode, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge" and self.lenient:
                merged = self.build(value_node, (*path, "<<"), depth + 1)
                for part in merged if isinstance(merged, list) else [merged]:
                    if isinstance(part, dict):
                        for k, v in part.items():
                            result.setdefault(k, v)
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise fail(
                    self._pos(key_node),
                    "YAML merge keys (<<) are not allowed in specs",
                    hint="write the keys out in full",
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise fail(self._pos(key_node), "mapping keys must be plain text")
            key = str(key_node.value)
            if key in first_seen:
                raise fail(
                    self._pos(key_node),
                    f"duplicate key {key!r}",
                    path=dotted((*path, key)),
                    hint=f"the first {key!r} is on line {first_seen[key]}; keep one of them",
                )
            first_seen[key] = key_node.start_mark.line + 1
            child = (*path, key)
            self.doc.key_marks[child] = (
                key_node.start_mark.line + 1,
                key_node.start_mark.column + 1,
            )
            result[key] = self.build(value_node, child, depth + 1)
        return result


def dotted(path: PathKey) -> str:
    """`spec.variants[0].name` from ('spec', 'variants', 0, 'name')."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
