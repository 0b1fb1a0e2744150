"""Command line: parse flags, call the pipeline, map results to exit codes.

Exit codes: 0 clean, 1 findings or drift, 2 bad input or usage. Heavy modules (pydantic
models, grafanalib) are imported inside the commands so `monogen --help` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from monogen import __version__
from monogen.cli_exits import EXIT_FINDINGS, reports_errors
from monogen.cli_readout import backtest, report

specs_argument = click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="monogen")
def main() -> None:
    """Compile ML experiment specs into Prometheus rules, Alertmanager config and dashboards."""


@main.command()
@specs_argument
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("generated"),
    show_default=True,
    help="Directory to write (replaced whole, atomically).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 with a diff if stale.")
@click.option(
    "--force", is_flag=True, help="Replace OUTPUT even if files were added to it by hand."
)
@click.option("--no-cache", is_flag=True, help="Render every experiment (as MONOGEN_CACHE=0).")
@click.option(
    "--watch",
    is_flag=True,
    help="Stay running: build again whenever a spec changes (only what changed is rendered).",
)
@reports_errors
def build(
    specs: tuple[Path, ...], output: Path, check: bool, force: bool, no_cache: bool, watch: bool
) -> None:
    """Compile SPECS (files or directories) into OUTPUT."""
    if watch:
        from monogen.cli_build import watch_specs

        watch_specs(list(specs), output, force, check)
        return
    from monogen.output.compare import diff_files, read_tree
    from monogen.output.stamp import inputs_digest
    from monogen.output.write import is_current, leftovers, stamped

    if check:
        for path in leftovers(output):
            click.echo(
                f"note: {path} was left by an interrupted build; the next build removes it",
                err=True,
            )
    inputs = inputs_digest(list(specs))
    if check and is_current(output, inputs):
        click.echo(f"{output}: up to date (unchanged since a build from these specs).", err=True)
        return
    # after the up-to-date check: it needs no spec model (pydantic), the rest does
    from monogen.output.cache import open_cache
    from monogen.pipeline import build as build_output
    from monogen.pipeline import load

    loaded = load(list(specs))
    cache = None if no_cache else open_cache()
    if not check:
        from monogen.cli_build import build_into

        build_into(output, loaded, inputs, force, cache)
        return
    # --check compares bytes only: the build that wrote the tree linted it already.
    files = stamped(build_output(loaded, lint=False, cache=cache).files, inputs)
    on_disk = read_tree(output)
    diffs = diff_files(on_disk, files)
    if diffs:
        from monogen.output.semantic_diff import as_text, semantic_diff

        click.echo(as_text(semantic_diff(on_disk, files)))
        click.echo("".join(diffs), nl=False)
        click.echo(
            f"{output}: {len(diffs)} file(s) out of date; run `monogen build` and commit.",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    click.echo(f"{output}: up to date ({len(files)} files).", err=True)


@main.command()
@click.argument("old", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.argument(
    "new", type=click.Path(path_type=Path, exists=True, file_okay=False), required=False
)
@click.option(
    "--specs",
    "specs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Compare OLD with what these specs produce now (instead of NEW).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown: for a pull-request comment or a job summary.",
)
@reports_errors
def diff(old: Path, new: Path | None, specs: tuple[Path, ...], fmt: str) -> None:
    """The meaning of the change from generated tree OLD to NEW (or to what --specs
    produce): alerts, thresholds, severities, routes, receivers, panels. Exit 1 if the
    meaning changed."""
    from monogen.output.compare import read_tree
    from monogen.output.semantic_diff import as_json, as_markdown, as_text, semantic_diff

    if (new is None) == (not specs):
        raise click.UsageError("give NEW, or --specs to compare with what the specs produce")
    if new is not None:
        after = read_tree(new)
    else:
        from monogen.pipeline import compile_specs, load

        after = compile_specs(load(list(specs)))
    changes = semantic_diff(read_tree(old), after)
    render = {"text": as_text, "markdown": as_markdown, "json": as_json}[fmt]
    click.echo(render(changes), nl=False)
    if changes:
        sys.exit(EXIT_FINDINGS)


@main.command()
@specs_argument
@reports_errors
def validate(specs: tuple[Path, ...]) -> None:
    """Load and validate SPECS, and check every alert reaches its team's receivers: every
    check `build` makes before writing (validate ok means build ok)."""
    from monogen.pipeline import compile_targets, load

    loaded = load(list(specs))
    compile_targets(loaded)
    click.echo(
        f"ok: {len(loaded.experiments)} experiment(s), {len(loaded.alertings)} alerting spec(s)",
        err=True,
    )


@main.command()
@click.option(
    "--kind", type=click.Choice(["all", "Experiment", "Alerting"]), default="all", show_default=True
)
def schema(kind: str) -> None:
    """Print the JSON Schema of the spec kinds (for yaml-language-server)."""
    from monogen.spec.schema import json_schema

    click.echo(json_schema(kind), nl=False)


@main.command()
@click.argument("specs", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "text", "github", "sarif"]),
    default=None,
    help="Output format: table or json for specs; text, json, github or sarif for --test.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Route a hand-written Alertmanager config instead of specs (with --test).",
)
@click.option(
    "--test",
    "cases_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Routing test cases for --config: labels, expected receivers, optional moment "
    "and firing alerts (the README shows the format).",
)
@reports_errors
def routes(
    specs: tuple[Path, ...], fmt: str | None, config_path: Path | None, cases_path: Path | None
) -> None:
    """Print where every generated alert goes: alert → receivers (exit 1 if any is lost);
    or, with --config and --test, run routing test cases against any Alertmanager config
    (exit 1 if a case fails)."""
    if config_path is not None or cases_path is not None:
        if specs or config_path is None or cases_path is None:
            raise click.UsageError("route tests take --config and --test, and no specs")
        from monogen.cli_routes import route_tests

        sys.exit(route_tests(config_path, cases_path, fmt or "text"))
    if not specs:
        raise click.UsageError("give specs, or --config and --test")
    fmt = fmt or "table"
    if fmt not in ("table", "json"):
        raise click.UsageError("the routes of specs print as table or json")
    import json

    from monogen.compile.coverage import format_table
    from monogen.compile.delivery import conditions, note
    from monogen.pipeline import compile_targets, load

    compiled = compile_targets(load(list(specs)), check_routes=False)
    rows = compiled.routes
    when = conditions(compiled.alertmanager, rows) if compiled.alertmanager else {}
    if fmt == "json":
        data = [
            {
                "experiment": r.experiment,
                "alert": r.alert,
                "severity": r.severity,
                "variant": r.variant,
                "labels": dict(r.labels),
                "receivers": list(r.receivers),
                "problem": r.problem,
                **when.get(r, {"deliveries": [], "silenced_by": []}),
            }
            for r in rows
        ]
        click.echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        click.echo(format_table(rows, {r: note(when.get(r)) for r in rows}), nl=False)
    if not rows:
        click.echo("no Alerting specs: nothing is routed", err=True)
    lost = [r for r in rows if r.problem]
    if lost:
        click.echo(f"{len(lost)} alert(s) do not reach their team's receivers", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@specs_argument
@click.option(
    "--promtool",
    "promtool_path",
    default=None,
    help="The promtool to run (a path, exactly; default: promtool on PATH).",
)
@reports_errors
def test(specs: tuple[Path, ...], promtool_path: str | None) -> None:
    """Prove every generated alert with promtool: fires past its threshold, silent inside."""
    from monogen.pipeline import compile_targets, load
    from monogen.prove import find_promtool, prove, report, stopped_on_term

    promtool = find_promtool(promtool_path)
    with stopped_on_term():
        proofs = prove(compile_targets(load(list(specs))), promtool.path)
    click.echo(report(proofs, promtool), nl=False)
    if not all(p.ok for p in proofs):
        sys.exit(EXIT_FINDINGS)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "text", "json", "github", "sarif", "markdown"]),
    default="auto",
    show_default=True,
    help="auto: github under GitHub Actions, else text.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="pyproject.toml or .monogen.yaml (default: found upwards from here).",
)
@click.option(
    "--kind",
    type=click.Choice(["rules", "alertmanager", "dashboard"]),
    default=None,
    help="Read every file as this kind (default: told by its content).",
)
@click.option(
    "--metadata",
    type=click.Path(path_type=Path),
    default=None,
    help="The JSON of Prometheus' /api/v1/metadata: metric types for sure, not from names.",
)
@click.option("--list", "list_checks", is_flag=True, help="List every check and exit.")
@reports_errors
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    fail_on: str,
    config_path: Path | None,
    kind: str | None,
    metadata: Path | None,
    list_checks: bool,
) -> None:
    """Lint Prometheus rule files, PrometheusRule manifests, Alertmanager configs and Grafana
    dashboards (files or directories), generated or hand-written."""
    from monogen.lint.command import LintArgs, run

    if list_checks:
        from monogen.lint.catalog import all_checks

        if fmt == "markdown":
            from monogen.lint.docs import markdown

            click.echo(markdown(), nl=False)
            return
        for check in all_checks().values():
            click.echo(f"{check.id:<40} {check.severity!s:<8} {check.summary}")
        return
    if not paths:
        raise click.UsageError("give files or directories to lint (or --list)")
    if fmt == "markdown":
        raise click.UsageError("--format markdown goes with --list")
    code = run(LintArgs(list(paths), fmt, fail_on, config_path, kind, metadata))
    if code:
        sys.exit(code)


@main.command()
@click.argument("directory", default=".", type=click.Path(path_type=Path, file_okay=False))
@reports_errors
def init(directory: Path) -> None:
    """Write a commented starter into DIRECTORY (default: here): one experiment and one
    team's alert routing under specs/. Never overwrites a file."""
    from monogen.output.write import write_new
    from monogen.starter import starter_files

    written = write_new(directory, starter_files())
    for path in written:
        click.echo(f"wrote {path}", err=True)
    here = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(
        f"next: {here}monogen build specs/ && monogen lint generated/ && monogen test specs/",
        err=True,
    )


main.add_command(backtest)
main.add_command(report)
