"""Facts a project states in its own files, read where lint finds them: a Prometheus
configuration given to `monogen lint` says how often its targets are scraped
(`global.scrape_interval`, 1m when unset, as Prometheus reads it) and which rule files it
loads (`rule_files`). Checks that judge a range against the scrape interval
(promql/range-too-short, dashboard/rate-interval) read it from there, before the lint
configuration's `scrape-interval` and the 15s assumed when nothing states one."""

from __future__ import annotations

import stat
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Any

from monogen.spec.quantities import parse_duration

PROMETHEUS_DEFAULT_SCRAPE = 60.0
# When no file and no lint configuration states the scrape interval, ranges are judged by
# the fastest one in common use (Prometheus' example configuration, TiUP, many charts):
# an interval nobody stated is no evidence that a range is too short for it.
ASSUMED_SCRAPE_INTERVAL = 15.0


def is_prometheus_config(data: Any) -> bool:
    """A Prometheus server configuration: scrape jobs, no rule groups."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("scrape_configs"), list)
        and "groups" not in data
        and "route" not in data
    )


def scrape_interval(data: dict[str, Any]) -> float | None:
    """The configuration's shortest scrape interval in seconds: the global one, or a job's
    own when shorter (a rule does not say which job its series come from); None: the
    global one is not a duration."""
    glob = data.get("global") if isinstance(data.get("global"), dict) else {}
    value = glob.get("scrape_interval")
    try:
        seconds = PROMETHEUS_DEFAULT_SCRAPE if value is None else parse_duration(str(value))
    except ValueError:
        return None
    for job in data.get("scrape_configs") or []:
        own = job.get("scrape_interval") if isinstance(job, dict) else None
        try:
            seconds = min(seconds, parse_duration(str(own))) if own is not None else seconds
        except ValueError:
            continue
    return seconds


def _names(config: Path, data: dict[str, Any], target: Path) -> bool:
    """Does a `rule_files` glob of `config` name `target`? A relative glob is read from the
    configuration's folder, as Prometheus reads it; an absolute one (a path inside the
    container, `/etc/prometheus/rules/*.yml`) by its last part, the file's name."""
    globs = data.get("rule_files") if isinstance(data.get("rule_files"), list) else []
    where = target.resolve().as_posix()
    for glob in globs:
        if not isinstance(glob, str) or not glob:
            continue
        if PurePosixPath(glob).is_absolute():
            if fnmatch(target.name, PurePosixPath(glob).name):
                return True
        elif fnmatch(where, (config.resolve().parent / glob).as_posix()):
            return True
    return False


def prometheus_configs(paths: list[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """The Prometheus configurations among the files of a run (only files that mention
    `scrape_configs` are parsed here; the rest are read once, when linted)."""
    import yaml

    found = []
    for path in paths:
        try:  # a regular file only: /dev/zero never ends, a FIFO may never open
            info = path.stat()
            regular = stat.S_ISREG(info.st_mode) and info.st_size < 1_000_000
            raw = path.read_bytes() if regular else b""
        except OSError:
            continue
        if b"scrape_configs" not in raw:
            continue
        try:
            data = yaml.safe_load(raw.decode("utf-8", errors="replace"))
        except (yaml.YAMLError, RecursionError):
            continue
        if is_prometheus_config(data):
            found.append((path, data))
    return found


def scrape_interval_for(configs: list[tuple[Path, dict[str, Any]]], file: Path) -> float | None:
    """The scrape interval `file` is judged by: that of the Prometheus configuration whose
    `rule_files` name it, else of the run's only configuration; None: none states one."""
    stated = [(p, d, scrape_interval(d)) for p, d in configs]
    naming = [s for p, d, s in stated if s is not None and _names(p, d, file)]
    if naming:
        return min(naming)
    if len(stated) == 1:
        return stated[0][2]
    return None
