"""The `monogen` command's entry point. `--version` (or `-V`) alone is answered here, before
click and the spec stack are imported (about 100 ms on a loaded 2-core machine), so a
version check in a hook or a CI log costs little more than the interpreter's start-up;
everything else goes to the command line in monogen.cli."""

from __future__ import annotations

import sys

from monogen import __version__

VERSION_FLAGS = ("--version", "-V")


def main() -> None:
    if len(sys.argv) == 2 and sys.argv[1] in VERSION_FLAGS:
        sys.stdout.write(f"monogen, version {__version__}\n")  # as click's version_option
        return
    from monogen.cli import main as cli_main

    cli_main()
