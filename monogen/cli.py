"""Command line: parse flags, call the pipeline, map results to exit codes.

Exit codes: 0 clean, 1 findings or drift, 2 bad input or usage. Heavy modules (pydantic
models, grafanalib) are imported inside the commands so `monogen --help` starts fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from monogen import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70
F = TypeVar("F", bound=Callable[..., Any])

specs_argument = click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))


def reports_errors(func: F) -> F:
    """Bad input becomes positioned messages and exit 2; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from monogen.spec.errors import SpecErrors

        try:
            return func(*args, **kwargs)
        except SpecErrors as exc:
            for error in exc.errors:
                click.echo(error.render(), err=True)
            count = len(exc.errors)
            click.echo(f"{count} error{'s' if count != 1 else ''}; nothing written.", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug in monogen, not in the input
            if os.environ.get("MONOGEN_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "  this is a bug in monogen; rerun with MONOGEN_DEBUG=1 for a traceback "
                "and report it",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="monogen")
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
@reports_errors
def build(specs: tuple[Path, ...], output: Path, check: bool) -> None:
    """Compile SPECS (files or directories) into OUTPUT."""
    from monogen.output.write import diff_tree, write_tree
    from monogen.pipeline import compile_specs, load

    files = compile_specs(load(list(specs)))
    if check:
        diffs = diff_tree(output, files)
        if diffs:
            click.echo("".join(diffs), nl=False)
            click.echo(
                f"{output}: {len(diffs)} file(s) out of date; run `monogen build` and commit.",
                err=True,
            )
            sys.exit(EXIT_FINDINGS)
        click.echo(f"{output}: up to date ({len(files)} files).", err=True)
        return
    write_tree(output, files)
    click.echo(f"wrote {len(files)} files to {output}", err=True)


@main.command()
@specs_argument
@reports_errors
def validate(specs: tuple[Path, ...]) -> None:
    """Load and validate SPECS without compiling them."""
    from monogen.pipeline import load

    loaded = load(list(specs))
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
@specs_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table",
    show_default=True, help="Output format.",
)  # fmt: skip
@reports_errors
def routes(specs: tuple[Path, ...], fmt: str) -> None:
    """Print where every generated alert goes: alert → receivers (exit 1 if any is lost)."""
    import json

    from monogen.compile.coverage import format_table
    from monogen.pipeline import compile_targets, load

    rows = compile_targets(load(list(specs)), check_routes=False).routes
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
            }
            for r in rows
        ]
        click.echo(json.dumps(data, indent=2, sort_keys=True))
    else:
        click.echo(format_table(rows), nl=False)
    if not rows:
        click.echo("no Alerting specs: nothing is routed", err=True)
    lost = [r for r in rows if r.problem]
    if lost:
        click.echo(f"{len(lost)} alert(s) do not reach their team's receivers", err=True)
        sys.exit(EXIT_FINDINGS)


@main.command()
@specs_argument
@click.option("--promtool", "promtool_path", default=None, help="promtool to run.")
@reports_errors
def test(specs: tuple[Path, ...], promtool_path: str | None) -> None:
    """Prove every generated alert with promtool: fires past its threshold, silent inside."""
    from monogen.pipeline import compile_targets, load
    from monogen.prove import find_promtool, prove, report

    promtool = find_promtool(promtool_path)
    proofs = prove(compile_targets(load(list(specs))), promtool)
    click.echo(report(proofs), nl=False)
    if not all(p.ok for p in proofs):
        sys.exit(EXIT_FINDINGS)
