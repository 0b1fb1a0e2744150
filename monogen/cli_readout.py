"""`monogen backtest` and `monogen report`: the generated rules' questions asked of a live
Prometheus (or Thanos, or VictoriaMetrics). Heavy modules are imported inside the commands."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from functools import wraps
from pathlib import Path
from typing import Any

import click

from monogen.cli_exits import EXIT_BAD_INPUT, EXIT_FINDINGS, reports_errors, say


@dataclass(frozen=True)
class Server:
    """Where to ask and over which range, as the shared flags give them."""

    url: str
    token_file: Path | None
    basic_auth_file: Path | None
    timeout: float
    since: str | None
    start: str | None
    end: str | None

    def connect(self) -> Any:
        from monogen.readout.prometheus_api import PrometheusApi

        return PrometheusApi.connect(
            self.url, token_file=self.token_file, basic_auth_file=self.basic_auth_file,
            timeout=self.timeout,
        )  # fmt: skip

    def range(self) -> tuple[float, float]:
        from monogen.readout.window import resolve

        return resolve(self.since, self.start, self.end, time.time())


def _server_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The flags both commands take, handed to the command as one `server` argument."""
    options = [
        click.option("--prometheus", "url", required=True,
                     help="Base URL of Prometheus, Thanos Query or VictoriaMetrics."),
        click.option("--token-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="A bearer token, one line (else $MONOGEN_PROMETHEUS_TOKEN)."),
        click.option("--basic-auth-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="user:password, one line."),
        click.option("--timeout", type=click.FloatRange(0.1, 600), default=30.0,
                     show_default=True, help="Seconds to wait for each answer."),
        click.option("--since", default=None, help="How far back, to now: 7d, 12h (default 7d)."),
        click.option("--from", "start", default=None, help="Start: now-2d, RFC 3339, unix s."),
        click.option("--to", "end", default=None, help="End (default now)."),
    ]  # fmt: skip

    @wraps(func)
    def gathered(**kwargs: Any) -> Any:
        names = [f.name for f in fields(Server)]
        server = Server(**{n: kwargs.pop(n) for n in names})
        return func(server=server, **kwargs)

    for option in reversed(options):
        gathered = option(gathered)
    return gathered


def readout_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """A server or range problem: its message and hint, exit 2, nothing written."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from monogen.readout.prometheus_api import ReadoutError

        try:
            return func(*args, **kwargs)
        except ReadoutError as exc:
            say(f"error: {exc.message}" + (f"\n  hint: {exc.hint}" if exc.hint else ""))
            sys.exit(EXIT_BAD_INPUT)

    return wrapper


def _experiments(compiled: Any, names: tuple[str, ...]) -> list[str]:
    from monogen.readout.prometheus_api import ReadoutError

    known = sorted(compiled.rules)
    for name in names:
        if name not in compiled.rules:
            raise ReadoutError(
                f"no experiment {name!r} in the specs",
                "the specs hold: " + (", ".join(known) or "no experiment"),
            )
    return list(names) or known


@click.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_server_options
@click.option("--experiment", "names", multiple=True, help="Only this experiment (repeatable).")
@click.option(
    "--against",
    type=click.Path(path_type=Path, file_okay=False),
    help="An older generated tree: only the alerts a change adds or alters.",
)
@click.option(
    "--max-episodes",
    type=click.IntRange(0),
    default=None,
    help="Exit 1 when an alert (a changed one, with --against) fired more than this often.",
)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@reports_errors
@readout_errors
def backtest(
    specs: tuple[Path, ...],
    server: Server,
    names: tuple[str, ...],
    against: Path | None,
    max_episodes: int | None,
    fmt: str,
) -> None:
    """How often each generated alert would have fired over the past, and whom it paged."""
    from monogen.pipeline import compile_targets, load
    from monogen.readout import backtest as engine
    from monogen.readout import backtest_output

    first, last = server.range()
    compiled = compile_targets(load(list(specs)), check_routes=False)
    chosen = _experiments(compiled, names)
    only = engine.touched(compiled.rules, engine.old_alerts(against)) if against else None
    api = server.connect()
    runs = engine.run(compiled, api, first, last, only, chosen)
    render = backtest_output.as_json if fmt == "json" else backtest_output.text
    click.echo(render(runs, first, last, api.url), nl=False)
    for warning in api.warnings:  # e.g. Thanos' partial answers: counts may be short
        say(f"warning: the server warned: {warning}")
    if against is not None and not runs:
        say("no alert is new or changed against " + str(against))
    noisy = backtest_output.over(runs, max_episodes)
    for r in noisy:
        say(f"{r.experiment}: {r.alert} ({r.severity}) fired {len(r.episodes)} times, "
            f"more than --max-episodes {max_episodes}")  # fmt: skip
    if noisy:
        sys.exit(EXIT_FINDINGS)


@click.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--experiment", "name", required=True, help="The experiment to read out.")
@_server_options
@click.option("--step", default=None, help="Chart resolution, e.g. 5m (default: ~720 points).")
@click.option(
    "--confidence",
    type=click.FloatRange(0.5, 0.9999, min_open=True),
    default=0.95,
    show_default=True,
    help="Two-sided confidence of the intervals.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["html", "markdown", "json"]), default="html",
    show_default=True,
)  # fmt: skip
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (atomically); default standard output.",
)
@reports_errors
@readout_errors
def report(
    specs: tuple[Path, ...],
    name: str,
    server: Server,
    step: str | None,
    confidence: float,
    fmt: str,
    output: Path | None,
) -> None:
    """The experiment's readout: effects with intervals, sample ratio, guardrails, SLOs."""
    from monogen.pipeline import compile_targets, load
    from monogen.readout import report_data, report_text
    from monogen.readout.window import duration

    first, last = server.range()
    compiled = compile_targets(load(list(specs)), check_routes=False)
    _experiments(compiled, (name,))
    every = duration(step, "--step") if step else report_data.default_step(first, last)
    if fmt == "html":
        from monogen.readout import charts

        charts._pyplot()  # a missing extra is said before any query is sent
    api = server.connect()
    readout = report_data.read(compiled, name, api, first, last, every, confidence)
    if fmt == "html":
        from monogen.readout.report_html import html

        text = html(readout)
    elif fmt == "markdown":
        text = report_text.markdown(readout)
    else:
        text = report_text.as_json(readout)
    if output is None:
        click.echo(text, nl=False)
        return
    _write_atomically(output, text)
    say(f"wrote {output}")


def _write_atomically(path: Path, text: str) -> None:
    """The output stage's single-file writer, its failures said as readout errors."""
    from monogen.output.write import replace_file
    from monogen.readout.prometheus_api import ReadoutError

    try:
        replace_file(path, text)
    except NotADirectoryError as exc:  # the folder named in -o is missing
        raise ReadoutError(f"{exc} is not a directory", "create it, or give another -o") from None
    except OSError as exc:
        raise ReadoutError(
            f"cannot write {path}: {exc.strerror or exc}", "give -o a file you may write"
        ) from None
