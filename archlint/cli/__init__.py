"""The command line: parse arguments, call the engine, render with a formatter, pick the exit code.

Each command lives in its own module and registers itself on ``app``; this module is the
entry point (``archlint PATH`` is ``archlint check PATH``).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import NoReturn

from archlint.cli import check as _check
from archlint.cli import graph as _graph
from archlint.cli import project as _project
from archlint.cli import rules as _rules
from archlint.cli.app import COMMANDS, EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, app

__all__ = ["app", "main"]
_REGISTERED = (_check, _graph, _project, _rules)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM: stop now; workers die with the parent, the cache is written atomically."""
    sys.stderr.flush()
    os._exit(128 + signum)


def _interrupted() -> NoReturn:
    """Ctrl-C: quietly, at once, without waiting for workers (they die with this process)."""
    sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    """Entry point: ``archlint PATH`` means ``archlint check PATH``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or (args[0] not in COMMANDS and args[0] not in ("--help", "-h", "--version")):
        args.insert(0, "check")
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)
        # Also when started with SIGINT ignored (a background job of a script): Ctrl-C or
        # kill -INT stops archlint like any command.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        code = app(args=args, prog_name="archlint", standalone_mode=False)
    except KeyboardInterrupt:
        _interrupted()
    except SystemExit:
        raise
    except Exception as exc:  # a bug of ours: one clear line, never a traceback
        # Click's own errors (typer may vendor click, so they are recognised by shape): a
        # usage error is one line like every other error; Abort is Ctrl-C at a prompt.
        if type(exc).__name__ == "Abort":
            _interrupted()
        message = getattr(exc, "format_message", None)
        if callable(message) and getattr(exc, "exit_code", None) == EXIT_ERROR:
            ctx = getattr(exc, "ctx", None)
            name = getattr(ctx, "info_name", None)
            hint = (
                f" (see `archlint {name} --help`)"
                if name and name != "archlint"
                else " (see `archlint --help`)"
            )
            print(f"archlint: error: {message()}{hint}", file=sys.stderr)
            sys.exit(EXIT_ERROR)
        if os.environ.get("ARCHLINT_DEBUG"):
            raise
        detail = " ".join(str(exc).split())
        if len(detail) > 300:
            detail = detail[:300] + "..."
        print(
            f"archlint: internal error: {type(exc).__name__}: {detail} "
            "(set ARCHLINT_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        sys.exit(EXIT_ERROR)
    if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into this exit code: leave at once
        _interrupted()
    sys.exit(code if isinstance(code, int) else EXIT_CLEAN)
