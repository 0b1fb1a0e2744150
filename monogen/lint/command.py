"""`monogen lint` as a function, and a reading of its arguments that needs no command-line
framework: most lint runs name a few files and flags, and importing click costs more than
linting a small rule file. Anything this reading does not take for certain (help, --list,
a mistake to explain) goes to the full command line in monogen/cli.py, which ends in
`run` as well."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from monogen.cli_exits import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, guarded, say

FORMATS = ("auto", "text", "json", "github", "sarif", "markdown")
SEVERITIES = ("error", "warning", "info")
KINDS = ("rules", "alertmanager", "dashboard")


@dataclass
class LintArgs:
    paths: list[Path] = field(default_factory=list)
    fmt: str = "auto"
    fail_on: str = "error"
    config_path: Path | None = None
    kind: str | None = None
    metadata: Path | None = None


# option → (attribute, the values it takes, or None for a path)
OPTIONS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "--format": ("fmt", FORMATS),
    "--fail-on": ("fail_on", SEVERITIES),
    "--config": ("config_path", None),
    "--kind": ("kind", KINDS),
    "--metadata": ("metadata", None),
}


def parse_args(argv: list[str]) -> LintArgs | None:
    """The arguments of `monogen lint`, or None when the full command line must answer."""
    args = LintArgs()
    words = iter(argv)
    for word in words:
        if word == "--":
            args.paths += [Path(w) for w in words]
            break
        if not word.startswith("-") or word == "-":
            args.paths.append(Path(word))
            continue
        name, equals, value = word.partition("=")
        if name not in OPTIONS:
            return None  # --help, --list, a mistake
        if not equals:
            value = next(words, None)  # type: ignore[assignment]
            if value is None:
                return None
        attribute, choices = OPTIONS[name]
        if choices is not None and value not in choices:
            return None
        if choices is None and not value:
            return None
        setattr(args, attribute, value if choices is not None else Path(value))
    if not args.paths or args.fmt == "markdown":
        return None
    return args


def main(argv: list[str]) -> None:
    """Lint as `monogen lint ARGV` would and exit with its code; return, having done
    nothing, if the arguments are for the full command line."""
    args = parse_args(argv)
    if args is None:
        return
    try:
        code = guarded("lint", lambda: run(args))
    except (KeyboardInterrupt, EOFError):
        # as click's standalone mode ends the full command line: a blank line closing
        # the terminal's ^C echo, "Aborted!", exit 1 (never a traceback)
        say("")
        say("Aborted!")
        code = 1
    sys.exit(code)


def run(args: LintArgs) -> int:
    """Lint, report in the chosen format and return the exit code."""
    from monogen.lint import config as lint_config
    from monogen.lint import report
    from monogen.lint.finding import Severity
    from monogen.lint.run import lint_paths
    from monogen.spec import config_file

    found = args.config_path or config_file.find(Path.cwd())
    config = lint_config.load(found, _every_check_id)
    if args.metadata is not None:
        from monogen.lint.metadata import load_metadata
        from monogen.spec.errors import Position, fail

        try:
            config.settings["metric_types"] = load_metadata(args.metadata)
        except ValueError as exc:
            raise fail(Position(str(args.metadata)), str(exc)) from None
    result = lint_paths(args.paths, config, args.kind)
    for problem in result.unreadable:
        say(f"error: cannot read {problem}")
    fmt = args.fmt
    if fmt == "auto":
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    out = sys.stdout
    if fmt == "sarif":
        from monogen.lint.catalog import all_checks

        report.sarif(result.findings, out, all_checks())
    else:
        reporter = {"text": report.text, "json": report.as_json, "github": report.github}[fmt]
        reporter(result.findings, out, result.sources)
    out.flush()
    threshold = Severity.parse(args.fail_on)
    counted = [f for f in result.findings if f.severity >= threshold]
    linted = result.files - len(set(result.skipped))
    say(
        f"{linted} file(s) linted, {len(result.findings)} finding(s), {len(counted)} at or "
        f"above {args.fail_on}"
    )
    if linted == 0 and not result.findings and not result.unreadable:
        say("error: no rule file, PrometheusRule, Alertmanager config or dashboard found")
    if result.unreadable or (linted == 0 and not result.findings):
        return EXIT_BAD_INPUT
    return EXIT_FINDINGS if counted else EXIT_OK


def _every_check_id() -> set[str]:
    from monogen.lint.catalog import all_checks

    return set(all_checks())
