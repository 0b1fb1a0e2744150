"""Positioned data straight from libyaml's event stream.

Composing PyYAML nodes and walking them cost three times as much as reading events (and
dominated `monogen lint` on large rule files). This builds plain data and the
line:column of every key and value in one pass over the events, with the loader's rules:
no duplicate keys, no deep nesting, and either no anchors, aliases, merge keys or custom
tags (specs) or aliases and merge keys followed within a budget (lenient, for lint)."""

from __future__ import annotations

import gc
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
MAX_NUMBER_CHARS = 100  # more is a mistake (or an attack): no spec number needs it
_resolver = yaml.resolver.Resolver()
_constructor = yaml.constructor.SafeConstructor()
_MERGE = object()  # the pending key of a `<<:` entry
# First characters of plain scalars the resolver may read as something other than text.
_MAYBE_TYPED = frozenset(_resolver.yaml_implicit_resolvers)


class Built:
    """One document: its data, and where each key and value was written."""

    def __init__(self) -> None:
        self.data: Any = None
        self.key_marks: dict[PathKey, tuple[int, int]] = {}
        self.value_marks: dict[PathKey, tuple[int, int]] = {}
        self.kind = ""


def documents(text: str, source: str, *, lenient: bool) -> list[Built]:
    # What the reader builds is trees of dicts and lists, never cycles: the cyclic
    # collector, run again and again while ~100,000 containers appear, would find nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Reader(source, lenient).read(text)
    finally:
        if collecting:
            gc.enable()


class _Frame:
    __slots__ = ("anchor", "container", "key", "mark", "merge_into", "path", "seen", "size")

    def __init__(self, container: Any, path: PathKey, merge_into: dict | None) -> None:
        self.container = container
        self.path = path
        self.key: Any = None  # for mappings: the path of the key waiting for its value
        self.seen: dict[str, int] = {}
        self.merge_into = merge_into
        self.mark: Any = None  # where a merged mapping starts, for errors
        self.size = 1  # nodes in this subtree, for the alias budget
        self.anchor = ""


class _Reader:
    def __init__(self, source: str, lenient: bool) -> None:
        self.source = source
        self.lenient = lenient
        self.budget = MAX_NODES
        self.plain_values: dict[str, Any] = {}  # plain scalars repeat ("5m", "warning", "true")

    def pos(self, mark: Any) -> Position:
        return Position(self.source, mark.line + 1, mark.column + 1)

    def read(self, text: str) -> list[Built]:
        # One tight loop: this runs once per YAML event (140,000 for a 10,000-rule file),
        # so the common cases (plain keys, plain scalars, block collections) are inlined.
        out: list[Built] = []
        anchors: dict[str, tuple[Any, int]] = {}
        stack: list[_Frame] = []
        doc = Built()
        key_marks = doc.key_marks
        value_marks = doc.value_marks
        plain = self._plain
        parser = _Loader(text)
        try:
            events = iter(parser.get_event, None)
            for ev in events:
                kind = type(ev)
                frame = stack[-1] if stack else None
                if kind is ScalarEvent:
                    if ev.anchor is not None or ev.tag is not None:
                        self._anchor_or_tag(ev)
                    if frame is not None and frame.key is None and type(frame.container) is dict:
                        key = ev.value
                        seen = frame.seen
                        if ev.tag is not None or key == "<<" or key in seen:
                            self._key(frame, ev, key_marks)  # the rare cases, and errors
                            continue
                        mark = ev.start_mark
                        line = mark.line + 1
                        seen[key] = line
                        path = (*frame.path, key)
                        key_marks[path] = (line, mark.column + 1)
                        frame.key = path
                        continue
                    if ev.tag is None and not ev.style and ev.implicit[0]:
                        value = plain(ev.value, ev.start_mark)
                    else:
                        value = self._scalar(ev)
                    mark = ev.start_mark
                    if frame is None:
                        self._root(doc, value, mark)
                    else:
                        frame.size += 1
                        container = frame.container
                        if type(container) is dict:
                            path = frame.key
                            if path is _MERGE:
                                raise self._bad_merge(mark)
                            container[path[-1]] = value
                            frame.key = None
                        else:
                            path = (*frame.path, len(container))
                            container.append(value)
                        value_marks[path] = (mark.line + 1, mark.column + 1)
                    if ev.anchor:
                        anchors[ev.anchor] = (value, 1)
                elif kind is MappingStartEvent or kind is SequenceStartEvent:
                    if ev.anchor is not None or ev.tag is not None:
                        self._anchor_or_tag(ev)
                    if len(stack) >= MAX_DEPTH:
                        raise fail(
                            self.pos(ev.start_mark), f"nesting deeper than {MAX_DEPTH} levels"
                        )
                    if frame is not None and frame.key is None and type(frame.container) is dict:
                        raise fail(self.pos(ev.start_mark), "mapping keys must be plain text")
                    new: Any = {} if kind is MappingStartEvent else []
                    merge_into = None
                    if frame is not None and frame.key is _MERGE:
                        merge_into = frame.container
                        frame.key = None
                        path = frame.path
                    else:
                        path = self._place(new, ev, stack, doc, 0)
                    child = _Frame(new, path, merge_into)
                    child.mark = ev.start_mark if merge_into is not None else None
                    child.anchor = ev.anchor or ""
                    stack.append(child)
                elif kind is MappingEndEvent or kind is SequenceEndEvent:
                    done = stack.pop()
                    if stack:
                        stack[-1].size += done.size
                    if done.merge_into is not None:
                        self._merge(done.merge_into, done.container, done.mark)
                    if done.anchor:
                        anchors[done.anchor] = (done.container, done.size)
                elif kind is AliasEvent:
                    self._alias(ev, anchors, stack, doc)
                elif kind is DocumentStartEvent:
                    doc = Built()
                    key_marks = doc.key_marks
                    value_marks = doc.value_marks
                    anchors = {}
                elif kind is DocumentEndEvent:
                    out.append(doc)
        finally:
            parser.dispose()
        return out

    def _alias(
        self, ev: Any, anchors: dict[str, tuple[Any, int]], stack: list[_Frame], doc: Built
    ) -> None:
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
            raise fail(self.pos(ev.start_mark), f"aliases expand to more than {MAX_NODES} nodes")
        if stack and type(stack[-1].container) is dict and stack[-1].key is None:
            raise fail(self.pos(ev.start_mark), "mapping keys must be plain text")
        if stack and stack[-1].key is _MERGE:
            stack[-1].key = None
            self._merge(stack[-1].container, value, ev.start_mark)
        else:
            self._place(value, ev, stack, doc, size)

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

    def _plain(self, text: str, mark: Any) -> Any:
        """The value of an untagged plain scalar: text, unless its first character says it
        may be a number, boolean, null..."""
        if text[:1] not in _MAYBE_TYPED:
            return text
        try:
            return self.plain_values[text]
        except KeyError:
            pass
        tag = _resolver.resolve(yaml.ScalarNode, text, (True, False))
        value = self._construct(tag, text, mark)
        if len(self.plain_values) < 10_000:
            self.plain_values[text] = value
        return value

    def _root(self, doc: Built, value: Any, mark: Any) -> None:
        doc.data = value
        doc.value_marks[()] = (mark.line + 1, mark.column + 1)
        doc.kind = (
            "a mapping"
            if type(value) is dict
            else ("a list" if type(value) is list else "a scalar")
        )

    def _scalar(self, ev: ScalarEvent) -> Any:
        tag = ev.tag
        if tag is None or tag == "!":
            if not ev.implicit[0] or ev.style:  # libyaml reports plain as "", PyYAML as None
                return ev.value  # quoted or block: text
            tag = _resolver.resolve(yaml.ScalarNode, ev.value, (True, False))
        return self._construct(tag, ev.value, ev.start_mark)

    def _construct(self, tag: str, text: str, mark: Any) -> Any:
        if tag == STR or not tag.startswith("tag:yaml.org,2002:"):
            return text
        if tag == "tag:yaml.org,2002:merge":
            return _MERGE
        if tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return text  # the models decide what such text means
        kind = tag.rsplit(":", 1)[-1]
        if kind == "int" and len(text) > MAX_NUMBER_CHARS:  # int() of 4,300+ digits raises
            raise fail(
                self.pos(mark),
                f"a number of {len(text):,} characters",
                hint=f"numbers in specs have at most {MAX_NUMBER_CHARS} characters; "
                "quote it if it is text",
            )
        try:
            return _constructor.construct_object(yaml.ScalarNode(tag, text))
        except yaml.YAMLError as exc:
            raise fail(self.pos(mark), f"invalid {kind}: {exc}") from None
        except (ValueError, KeyError, OverflowError):  # an explicit tag on text it cannot read
            shown = text if len(text) <= 40 else text[:40] + "…"
            raise fail(
                self.pos(mark),
                f"!!{kind} on {shown!r}, which is no {kind}",
                hint=f"remove the !!{kind} tag, or write a value of that type",
            ) from None

    def _key(self, frame: _Frame, ev: ScalarEvent, key_marks: dict) -> None:
        if ev.tag is not None:
            self._scalar(ev)  # an explicitly tagged key must still be valid
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
        frame.key = (*frame.path, key)
        key_marks[frame.key] = (line, ev.start_mark.column + 1)

    def _place(self, value: Any, ev: Any, stack: list[_Frame], doc: Built, size: int) -> PathKey:
        if not stack:
            self._root(doc, value, ev.start_mark)
            return ()
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if type(container) is dict:
            path = frame.key
            container[path[-1]] = value
            frame.key = None
        else:
            path = (*frame.path, len(container))
            container.append(value)
        doc.value_marks[path] = mark
        return path

    def _merge(self, target: dict, source: Any, mark: Any) -> None:
        for part in source if isinstance(source, list) else [source]:
            if not isinstance(part, dict):
                raise self._bad_merge(mark)
            for k, v in part.items():
                target.setdefault(k, v)

    def _bad_merge(self, mark: Any) -> Exception:
        return fail(
            self.pos(mark),
            "a merge key (<<) takes a mapping or a list of mappings",
            hint="merge an anchored mapping, e.g. `<<: *defaults`",
        )
