"""The Typer application every command module registers with."""

import typer

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold settings with passwords
    help="monitor: watch news feeds for mobilization, border closures and emigration counts.",
)
