"""The Typer app with every command registered (each command module adds its own)."""

from monitor.cli import alerts_cmds, daemon_cmds, demo_cmd, extract, feeds, history  # noqa: F401
from monitor.cli.app import app

__all__ = ["app"]
