"""How every command ends: exit codes, and bad input as positioned messages (exit 2),
never a traceback."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70
F = TypeVar("F", bound=Callable[..., Any])


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
            tail = "; nothing written" if func.__name__ in ("build", "init") else ""
            click.echo(f"{count} error{'s' if count != 1 else ''}{tail}.", err=True)
            sys.exit(EXIT_BAD_INPUT)
        except BrokenPipeError:
            # the reader went away (`monogen lint ... | head -1`): stop quietly, as a
            # process killed by SIGPIPE would, and keep Python from complaining at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(128 + 13)
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
