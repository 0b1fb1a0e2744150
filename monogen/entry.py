"""The `monogen` command's entry point. `--version` (or `-V`) alone is answered here, before
click and the spec stack are imported (about 100 ms on a loaded 2-core machine), so a
version check in a hook or a CI log costs little more than the interpreter's start-up;
so is a plain `monogen lint` (monogen/lint/command.py), for which click alone would cost
more than the linting of a small file. Everything else goes to monogen.cli."""

from __future__ import annotations

import sys

from monogen import __version__

VERSION_FLAGS = ("--version", "-V")


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] in VERSION_FLAGS:
        sys.stdout.write(f"monogen, version {__version__}\n")  # as click's version_option
        return
    if sys.argv[1:2] == ["lint"]:
        from monogen.lint.command import main as lint

        lint(sys.argv[2:])  # exits, unless the arguments are for the full command line
    from monogen.cli import main as cli_main

    cli_main()
