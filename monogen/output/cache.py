"""What each experiment rendered, kept between builds so a rebuild renders only what changed.

An entry is keyed by the digest of everything the experiment's files are derived from: its
spec document (data, positions, path), the project's configuration (which targets, with
which options), whether it was linted, monogen's code and the library versions that shape
output (stamp.py) and the Python version. Per-experiment targets see only the experiment
and its rules (targets/base.py), never the Alerting specs: what draws on routing
(Alertmanager config, runbooks, the overview dashboard) is rendered every build.

Where it lives (on by default, in the platform's cache directory) and how it is kept
small: cache_place.py. An entry that cannot be read, or does not check out, is a miss:
rendered again, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path
from typing import Any

from monogen.lint.finding import Finding, Severity
from monogen.output.cache_place import cache_dir, tidy
from monogen.spec.project import Project
from monogen.spec.validate import ExperimentDoc

FORMAT = "monogen-render-cache 1"

Part = tuple[dict[str, str], list[Finding]]  # an experiment's files and the findings on them


def open_cache(env: Mapping[str, str] = os.environ) -> RenderCache | None:
    """The render cache (tidied once a day), or None when caching is off."""
    where = cache_dir(env)
    if where is None:
        return None
    tidy(where)
    return RenderCache(where)


class RenderCache:
    """Renders by key under `root`; reading and writing are best effort."""

    in_process = False  # on disk: render workers put their own renders

    def rules(self, exp: ExperimentDoc, project: Project, produce: Callable[..., Any]) -> Any:
        """Rules are compiled afresh: only an in-process cache keeps them."""
        return produce(exp)

    def __init__(self, root: Path) -> None:
        from monogen.output.stamp import code_digest

        self.root = root
        self.salt = f"{FORMAT}\0{code_digest()}\0{sys.version}\0".encode()
        self._project: Project | None = None
        self._project_json = b""

    def key(self, exp: ExperimentDoc, project: Project, lint: bool) -> str:
        digest = hashlib.sha256(self.salt)
        digest.update(self._project_text(project) + b"\0")
        digest.update(f"{lint}\0{exp.doc.digest()}".encode())
        return digest.hexdigest()

    def _project_text(self, project: Project) -> bytes:
        """The configuration's JSON, once per configuration object (one a build; every
        experiment's key reads it)."""
        if self._project is not project:
            self._project, self._project_json = project, project.model_dump_json().encode()
        return self._project_json

    def get(self, key: str) -> Part | None:
        try:
            return _parse(self._read("renders", key))
        except (TypeError, ValueError, KeyError):
            return None

    def put(self, key: str, part: Part) -> None:
        files, findings = part
        rows = [[f.file, f.line, f.column, f.check, int(f.severity), f.message] for f in findings]
        self._write("renders", key, {"files": files, "findings": rows})

    def memo(self, key: str, produce: Callable[[], list[str]]) -> list[str]:
        """Texts produced from `key` before (model/build.py's Memo), else produce()'s. The
        key names the inputs; monogen's code and library versions (the salt) are added
        here, as in an experiment's key: another version renders the texts again."""
        key = self.text_key(key)
        with suppress(TypeError, ValueError, KeyError):
            texts = self._read("texts", key)["texts"]
            if isinstance(texts, list) and all(isinstance(t, str) for t in texts):
                return texts
        texts = produce()
        self._write("texts", key, {"texts": texts})
        return texts

    def text_key(self, key: str) -> str:
        """Where memo() keeps the texts of `key`."""
        return hashlib.sha256(self.salt + key.encode()).hexdigest()

    def _path(self, kind: str, key: str) -> Path:
        return self.root / kind / key[:2] / f"{key}.json"

    def _read(self, kind: str, key: str) -> Any:
        """The entry's data; ValueError if it is missing, unreadable or not whole."""
        try:
            raw = self._path(kind, key).read_bytes()
        except OSError as exc:
            raise ValueError("unreadable") from exc
        check, _, body = raw.partition(b"\n")
        if check != hashlib.sha256(body).hexdigest().encode():
            raise ValueError("not whole")
        entry = json.loads(body)
        if entry["format"] != FORMAT or entry["key"] != key:
            raise ValueError("another format or key")
        return entry

    def _write(self, kind: str, key: str, data: dict[str, Any]) -> None:
        entry = {"format": FORMAT, "key": key, **data}
        body = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode()
        path = self._path(kind, key)
        temp = path.with_name(f".{key}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp.write_bytes(hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temp, path)  # readers see a whole entry or none
        except OSError:  # a full or read-only cache: the build goes on without it
            with suppress(OSError):
                temp.unlink(missing_ok=True)


def _parse(entry: Any) -> Part:
    """An entry's part, or TypeError/ValueError/KeyError if it is not one."""
    files = entry["files"]
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in files.items()):
        raise TypeError("files")
    findings = []
    for file, line, column, check, severity, message in entry["findings"]:
        if not (isinstance(line, int) and isinstance(column, int)):
            raise TypeError("position")
        if not all(isinstance(s, str) for s in (file, check, message)):
            raise TypeError("finding")
        findings.append(Finding(file, line, column, check, Severity(severity), message))
    return dict(files), findings
