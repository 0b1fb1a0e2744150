"""Metric types from Prometheus' metadata (the JSON of `/api/v1/metadata`), so checks
that depend on a metric's type know it for sure instead of reading its name."""

from __future__ import annotations

import json
from pathlib import Path

# Series a histogram or summary exposes under its base name: counters, for rate().
_COUNTER_PARTS = ("_bucket", "_count", "_sum")


def load_metadata(path: Path) -> dict[str, str]:
    """metric name → type; ValueError says what is wrong with the file."""
    try:
        if not path.is_file():
            raise ValueError(f"metadata file {path} is not a regular file")
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot read metadata file {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"metadata file {path} is not JSON: {exc}") from None
    if isinstance(raw, dict) and raw.get("status") not in (None, "success"):
        raise ValueError(f"metadata file {path} holds an error response, not metadata")
    data = raw.get("data", raw) if isinstance(raw, dict) else None
    if not isinstance(data, dict):
        raise ValueError(
            f"metadata file {path}: expected the JSON of /api/v1/metadata "
            '({"status": "success", "data": {"<metric>": [{"type": ...}]}})'
        )
    types: dict[str, str] = {}
    for name, entries in data.items():
        if not isinstance(entries, list):
            raise ValueError(f"metadata file {path}: {name!r} should list entries with a type")
        kinds = {
            e.get("type") for e in entries if isinstance(e, dict) and isinstance(e.get("type"), str)
        }
        types[str(name)] = kinds.pop() if len(kinds) == 1 else "unknown"
    return types


def metric_type(name: str, types: dict[str, str]) -> str | None:
    """The type of a series' metric: `counter` for a histogram's buckets, count and sum;
    None when the metadata does not say."""
    found = types.get(name)
    if found not in (None, "unknown"):
        return found
    for part in _COUNTER_PARTS:
        if name.endswith(part) and types.get(name[: -len(part)]) in ("histogram", "summary"):
            return "counter"
    return None
