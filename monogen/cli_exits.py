"""How every command ends: exit codes, and bad input as positioned messages (exit 2),
never a traceback. Free of the command-line framework, so `monogen lint` of a small file
can run without importing it (monogen/lint/command.py)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 70
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

# terminal control characters a message could carry from input; shown escaped, never obeyed
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def say(text: str) -> None:
    """A line on standard error, control characters escaped; nothing if there is no
    standard error (closed, as by `2>&-`), as click.echo does."""
    if sys.stderr is None:
        return
    sys.stderr.write(_CONTROL.sub(lambda m: repr(m.group())[1:-1], text) + "\n")
    sys.stderr.flush()


def reports_errors(func: F) -> F:
    """Bad input becomes positioned messages and exit 2; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return guarded(func.__name__, lambda: func(*args, **kwargs))

    return wrapper  # type: ignore[return-value]


def guarded(command: str, call: Callable[[], T]) -> T:
    """`call()`, with bad input reported as positioned messages (exit 2), a closed pipe as
    a quiet stop, and anything else as a bug in monogen (exit 70)."""
    from monogen.spec.errors import SpecErrors

    try:
        return call()
    except SpecErrors as exc:
        for error in exc.errors:
            say(error.render())
        count = len(exc.errors)
        tail = "; nothing written" if command in ("build", "init") else ""
        say(f"{count} error{'s' if count != 1 else ''}{tail}.")
        sys.exit(EXIT_BAD_INPUT)
    except BrokenPipeError:
        # the reader went away (`monogen lint ... | head -1`): stop quietly, as a
        # process killed by SIGPIPE would, and keep Python from complaining at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(128 + 13)
    except (SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:
        if _command_line_control(exc) or os.environ.get("MONOGEN_DEBUG"):
            raise
        say(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  this is a bug in monogen; rerun with MONOGEN_DEBUG=1 for a traceback "
            "and report it"
        )
        sys.exit(EXIT_INTERNAL)


def _command_line_control(exc: Exception) -> bool:
    """A usage error or exit of the command-line framework: its own to report."""
    click = sys.modules.get("click")
    return click is not None and isinstance(exc, (click.exceptions.Exit, click.ClickException))
