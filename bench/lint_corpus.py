"""Lint precision on files written by others: a corpus of real rule files, PrometheusRules,
Alertmanager configs and Grafana dashboards from public repositories, split by repository
into a half to tune the checks on and a half held out to report on.

    python bench/lint_corpus.py --snapshots /work/.mirror --report

The script fetches nothing: it reads snapshots (bare git directories named owner+name/repo,
as the fetch tool brings them) and checks out exactly the files and commits recorded in
bench/lint_corpus_sources.py (round 1, split into tune and held-out) and those of the
held-out corpora after it (ROUNDS: the fresh one of round 2, then rounds 3 to 7, each all
held out under its name, e.g. bench/lint_corpus_round7_sources.py as `round7`) into
--corpus (default /work/corpus), outside this repository.
Then, per half: promtool 3.5 and amtool 0.33 say which files they accept, `monogen lint`
counts warnings, and the judged sample in bench/lint_corpus_labels.tsv gives precision.
`--crash` lints every file of both halves in every output format and fails on exit 70 or a
traceback. docs/lint-precision.md explains the method and the numbers."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from lint_corpus_pick import discover, git, kind_of, snapshot

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "bench/lint_corpus_labels.tsv"
TOOLS = Path(os.environ.get("MONOGEN_TOOLS_DIR", ROOT / ".tools"))
PROMTOOL = TOOLS / "prometheus/3.5/usr/bin/promtool"
AMTOOL = TOOLS / "alertmanager/0.33/usr/bin/amtool"
MONOGEN = [str(Path(sys.executable).parent / "monogen")]
FORMATS = ("text", "json", "github", "sarif")
# The held-out corpora after round 1, in order: each one's module lists its repositories
# (`<NAME>_REPOS`, e.g. ROUND7_REPOS) and `<module>_sources` records their files.
ROUNDS = {
    "fresh": "lint_corpus_fresh",
    **{f"round{n}": f"lint_corpus_round{n}" for n in range(3, 8)},
}
HALVES = ("tune", "held-out", *ROUNDS)


def repos_of(name: str) -> dict[str, str]:
    """The repositories of held-out corpus `name` (owner/name → why it was chosen)."""
    return getattr(import_module(ROUNDS[name]), f"{name.upper()}_REPOS")


# The repositories asked for (fetched as github:owner/name); --discover records their files.
REPOS = (
    "7olstoy/docker-compose-monitoring-stack",
    "AeroNotix/home-monitoring",
    "AlbertKnv/docker_swarm_monitoring",
    "AliMaher0/monitoring-alerting-stack",
    "Alpaca-Network/railway-grafana-stack",
    "argoproj/argo-cd",
    "ArktIQ-IT/monitoring-stack-public",
    "ceph/ceph-mixins",
    "coredns/deployment",
    "cortexproject/cortex-jsonnet",
    "dotdc/grafana-dashboards-kubernetes",
    "Einsteinish/Docker-Compose-Prometheus-and-Grafana",
    "etcd-io/etcd",
    "fluxcd/flux2-monitoring-example",
    "GeorgeGiannopoulos/monitoring",
    "gitlabhq/omnibus-gitlab",
    "GoogleCloudPlatform/prometheus-engine",
    "grafana/jsonnet-libs",
    "grafana/loki",
    "grafana/tempo",
    "jaegertracing/jaeger",
    "kubernetes/ingress-nginx",
    "kubernetes/kube-state-metrics",
    "kubernetes-monitoring/kubernetes-mixin",
    "kubevirt/monitoring",
    "linkerd/linkerd2",
    "monitoring-mixins/website",
    "nginxinc/nginx-prometheus-exporter",
    "oliver006/redis_exporter",
    "openshift/cluster-monitoring-operator",
    "percona/grafana-dashboards",
    "prometheus/alertmanager",
    "prometheus/mysqld_exporter",
    "prometheus/node_exporter",
    "prometheus/prometheus",
    "prometheus/snmp_exporter",
    "prometheus-community/elasticsearch_exporter",
    "prometheus-community/helm-charts",
    "prometheus-community/postgres_exporter",
    "prometheus-operator/kube-prometheus",
    "prometheus-operator/prometheus-operator",
    "rabbitmq/cluster-operator",
    "rook/rook",
    "samber/awesome-prometheus-alerts",
    "stefanprodan/dockprom",
    "strimzi/strimzi-kafka-operator",
    "thanos-io/thanos",
    "VictoriaMetrics/helm-charts",
    "VictoriaMetrics/VictoriaMetrics",
    "vegasbrianc/prometheus",
)


def half(repo: str) -> str:
    """Fixed before any file was linted: the first byte of the SHA-256 of the repository's
    name (owner/name, as spelled in REPOS), even → tune, odd → held-out. The repositories
    of every later round (ROUNDS) are all held out, under the round's name."""
    for name in ROUNDS:
        if repo in repos_of(name):
            return name
    return "tune" if hashlib.sha256(repo.encode()).digest()[0] % 2 == 0 else "held-out"


def sources() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Every corpus's record: the first (tune and held-out), then each of ROUNDS."""
    from lint_corpus_sources import SOURCES

    found = dict(SOURCES)
    for module in ROUNDS.values():
        found.update(import_module(f"{module}_sources").SOURCES)
    return found


def local_name(repo: str, path: str) -> str:
    return f"{repo.replace('/', '+')}/{path}"


def build(snapshots: Path, corpus: Path) -> None:
    """Check out every recorded file at its recorded commit into corpus/<half>/."""
    for repo, (commit, paths) in sources().items():
        gitdir = snapshot(snapshots, repo)
        if not gitdir.is_dir():
            sys.exit(f"no snapshot of {repo} in {snapshots}: fetch github:{repo} first")
        for path in paths:
            target = corpus / half(repo) / local_name(repo, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(git(gitdir, "cat-file", "blob", f"{commit}:{path}"))
    (corpus / "lint.yaml").write_text("lint: {}\n")  # the defaults, whatever the cwd holds


def files_of(corpus: Path, which: str) -> list[tuple[str, str, Path]]:
    """(repo, path, file on disk) of one half, or of both ("all")."""
    return [
        (repo, path, corpus / half(repo) / local_name(repo, path))
        for repo, (_, paths) in sorted(sources().items())
        if which in ("all", half(repo))
        for path in paths
    ]


def accepted(kind: str, file: Path) -> bool:
    """Whether the reference tool accepts the file (a PrometheusRule: its spec)."""
    if kind == "dashboard":
        return True
    if kind == "alertmanager":
        done = subprocess.run([str(AMTOOL), "check-config", str(file)], capture_output=True)
        return done.returncode == 0
    try:
        data = yaml.safe_load(file.read_text())
    except UnicodeDecodeError:  # not UTF-8 (round 4: a GBK file): promtool reads it as it is
        done = subprocess.run([str(PROMTOOL), "check", "rules", str(file)], capture_output=True)
        return done.returncode == 0
    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.yaml"
        spec = data.get("spec") if data.get("kind") == "PrometheusRule" else data
        rules.write_text(yaml.safe_dump(spec))
        done = subprocess.run([str(PROMTOOL), "check", "rules", str(rules)], capture_output=True)
        return done.returncode == 0


def lint(files: list[Path], corpus: Path, fmt: str = "json") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MONOGEN, "lint", "--format", fmt, "--config", str(corpus / "lint.yaml"), "--"]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        cwd=corpus,
    )


def measure(corpus: Path, which: str) -> dict[str, Any]:
    """Per file: its kind, whether its reference tool accepts it, its findings."""
    rows = files_of(corpus, which)
    by_file: dict[str, list[dict[str, Any]]] = {}
    for repo in sorted({r for r, _, _ in rows}):  # a repository at a time, as its CI lints it
        done = lint([f for r, _, f in rows if r == repo], corpus)
        if done.returncode not in (0, 1):
            sys.exit(f"monogen lint exited {done.returncode}:\n{done.stderr[-3000:]}")
        for f in json.loads(done.stdout):
            by_file.setdefault(f["file"], []).append(f)
    out = []
    for repo, path, file in rows:
        kind = kind_of(path, file.read_text(errors="replace"))
        assert kind is not None, file
        if kind == "prometheus":
            continue
        out.append(
            {
                "repo": repo,
                "path": path,
                "kind": kind,
                "accepted": accepted(kind, file),
                "findings": by_file.get(str(file), []),
            }
        )
    return {"half": which, "files": out}


def counts(result: dict[str, Any]) -> dict[str, Any]:
    """Files per kind, warnings per accepted file of each kind, warnings per check."""
    files = result["files"]
    summary: dict[str, Any] = {"repos": len({f["repo"] for f in files})}
    per_check: Counter[str] = Counter()
    for kind in ("rules", "alertmanager", "dashboard"):
        of_kind = [f for f in files if f["kind"] == kind]
        ok = [f for f in of_kind if f["accepted"]]
        warnings = [w for f in ok for w in f["findings"] if w["severity"] == "warning"]
        per_check.update(w["check"] for w in warnings)
        summary[kind] = {
            "files": len(of_kind),
            "accepted": len(ok),
            "warnings": len(warnings),
            "per_file": round(len(warnings) / len(ok), 2) if ok else 0.0,
            "files_with_warnings": sum(
                1 for f in ok if any(w["severity"] == "warning" for w in f["findings"])
            ),
        }
    summary["per_check"] = dict(per_check.most_common())
    return summary


def sample(result: dict[str, Any], per_check: int) -> list[tuple[str, str, int, str, str]]:
    """Up to `per_check` warnings of each check, from accepted files, the first by a hash
    of (repo, path, line, check): the sample judged by hand, fixed by the findings alone."""
    chosen: dict[str, list[tuple[str, str, int, str, str]]] = {}
    for f in result["files"]:
        for w in f["findings"] if f["accepted"] else []:
            if w["severity"] == "warning":
                row = (f["repo"], f["path"], w["line"], w["check"], w["message"])
                chosen.setdefault(w["check"], []).append(row)

    def key(row: tuple[str, str, int, str, str]) -> str:
        return hashlib.sha256("\t".join(map(str, row[:4])).encode()).hexdigest()

    return [r for rows in chosen.values() for r in sorted(rows, key=key)[:per_check]]


def labels() -> list[dict[str, str]]:
    if not LABELS.is_file():
        return []
    lines = LABELS.read_text().splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:] if line]


def precision(result: dict[str, Any], which: str) -> dict[str, Any]:
    """The judged sample of this half's warnings still reported: real / judged, per check."""
    live = {
        (f["repo"], f["path"], str(w["line"]), w["check"])
        for f in result["files"]
        for w in f["findings"]
        if w["severity"] == "warning"
    }
    judged = [
        row
        for row in labels()
        if row["half"] == which and (row["repo"], row["path"], row["line"], row["check"]) in live
    ]
    per_check: dict[str, list[int]] = {}
    for row in judged:
        tally = per_check.setdefault(row["check"], [0, 0])
        tally[0] += row["verdict"] == "real"
        tally[1] += 1
    real = sum(t[0] for t in per_check.values())
    return {"judged": len(judged), "real": real, "per_check": per_check}


def crash(corpus: Path) -> int:
    """Every file of the corpus in every format: no exit 70, no traceback. A failing run
    is narrowed to the files that fail alone."""
    files = [f for _, _, f in files_of(corpus, "all")]
    bad = 0
    for fmt in FORMATS:
        done = lint(files, corpus, fmt)
        if done.returncode in (0, 1) and "Traceback" not in done.stderr:
            print(f"{fmt}: {len(files)} files, exit {done.returncode}")
            continue
        for file in files:
            alone = lint([file], corpus, fmt)
            if alone.returncode not in (0, 1) or "Traceback" in alone.stderr:
                bad += 1
                print(f"{fmt}: {file}: exit {alone.returncode}\n{alone.stderr[-2000:]}")
    return bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--snapshots", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    parser.add_argument("--discover", action="store_true", help="re-pick the files (rarely)")
    for name in ROUNDS:
        parser.add_argument(f"--discover-{name}", action="store_true", help=f"pick {name}'s")
    parser.add_argument("--half", choices=HALVES, default="tune")
    parser.add_argument("--measure", action="store_true", help="counts of --half")
    parser.add_argument("--sample", type=int, default=0, help="print N warnings per check")
    parser.add_argument("--crash", action="store_true", help="every file, every format")
    parser.add_argument("--report", action="store_true", help="both halves, for the docs")
    args = parser.parse_args()
    if args.discover:
        discover(args.snapshots, list(REPOS), Path(__file__).parent / "lint_corpus_sources.py")
        return
    for name, module in ROUNDS.items():
        if getattr(args, f"discover_{name}"):
            out = Path(__file__).parent / f"{module}_sources.py"
            discover(args.snapshots, list(repos_of(name)), out, f"--discover-{name}")
            return
    if args.corpus.exists():
        shutil.rmtree(args.corpus)
    build(args.snapshots, args.corpus)
    halves = HALVES if args.report else (args.half,)
    for which in halves if (args.measure or args.report or args.sample) else ():
        result = measure(args.corpus, which)
        (args.corpus / f"result-{which}.json").write_text(json.dumps(result, indent=1))
        print(f"## {which}\n{json.dumps(counts(result), indent=1)}")
        print(json.dumps(precision(result, which), indent=1))
        for row in sample(result, args.sample):
            print("\t".join([which, *map(str, row)]))
    if args.crash or args.report:
        sys.exit(1 if crash(args.corpus) else 0)


if __name__ == "__main__":
    main()
