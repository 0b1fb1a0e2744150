"""The tool matrix: promtool, prometheus, amtool, alertmanager, vmalert and
victoria-metrics of every release monogen supports, and the upstream test fixtures of
Prometheus and Alertmanager, from Debian's packages into a folder of the project's.

Nothing here touches the machine's own apt sources or installed packages: apt runs with a
private sources list, state and cache (the .deb files are kept in a cache shared by every
checkout on the machine), and each package is unpacked with `dpkg -x`. A release is pinned
as `major.minor` (3.5 takes whichever 3.5.x Debian serves), never by Debian revision.

    python3 tools/matrix.py install        # what is missing; a second run fetches nothing
    python3 tools/matrix.py path promtool 3.5
    python3 tools/matrix.py list

Stdlib only: it runs before the virtualenv exists."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(os.environ.get("MONOGEN_TOOLS_DIR", ROOT / ".tools"))
CACHE = Path(
    os.environ.get("MONOGEN_APT_CACHE")
    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "monogen" / "apt"
)
KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
SUITES = ("bookworm", "trixie", "sid")
MIRROR = "http://deb.debian.org/debian"


@dataclass(frozen=True)
class Release:
    """One release of one product: the Debian packages that carry it, and the binaries
    whose version output must name it."""

    product: str
    release: str  # major.minor
    packages: tuple[str, ...]
    binaries: tuple[str, ...]
    fixtures: tuple[str, ...] = ()  # optional -dev packages with upstream testdata

    @property
    def folder(self) -> Path:
        return TOOLS / self.product / self.release


def _prometheus(release: str, split_promtool: bool) -> Release:
    packages = ("prometheus", "promtool") if split_promtool else ("prometheus",)
    fixtures = () if release == "2.42" else ("golang-github-prometheus-prometheus-dev",)
    return Release("prometheus", release, packages, ("prometheus", "promtool"), fixtures)


MATRIX: tuple[Release, ...] = (
    _prometheus("2.42", split_promtool=False),
    _prometheus("2.53", split_promtool=True),
    _prometheus("3.5", split_promtool=True),
    *(
        Release(
            "alertmanager",
            r,
            ("prometheus-alertmanager",),
            ("prometheus-alertmanager", "amtool"),
            ("golang-github-prometheus-alertmanager-dev",),
        )
        for r in ("0.25", "0.28", "0.33")
    ),
    *(
        Release("victoria-metrics", r, ("victoria-metrics",), ("victoria-metrics", "vmalert"))
        for r in ("1.79", "1.145")
    ),
)
OLDEST = {"prometheus": "2.42", "alertmanager": "0.25", "victoria-metrics": "1.79"}
NEWEST = {"prometheus": "3.5", "alertmanager": "0.33", "victoria-metrics": "1.145"}
PRODUCT_OF = {
    "promtool": "prometheus",
    "prometheus": "prometheus",
    "amtool": "alertmanager",
    "alertmanager": "alertmanager",
    "prometheus-alertmanager": "alertmanager",
    "vmalert": "victoria-metrics",
    "victoria-metrics": "victoria-metrics",
}
BINARY = {"alertmanager": "prometheus-alertmanager"}


class MatrixError(Exception):
    pass


def release(product: str, version: str) -> Release:
    for r in MATRIX:
        if r.product == product and r.release == version:
            return r
    known = ", ".join(r.release for r in MATRIX if r.product == product)
    raise MatrixError(f"{product} {version} is not in the matrix ({known})")


def binary(name: str, version: str) -> Path:
    """Where the named tool of a release lies once installed (it may not be yet)."""
    product = PRODUCT_OF[name]
    return release(product, version).folder / "usr" / "bin" / BINARY.get(name, name)


def fixtures(product: str, version: str) -> Path:
    """The root of a release's upstream Go source tree (its testdata), once installed."""
    name = "alertmanager" if product == "alertmanager" else "prometheus"
    src = release(product, version).folder / "usr/share/gocode/src/github.com/prometheus"
    return src / name


def alertmanager_command(version: str, args: list[str]) -> list[str]:
    """How to start a release's Alertmanager server. Debian's build reads its default
    templates from /usr/share/prometheus/alertmanager, a path no flag moves: the server
    runs in a mount namespace of its own, where an overlay lays the release's templates
    over /usr/share (root only; the machine's /usr/share is untouched)."""
    share = release("alertmanager", version).folder / "usr" / "share"
    if any(c in str(share) for c in ":,\\"):
        raise MatrixError(f"{share}: an overlay cannot name a folder with ':' ',' or '\\'")
    mount = 'mount -t overlay overlay -o "lowerdir=$0:/usr/share" /usr/share && exec "$@"'
    return [
        "unshare",
        "--mount",
        "--",
        "sh",
        "-c",
        mount,
        str(share),
        str(binary("alertmanager", version)),
        *args,
    ]


def installed(r: Release) -> dict[str, str] | None:
    stamp = r.folder / ".installed.json"
    try:
        return json.loads(stamp.read_text())
    except (OSError, ValueError):
        return None


# --- apt with a private configuration -------------------------------------------------


def _apt_options() -> list[str]:
    etc = CACHE / "etc"
    return [
        f"-o=Dir::Etc::SourceList={etc / 'sources.list'}",
        f"-o=Dir::Etc::SourceParts={etc / 'sources.list.d'}",
        f"-o=Dir::Etc::Preferences={etc / 'preferences'}",
        f"-o=Dir::Etc::PreferencesParts={etc / 'preferences.d'}",
        f"-o=Dir::State={CACHE / 'state'}",
        f"-o=Dir::State::Lists={CACHE / 'lists'}",
        f"-o=Dir::State::status={CACHE / 'state' / 'status'}",
        f"-o=Dir::Cache={CACHE / 'cache'}",
        # as root apt would download as _apt, who may not write into this cache
        *(["-o=APT::Sandbox::User=root"] if os.geteuid() == 0 else []),
        "-o=Debug::NoLocking=1",
        "-o=Acquire::Retries=3",
        "-o=APT::Get::AllowUnauthenticated=false",
    ]


def _prepare_apt() -> None:
    etc = CACHE / "etc"
    for d in (
        etc / "sources.list.d",
        etc / "preferences.d",
        CACHE / "lists" / "partial",
        CACHE / "state",
        CACHE / "cache" / "archives" / "partial",
        CACHE / "debs",
    ):
        d.mkdir(parents=True, exist_ok=True)
    if not Path(KEYRING).exists():
        raise MatrixError(f"{KEYRING} is missing: install Debian's debian-archive-keyring")
    lines = [f"deb [signed-by={KEYRING}] {MIRROR} {s} main" for s in SUITES]
    (etc / "sources.list").write_text("\n".join(lines) + "\n")
    (CACHE / "state" / "status").touch()


def _apt(tool: str, *args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [tool, *_apt_options(), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise MatrixError(f"{tool} {' '.join(args)} failed:\n{done.stderr.strip()}")
    return done.stdout


_updated = False


def _update() -> None:
    global _updated
    if not _updated:
        _prepare_apt()
        print("tools: reading Debian's package lists (bookworm, trixie, sid)", flush=True)
        _apt("apt-get", "-qq", "update")
        _updated = True


def _candidates(package: str) -> list[str]:
    """Every version of a package the private lists know, newest first."""
    out = _apt("apt-cache", "madison", package)
    return [line.split("|")[1].strip() for line in out.splitlines() if "|" in line]


def _upstream(debian_version: str) -> str:
    """2.53.3+ds1-2 → 2.53.3; 0.25.0-1+b4 → 0.25.0; 1:1.2-3 → 1.2."""
    version = debian_version.split(":", 1)[-1]
    return re.split(r"[+~-]", version, maxsplit=1)[0]


def pick(package: str, wanted: str) -> str:
    """The Debian version of `package` carrying release `wanted` (major.minor)."""
    _update()
    for version in _candidates(package):
        if _upstream(version) == wanted or _upstream(version).startswith(wanted + "."):
            return version
    seen = ", ".join(_candidates(package)) or "none"
    raise MatrixError(
        f"{package} {wanted}.x is gone from Debian's {', '.join(SUITES)} (versions served: "
        f"{seen}); the matrix in tools/matrix.py needs a release Debian still carries"
    )


def _download(package: str, version: str) -> Path:
    debs = CACHE / "debs"
    name = f"{package}_{version.split(':', 1)[-1]}_"
    cached = [p for p in debs.glob(f"{name}*.deb")]
    if cached:
        return cached[0]
    with tempfile.TemporaryDirectory(dir=debs) as tmp:
        print(f"tools: downloading {package} {version}", flush=True)
        _apt("apt-get", "-qq", "download", f"{package}={version}", cwd=Path(tmp))
        got = list(Path(tmp).glob("*.deb"))
        if len(got) != 1:
            raise MatrixError(f"apt-get download {package}={version} gave {got}")
        target = debs / got[0].name
        os.replace(got[0], target)
        return target


# --- install and check ----------------------------------------------------------------

VERSION_LINE = re.compile(r"version (v?\d+\.\d+\.\d+)")


def reported_version(path: Path) -> str | None:
    """What a binary says its version is (`--version`), or None when it says none."""
    flag = "-version" if path.name in ("vmalert", "victoria-metrics") else "--version"
    done = subprocess.run(
        [str(path), flag], capture_output=True, text=True, timeout=30, check=False
    )
    text = done.stdout + done.stderr
    found = VERSION_LINE.search(text) or re.search(r"-v(\d+\.\d+\.\d+)", text)
    return found.group(1).lstrip("v") if found else None


def check(r: Release, debian: dict[str, str]) -> dict[str, str]:
    """Each binary runs and names the release; Debian's VictoriaMetrics builds carry no
    version string, so theirs is the package's, read from its control file."""
    said = {}
    for name in r.binaries:
        path = r.folder / "usr" / "bin" / name
        if not os.access(path, os.X_OK):
            raise MatrixError(f"{path} is missing after unpacking {r.product} {r.release}")
        version = reported_version(path)
        if version is None and r.product == "victoria-metrics":
            version = _upstream(debian["victoria-metrics"])
        if version is None or not (version == r.release or version.startswith(r.release + ".")):
            raise MatrixError(f"{path} says version {version!r}, expected {r.release}.x")
        said[name] = version
    return said


def cached_version(package: str, wanted: str) -> str | None:
    """The Debian version of a .deb of release `wanted` this machine downloaded before."""
    found = []
    for deb in (CACHE / "debs").glob(f"{package}_*.deb"):
        version = deb.name[len(package) + 1 :].rsplit("_", 1)[0]
        if _upstream(version) == wanted or _upstream(version).startswith(wanted + "."):
            found.append(version)
    return max(found) if found else None


def _pick_or_cached(package: str, wanted: str) -> str:
    """What Debian serves of the release; once it is gone from the suites (sid moves on),
    the package this machine cached before, said aloud."""
    try:
        return pick(package, wanted)
    except MatrixError:
        cached = cached_version(package, wanted)
        if cached is None:
            raise
        print(f"tools: {package} {wanted}.x is gone from Debian; using the cached {cached}")
        return cached


def install(r: Release, with_fixtures: bool = True) -> dict[str, str]:
    wanted = list(r.packages) + (list(r.fixtures) if with_fixtures else [])
    stamp = installed(r)
    if stamp and set(wanted) <= set(stamp.get("packages", {})):
        return stamp
    debian = {p: _pick_or_cached(p, r.release) for p in wanted}
    debs = [_download(p, v) for p, v in debian.items()]
    staging = r.folder.with_name(f".{r.release}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for deb in debs:
        subprocess.run(["dpkg-deb", "-x", str(deb), str(staging)], check=True)
    shutil.rmtree(r.folder, ignore_errors=True)
    os.replace(staging, r.folder)
    said = check(r, debian)
    record = {"packages": debian, "versions": said}
    (r.folder / ".installed.json").write_text(json.dumps(record, indent=1, sort_keys=True))
    print(f"tools: {r.product} {r.release}: {', '.join(f'{k} {v}' for k, v in said.items())}")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    inst = sub.add_parser("install", help="install what is missing")
    inst.add_argument("--product", action="append", help="only these products")
    sub.add_parser("list", help="each release, installed or not")
    path = sub.add_parser("path", help="where a tool of a release lies")
    path.add_argument("tool")
    path.add_argument("version")
    args = parser.parse_args(argv)
    try:
        if args.command == "path":
            print(binary(args.tool, args.version))
        elif args.command == "list":
            for r in MATRIX:
                stamp = installed(r)
                said = ", ".join(f"{k} {v}" for k, v in (stamp or {}).get("versions", {}).items())
                print(f"{r.product:17} {r.release:6} {said or 'not installed'}")
        else:
            for r in MATRIX:
                if not args.product or r.product in args.product:
                    install(r)
    except (MatrixError, subprocess.CalledProcessError, OSError) as exc:
        print(f"tools: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
