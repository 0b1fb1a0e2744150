"""Positioned data straight from libyaml's event stream.

Composing PyYAML nodes and walking them cost three times as much as reading events (and
dominated `monogen lint` on large rule files). This builds plain data and the
line:column of every key and value in one pass over the events, with the loader's rules:
no duplicate keys, no deep nesting, and either no anchors, aliases, merge keys or custom
tags (specs) or aliases and merge keys followed within a budget (lenient, for lint)."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from monogen.spec.errors import Position, dotted, fail

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]
MAX_DEPTH = 32
MAX_NODES = 1_000_000
STR = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_MERGE = object()  # the pending key of a `<<:` entry


class Built:
    """One document: its data, and where each key and value was written."""

    def __init__(self) -> None:
        self.data: Any = None
        self.key_marks: dict[PathKey, tuple[int, int]] = {}
        self.value_marks: dict[PathKey, tuple[int, int]] = {}
        self.kind = ""


def documents(text: str, source: str, *, lenient: bool) -> list[Built]:
    return _Reader(source, lenient).read(text)


class _Frame:
    __slots__ = ("anchor", "container", "key", "merge_into", "path", "seen", "size")

    def __init__(self, container: Any, path: PathKey, merge_into: dict | None) -> None:
        self.container = container
        self.path = path
        self.key: Any = None  # for mappings: the key waiting for its value
        self.seen: dict[str, int] = {}
        self.merge_into = merge_into
        self.size = 1  # nodes in this subtree, for the alias budget
        self.anchor = ""


class _Reader:
    def __init__(self, source: str, lenient: bool) -> None:
        self.source = source
        self.lenient = lenient
        self.budget = MAX_NODES

    def pos(self, mark: Any) -> Position:
        return Position(self.source, mark.line + 1, mark.column + 1)

    def read(self, text: str) -> list[Built]:
        out: list[Built] = []
        anchors: dict[str, tuple[Any, int]] = {}
        stack: list[_Frame] = []
        doc = Built()
        for ev in yaml.parse(text, Loader=_Loader):
            kind = type(ev)
            if kind is ScalarEvent:
                self._anchor_or_tag(ev)
                value = self._scalar(ev)
                if stack and type(stack[-1].container) is dict and stack[-1].key is None:
                    self._key(stack[-1], ev, doc)
                    continue
                self._place(value, ev, stack, doc, 1)
                if ev.anchor:
                    anchors[ev.anchor] = (value, 1)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                self._anchor_or_tag(ev)
                if len(stack) >= MAX_DEPTH:
                    raise fail(self.pos(ev.start_mark), f"nesting deeper than {MAX_DEPTH} levels")
                if stack and type(stack[-1].container) is dict and stack[-1].key is None:
                    raise fail(self.pos(ev.start_mark), "mapping keys must be plain text")
                new: Any = {} if kind is MappingStartEvent else []
                merge_into = None
                if stack and stack[-1].key is _MERGE:
                    merge_into = stack[-1].container
                    stack[-1].key = None
                    path = stack[-1].path
                else:
                    path = self._place(new, ev, stack, doc, 0)
                frame = _Frame(new, path, merge_into)
                frame.anchor = ev.anchor or ""
                stack.append(frame)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if stack:
                    stack[-1].size += frame.size
                if frame.merge_into is not None:
                    self._merge(frame.merge_into, frame.container)
                if frame.anchor:
                    anchors[frame.anchor] = (frame.container, frame.size)
            elif kind is AliasEvent:
                if not self.lenient:
                    raise fail(
                        self.pos(ev.start_mark),
                        "YAML anchors and aliases are not allowed in specs",
                        hint="write the value out in full; aliases make specs hard to review",
                    )
                if ev.anchor not in anchors:
                    raise fail(self.pos(ev.start_mark), f"unknown alias {ev.anchor!r}")
                value, size = anchors[ev.anchor]
                self.budget -= size
                if self.budget < 0:
                    raise fail(
                        self.pos(ev.start_mark), f"aliases expand to more than {MAX_NODES} nodes"
                    )
                if stack and type(stack[-1].container) is dict and stack[-1].key is None:
                    raise fail(self.pos(ev.start_mark), "mapping keys must be plain text")
                if stack and stack[-1].key is _MERGE:
                    stack[-1].key = None
                    self._merge(stack[-1].container, value)
                else:
                    self._place(value, ev, stack, doc, size)
            elif kind is DocumentStartEvent:
                doc = Built()
                anchors = {}
            elif kind is DocumentEndEvent:
                out.append(doc)
        return out

    def _anchor_or_tag(self, ev: Any) -> None:
        if not self.lenient and getattr(ev, "anchor", None):
            raise fail(
                self.pos(ev.start_mark),
                "YAML anchors and aliases are not allowed in specs",
                hint="write the value out in full; aliases make specs hard to review",
            )
        tag = ev.tag
        if tag and tag != "!" and not tag.startswith("tag:yaml.org,2002:") and not self.lenient:
            raise fail(
                self.pos(ev.start_mark),
                f"custom YAML tag {tag!r} is not allowed",
                hint="remove the tag; specs use plain YAML values",
            )

    def _scalar(self, ev: ScalarEvent) -> Any:
        tag = ev.tag
        if tag is None or tag == "!":
            if not ev.implicit[0] or ev.style:  # libyaml reports plain as "", PyYAML as None
                return ev.value  # quoted or block: text
            tag = _resolver.resolve(yaml.ScalarNode, ev.value, (True, False))
        if tag == STR or not tag.startswith("tag:yaml.org,2002:"):
            return ev.value
        if tag == "tag:yaml.org,2002:merge":
            return _MERGE
        if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return ev.value  # the models decide what such text means
        try:
            return _constructor.construct_object(yaml.ScalarNode(tag, ev.value))
        except yaml.YAMLError as exc:
            raise fail(
                self.pos(ev.start_mark), f"invalid {tag.rsplit(':', 1)[-1]}: {exc}"
            ) from None

    def _key(self, frame: _Frame, ev: ScalarEvent, doc: Built) -> None:
        if ev.value == "<<" and not ev.style and ev.tag is None:
            if not self.lenient:
                raise fail(
                    self.pos(ev.start_mark),
                    "YAML merge keys (<<) are not allowed in specs",
                    hint="write the keys out in full",
                )
            frame.key = _MERGE
            return
        key = str(ev.value)
        line = ev.start_mark.line + 1
        if key in frame.seen:
            raise fail(
                self.pos(ev.start_mark),
                f"duplicate key {key!r}",
                path=dotted((*frame.path, key)),
                hint=f"the first {key!r} is on line {frame.seen[key]}; keep one of them",
            )
        frame.seen[key] = line
        frame.key = key
        doc.key_marks[(*frame.path, key)] = (line, ev.start_mark.column + 1)

    def _place(self, value: Any, ev: Any, stack: list[_Frame], doc: Built, size: int) -> PathKey:
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        if not stack:
            doc.data = value
            doc.value_marks[()] = mark
            doc.kind = (
                "a mapping"
                if type(value) is dict
                else ("a list" if type(value) is list else "a scalar")
            )
            return ()
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if type(container) is dict:
            path = (*frame.path, frame.key)
            container[frame.key] = value
            frame.key = None
        else:
            path = (*frame.path, len(container))
            container.append(value)
        doc.value_marks[path] = mark
        return path

    def _merge(self, target: dict, source: Any) -> None:
        for part in source if isinstance(source, list) else [source]:
            if isinstance(part, dict):
                for k, v in part.items():
                    target.setdefault(k, v)
