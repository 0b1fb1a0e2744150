"""Files to lint: read, parsed with positions, recognised by content, with their inline
`# monogen: disable=<id>` comments."""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from monogen.lint import embedded
from monogen.lint.dialects import PROMETHEUS, Dialect
from monogen.lint.facts import is_prometheus_config
from monogen.spec.errors import Position, SpecErrors
from monogen.spec.loader import MAX_FILE_BYTES, Document, PathKey, load_text

# In a directory: these endings (`*.rules` is a common name for rule files); a file named
# on the command line is read whatever its name, and recognised by its content.
LINTABLE = (".yaml", ".yml", ".json", ".rules")
_DISABLE = re.compile(r"#\s*monogen:\s*disable(-file)?=([\w/.,-]+)")


@dataclass
class LintFile:
    """One lintable document: a rule file, a PrometheusRule, an Alertmanager config or a
    dashboard. `root` is where its content starts (e.g. ("spec",) in a PrometheusRule)."""

    path: str
    lines: list[str]
    kind: str  # rules | alertmanager | dashboard | prometheus (facts) | unknown | broken
    doc: Document | None = None
    root: PathKey = ()
    error: SpecErrors | None = None
    disabled_file: set[str] = field(default_factory=set)
    disabled_at: dict[int, set[str]] = field(default_factory=dict)  # comment line → ids
    settings: dict[str, Any] = field(default_factory=dict)  # from the lint configuration
    dialect: Dialect = PROMETHEUS  # which ruler reads it (rule files)
    shared: dict[str, Any] = field(default_factory=dict)  # one run's state across files
    memo: dict[str, Any] = field(default_factory=dict)  # what several checks derive alike
    _spans: list[tuple[int, int]] | None = None

    @property
    def data(self) -> Any:
        node = self.doc.data if self.doc else None
        for part in self.root:
            node = node[part]
        return node

    def where(self, path: PathKey, key: bool = False) -> Position:
        assert self.doc is not None
        return self.doc.where((*self.root, *path), key=key)

    def suppressed(self, check: str, line: int) -> bool:
        if check in self.disabled_file:
            return True
        for comment_line, ids in self.disabled_at.items():
            if check in ids and self._same_item(comment_line, line):
                return True
        return False

    def _same_item(self, comment_line: int, line: int) -> bool:
        """A disable comment covers the innermost list item (rule, route...) it sits in."""
        if comment_line == line:
            return True
        spans = self._item_spans()
        inner = [(s, e) for s, e in spans if s <= comment_line < e]
        if not inner:
            return False
        start, end = max(inner, key=lambda span: span[0])
        return start <= line < end

    def _item_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            items = sorted(
                (mark[0], len(path))
                for path, mark in (self.doc.value_marks.items() if self.doc else [])
                if path and isinstance(path[-1], int)
            )
            spans = []
            for i, (start, depth) in enumerate(items):
                end = next(
                    (s for s, d in items[i + 1 :] if d <= depth and s > start), len(self.lines) + 1
                )
                # a comment on the line just above an item belongs to it
                spans.append((start - 1, end - 1 if end <= len(self.lines) else end))
            self._spans = spans
        return self._spans


def discover(paths: list[Path]) -> list[Path]:
    """The files named, and the lintable regular files below each directory named. Inside
    a directory a link is never followed: a tree a change commits may plant one to a file
    outside it (a secret, /proc/self/environ), and lint shows the lines it finds fault in."""
    from monogen.output.tree import walk

    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for rel, p, mode in walk(path)
                    if p.suffix in LINTABLE
                    and stat.S_ISREG(mode)
                    and not any(part.startswith(".") for part in rel.split("/"))
                )
            )
        else:
            found.append(path)
    return found


def read(path: Path) -> list[LintFile]:
    """Every lintable document of a file; raises OSError for unreadable files, and for
    FIFOs and devices (`/dev/zero` never ends; a FIFO may never open)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise OSError("not a regular file (a directory, FIFO, device or socket)")
    size = info.st_size
    if size > MAX_FILE_BYTES * 16:
        raise OSError(f"{path}: {size} bytes is more than monogen lints")
    text = path.read_bytes().decode("utf-8", errors="replace")
    return parse(text, str(path))


def parse(text: str, source: str) -> list[LintFile]:
    lines = text.splitlines()
    disabled_file: set[str] = set()
    disabled_at: dict[int, set[str]] = {}
    if "monogen:" in text:
        for number, line in enumerate(lines, start=1):
            match = _DISABLE.search(line)
            if match:
                ids = set(match.group(2).split(","))
                if match.group(1):
                    disabled_file |= ids
                else:
                    disabled_at[number] = ids
    try:
        docs = load_text(text, source, lenient=True)
    except SpecErrors as exc:
        return [LintFile(source, lines, "broken", error=exc, disabled_file=disabled_file)]
    files = []
    for doc in docs:
        held = embedded.documents(doc, lines) if embedded.holds_configs(doc.data) else []
        for _key, inner in held:
            kind, root = detect(inner.data)
            # dashboards in a sidecar's ConfigMap are copies of dashboard files: not twice
            if kind in ("rules", "alertmanager"):
                files.append(
                    LintFile(source, lines, kind, inner, root, None, disabled_file, disabled_at)
                )
        if held and any(f.doc in [d for _k, d in held] for f in files):
            continue  # a ConfigMap or Secret: what it holds is linted, not the holder
        kind, root = detect(doc.data)
        files.append(LintFile(source, lines, kind, doc, root, None, disabled_file, disabled_at))
    if not files:
        files.append(LintFile(source, lines, "unknown"))
    return files


def detect(data: Any) -> tuple[str, PathKey]:
    if not isinstance(data, dict):
        return "unknown", ()
    if data.get("kind") == "PrometheusRule" and isinstance(data.get("spec"), dict):
        return "rules", ("spec",)
    if is_prometheus_config(data):  # not linted: read for its facts (facts.py)
        return "prometheus", ()
    if "groups" in data:
        return "rules", ()
    if "route" in data or "receivers" in data:
        return "alertmanager", ()
    if "panels" in data or "schemaVersion" in data:
        return "dashboard", ()
    if isinstance(data.get("dashboard"), dict) and "panels" in data["dashboard"]:
        return "dashboard", ("dashboard",)
    return "unknown", ()
