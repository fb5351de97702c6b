"""`monitor demo`: see monitor work in under a minute, offline."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from monitor.cli.app import app
from monitor.cli.common import console


@app.command("demo")
def demo(
    keep: Annotated[
        Path | None, typer.Option(help="Keep the demo database in this directory.")
    ] = None,
) -> None:
    """Run the daemon against a local server of sample news; alerts go to a local sink."""
    import asyncio

    from monitor.config import LogFormat
    from monitor.demo.run import run_demo  # the daemon and its libraries
    from monitor.log import setup_logging

    setup_logging("WARNING", LogFormat.TEXT)  # the demo tells its own story on stdout
    with tempfile.TemporaryDirectory(prefix="monitor-demo-") as scratch:
        state_dir = keep or Path(scratch)
        state_dir.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(run_demo(state_dir, console))
    console.print(
        f"Demo done: {result.feeds} feeds, {result.entries} entries, {result.events} events, "
        f"{result.alerts} alerts delivered."
    )
