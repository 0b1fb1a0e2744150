"""`monogen build`'s writing half: a build's parts into a staged tree that replaces the
output whole, and `--watch`, which does that again on every change."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from monogen.cli_exits import EXIT_FINDINGS, guarded

if TYPE_CHECKING:
    from monogen.output.cache import RenderCache as Cache
    from monogen.spec.validate import Specs
    from monogen.watch import MemoryCache


def watch_specs(specs: list[Path], output: Path, force: bool, check: bool) -> None:
    from monogen.pipeline import load
    from monogen.watch import watch

    if check:
        raise click.UsageError("--watch writes the tree; --check never does")

    def once(cache: MemoryCache, inputs: str) -> None:
        loaded = guarded("build", lambda: load(specs, cache.validated, cache.parsed))
        guarded("build", lambda: build_into(output, loaded, inputs, force, cache, watched=cache))

    watch(specs, once, lambda message: click.echo(message, err=True))


def build_into(
    output: Path,
    specs: Specs,
    inputs: str,
    force: bool,
    cache: Cache | None,
    watched: MemoryCache | None = None,
) -> None:
    """Write each part of the tree as it renders, into a staging directory that replaces
    `output` only if the whole build succeeds and lints without an error. A watch keeps
    the replaced tree's folders for its next build (`watched.spare`)."""
    from contextlib import closing

    from monogen.lint.finding import Severity
    from monogen.output.write import MARKER, StagedTree, stamped, with_marker
    from monogen.pipeline import build_parts

    parts = build_parts(specs, cache=cache)  # compiles first: a spec error leaves no staging behind
    staged = StagedTree(output, force=force, spare=watched.spare if watched else None)
    if watched:
        watched.spare = None  # taken: the staging directory now, whatever happens
    for name in staged.recovered:
        what = "a watch's spare folders" if ".spare-" in name else "left by an interrupted build"
        click.echo(f"note: removed {name}, {what}", err=True)
    try:
        files: dict[str, str] = {}
        findings = []
        with closing(parts):  # stops the render workers however this ends
            for part in parts:
                staged.add(part.files)
                files.update(part.files)
                findings.extend(part.findings)
        for f in sorted(findings):
            click.echo(f"{output}/{f.location()}: {f.severity}: {f.message} [{f.check}]", err=True)
        if any(f.severity >= Severity.ERROR for f in findings):
            click.echo("generated output has errors (a bug in monogen); nothing written.", err=True)
            sys.exit(EXIT_FINDINGS)
        marker = stamped(with_marker(files), inputs)[MARKER]
        staged.add({MARKER: marker})
        spare = staged.commit(keep=watched is not None)
        if watched:
            watched.spare = spare
    except BaseException:
        staged.discard()
        raise
    click.echo(f"wrote {len(files) + 1} files to {output}", err=True)
