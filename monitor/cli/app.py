"""The Typer application every command module registers with."""

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="monitor: watch news feeds for mobilization, border closures and emigration counts.",
)
