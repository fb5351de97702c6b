"""`monitor run`, `poll`, `check`, `db`, `reprocess`: the daemon and its upkeep."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from monitor.cli.app import app
from monitor.cli.common import console, err_console, now, open_engine, settings

# The daemon (aiohttp, apprise, APScheduler), the pipeline and the store are imported by
# the commands that use them, so that every other command starts fast.

db_app = typer.Typer(no_args_is_help=True, help="The database schema.")
app.add_typer(db_app, name="db")


@app.command("run")
def run() -> None:
    """Run the daemon in the foreground (systemd: Type=notify)."""
    from monitor import daemon

    raise typer.Exit(daemon.run_daemon(settings()))


@app.command("poll")
def poll(
    once: Annotated[bool, typer.Option("--once", help="Poll once and exit (required).")] = False,
    all_feeds: Annotated[
        bool, typer.Option("--all", help="Poll every enabled feed, due or not.")
    ] = False,
) -> None:
    """Poll the due feeds (or all of them) once and print a summary."""
    import asyncio

    from monitor import daemon

    if not once:
        raise typer.BadParameter(
            "only --once is supported; `monitor run` polls on a schedule", param_hint="--once"
        )
    summary = asyncio.run(daemon.poll_once(settings(), include_not_due=all_feeds))
    errors = ", ".join(f"{code}={n}" for code, n in sorted(summary.error_codes.items()))
    console.print(
        f"feeds={summary.feeds} new_entries={summary.new_entries} events={summary.events} "
        f"not_modified={summary.not_modified} unchanged={summary.unchanged_bodies} "
        f"errors={summary.errors}{f' ({errors})' if errors else ''} seconds={summary.seconds:.2f}"
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema to this version's."""
    from monitor.store.db import schema_state, upgrade_schema

    engine = open_engine(settings(), check_schema=False)
    upgrade_schema(engine)
    state = schema_state(engine)
    err_console.print(f"Database schema is at {state.current} (head).")


@app.command("check")
def check() -> None:
    """Validate the settings, connect to the database and report the schema state."""
    from monitor.daemon import check_alert_targets
    from monitor.store.db import schema_state, transaction
    from monitor.store.entries import count_entries
    from monitor.store.feeds import list_feeds

    config = settings()
    targets = check_alert_targets(config)
    console.print(f"settings: ok ({targets} alert targets)")
    engine = open_engine(config, check_schema=False)
    state = schema_state(engine)
    console.print(f"database: ok ({engine.url.render_as_string(hide_password=True)})")
    if not state.is_current:
        console.print(
            f"schema: at {state.current or 'none'}, needs {state.head}: run `monitor db upgrade`"
        )
        raise typer.Exit(1)
    with transaction(engine) as session:
        feeds = list_feeds(session)
        entries = count_entries(session)
    console.print(f"schema: current ({state.head}); {len(feeds)} feeds, {entries} entries")


def parse_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD or ISO 8601)") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@app.command("reprocess")
def reprocess(
    since: Annotated[str | None, typer.Option(help="Only entries fetched since this date.")] = None,
) -> None:
    """Re-run detection over stored entries; each entry's events are replaced, never duplicated."""
    from monitor import daemon
    from monitor.pipeline.reprocess import reprocess_entries

    config = settings()
    engine = open_engine(config)
    summary = reprocess_entries(
        engine, since=parse_since(since), clock=now, policy_for=daemon.alert_policies(config)
    )
    console.print(
        f"entries={summary.entries} events={summary.events} "
        f"skipped_language={summary.skipped_language}"
    )
