"""How the lint corpus's files were picked from fetched snapshots (`lint_corpus.py
--discover` runs this once and writes bench/lint_corpus_sources.py; the corpus is then
rebuilt from that record, never from a new scan).

A file is a candidate when its snapshot's newest commit holds it under a name monitoring
files take (.yaml, .yml, .rules, .json), outside test data, vendored code and
documentation of another tool; it is kept by what it holds: a rule file (`groups:`), a
PrometheusRule, an Alertmanager config (`route:` and `receivers:`) or a Grafana dashboard
(JSON with panels or rows); a Prometheus configuration (`scrape_configs`) comes along
as a fact the rules are judged by (its scrape interval), not as a file to count. At most
PER_KIND files of each kind come from one repository,
the first by a hash of their path, so no repository's house style outweighs the others."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import yaml

PER_KIND = 12
MAX_BYTES = 2_000_000
ENDINGS = (".yaml", ".yml", ".rules", ".json")
# test data is written to break tools; vendored copies repeat another repository's files
SKIP = re.compile(
    r"(^|/)(tests?|testdata|test-data|fixtures?|vendor|node_modules|__snapshots__|e2e)(/|$)"
    r"|(^|/)\.github/|_test\.",
    re.IGNORECASE,
)


def git(gitdir: Path, *args: str) -> bytes:
    return subprocess.run(
        ["git", f"--git-dir={gitdir}", *args], capture_output=True, check=True
    ).stdout


def kind_of(path: str, text: str) -> str | None:
    """rules | alertmanager | dashboard, or None: what the file holds, read as its tools do."""
    if path.endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        if isinstance(data, dict) and isinstance(data.get("dashboard"), dict):
            data = data["dashboard"]
        if isinstance(data, dict) and ("panels" in data or "rows" in data):
            return "dashboard"
        return None
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError:
        return None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        return None
    data: Any = docs[0]
    if data.get("kind") == "PrometheusRule" and isinstance(data.get("spec"), dict):
        return "rules"
    if isinstance(data.get("groups"), list) and all(
        isinstance(g, dict) and "rules" in g for g in data["groups"]
    ):
        return "rules"
    if isinstance(data.get("route"), dict) and isinstance(data.get("receivers"), list):
        return "alertmanager"
    if isinstance(data.get("scrape_configs"), list):
        return "prometheus"  # not linted: it states the scrape interval its rules run at
    return None


def pick(gitdir: Path) -> tuple[str, list[str]]:
    """The newest commit of a snapshot and the corpus files taken from it."""
    commit = git(gitdir, "rev-parse", "HEAD").decode().strip()
    listing = git(gitdir, "ls-tree", "-r", "-l", "-z", commit).decode(errors="replace")
    found: dict[str, list[str]] = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, _, size = meta.split()
        if kind != "blob" or mode == "120000" or not size.isdigit() or int(size) > MAX_BYTES:
            continue
        if not path.endswith(ENDINGS) or SKIP.search(path):
            continue
        text = git(gitdir, "cat-file", "blob", f"{commit}:{path}").decode(errors="replace")
        what = kind_of(path, text)
        if what is not None:
            found.setdefault(what, []).append(path)
    chosen: list[str] = []
    for paths in found.values():
        paths.sort(key=lambda p: hashlib.sha256(p.encode()).hexdigest())
        chosen += paths[:PER_KIND]
    return commit, sorted(chosen)


def snapshot(snapshots: Path, repo: str) -> Path:
    """The git directory of a fetched snapshot: bare (owner+name/repo) or a work tree's .git."""
    gitdir = snapshots / repo.replace("/", "+") / "repo"
    return gitdir / ".git" if (gitdir / ".git").is_dir() else gitdir


def discover(snapshots: Path, repos: list[str], out: Path, how: str = "--discover") -> None:
    """Write the record of sources (repo → commit, paths) as a Python module."""
    lines = [
        '"""The lint corpus: every file, by repository and commit (written by',
        f"`python bench/lint_corpus.py {how}`; see bench/lint_corpus_pick.py for the rule).",
        'The files themselves stay out of this repository."""',
        "",
        "SOURCES: dict[str, tuple[str, tuple[str, ...]]] = {",
    ]
    for repo in sorted(repos, key=str.lower):
        gitdir = snapshot(snapshots, repo)
        if not gitdir.is_dir():
            print(f"{repo}: no snapshot, left out")
            continue
        commit, paths = pick(gitdir)
        if not paths:
            print(f"{repo}: no lintable file, left out")
            continue
        lines.append(f'    "{repo}": (')
        lines.append(f'        "{commit}",')
        lines.append("        (")
        for p in paths:  # a path too long for one line stays whole (E501 skips one word)
            line = f"            {json.dumps(p)},"
            long = len(line) > 100 and any(c.isspace() for c in p)
            lines.append(line + ("  # noqa: E501" if long else ""))
        lines.append("        ),")
        lines.append("    ),")
        print(f"{repo}: {len(paths)} files")
    lines.append("}")
    out.write_text("\n".join(lines) + "\n")
