"""`monitor <noun> <verb>`: parse input, call the layers, render output.

This module imports nothing beyond the standard library: the console script imports it,
and so does every parse worker the daemon spawns (a spawned process re-imports the script
that started its parent), which needs none of Typer, rich or the commands.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """The console script: a MonitorError is one line on stderr and exit 1, never a traceback.

    Usage errors are Typer's: a message with the usage line, exit 2.
    """
    from monitor.cli.commands import app
    from monitor.errors import MonitorError

    try:
        app()
    except MonitorError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        sys.exit(1)
