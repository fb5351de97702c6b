"""`monitor <noun> <verb>`: parse input, call the layers, render output."""

from __future__ import annotations

import sys

# Each command module registers its commands with `app` when imported.
from monitor.cli import alerts_cmds, daemon_cmds, demo_cmd, extract, feeds, history  # noqa: F401
from monitor.cli.app import app
from monitor.errors import MonitorError

__all__ = ["app", "main"]


def main() -> None:
    """The console script: a MonitorError is one line on stderr and exit 1, never a traceback.

    Usage errors are Typer's: a message with the usage line, exit 2.
    """
    try:
        app()
    except MonitorError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(1)
