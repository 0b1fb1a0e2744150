"""A generated tree as it is on disk, and how it differs from what a build would write
(`build --check`, the golden test, `monogen diff`)."""

from __future__ import annotations

import difflib
from pathlib import Path

from monogen.output.write import MARKER, Files


def read_tree(out_dir: Path) -> Files:
    """Every file under `out_dir` as text (a binary file, a link or anything else that is
    not a regular file of the tree as a placeholder: a link is never followed)."""
    from monogen.output.tree import tree_bytes

    on_disk: Files = {}
    for rel, data in tree_bytes(out_dir).items():
        try:
            on_disk[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            on_disk[rel] = "<binary file>\n"
    return on_disk


def diff_tree(out_dir: Path, files: Files) -> list[str]:
    """Unified diffs between what is on disk and what a build would write; empty if equal."""
    return diff_files(read_tree(out_dir), files)


def diff_files(on_disk: Files, files: Files) -> list[str]:
    diffs = []
    if MARKER in on_disk and MARKER in files:  # stamps say which build; not content
        from monogen.output.stamp import unstamped

        on_disk = {**on_disk, MARKER: unstamped(on_disk[MARKER])}
        files = {**files, MARKER: unstamped(files[MARKER])}
    for rel in sorted(set(on_disk) | set(files)):
        old, new = on_disk.get(rel), files.get(rel)
        if old == new:
            continue
        diffs.append(
            "".join(
                difflib.unified_diff(
                    readable(rel, old or "").splitlines(keepends=True),
                    readable(rel, new or "").splitlines(keepends=True),
                    fromfile=f"a/{rel}" if old is not None else "/dev/null",
                    tofile=f"b/{rel}" if new is not None else "/dev/null",
                )
            )
        )
    return diffs


def readable(rel: str, text: str) -> str:
    """A file as a diff should show it: a ConfigMap's dashboard JSON (one line of tens of
    kilobytes) pretty-printed, so a one-number change is a one-line diff."""
    if not rel.startswith("kubernetes/grafana-dashboards/") or not text:
        return text
    import json

    import yaml

    try:
        data = yaml.safe_load(text)
        shown = dict(data)
        pretty = {k: json.loads(v) for k, v in (data.get("data") or {}).items()}
    except (yaml.YAMLError, ValueError, TypeError, AttributeError):
        return text
    shown.pop("data", None)
    out = yaml.safe_dump(shown, sort_keys=False)
    for key, value in pretty.items():
        out += f"data.{key} (pretty-printed for the diff):\n"
        out += json.dumps(value, indent=2, sort_keys=True) + "\n"
    return out
