"""`monitor feeds ...`: the feed list."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.table import Table

from monitor.cli.app import app
from monitor.cli.common import (
    console,
    err_console,
    now,
    open_engine,
    print_json_lines,
    settings,
    when,
)
from monitor.errors import MonitorError
from monitor.model import Feed

# The store (SQLAlchemy) and the OPML reader are imported by the commands that use them,
# so that `monitor --help` starts fast.

feeds_app = typer.Typer(no_args_is_help=True, help="Add, list, remove, import and export feeds.")
app.add_typer(feeds_app, name="feeds")


def checked_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise typer.BadParameter(
            f"{url!r} is not an http(s) URL (e.g. https://example.org/feed.xml)"
        )
    return url.strip()


@feeds_app.command("add")
def add(
    url: Annotated[str, typer.Argument(help="The feed's http(s) URL.", callback=checked_url)],
    interval: Annotated[int | None, typer.Option(help="Seconds between polls.", min=1)] = None,
    title: Annotated[str | None, typer.Option(help="A title until the feed gives its own.")] = None,
) -> None:
    """Add a feed; it is polled on the next tick."""
    from monitor.store.db import transaction
    from monitor.store.feeds import add_feed

    config = settings()
    seconds = interval or config.poll_interval
    if not config.min_interval <= seconds <= config.max_interval:
        raise typer.BadParameter(
            f"must lie between {config.min_interval} and {config.max_interval} seconds",
            param_hint="--interval",
        )
    engine = open_engine(config)
    with transaction(engine) as session:
        feed = add_feed(session, url, title=title, interval_seconds=seconds, now=now())
    err_console.print(f"Added feed {feed.id}: {feed.url}")


@feeds_app.command("list")
def list_(
    json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")] = False,
) -> None:
    """The feeds with their status, last error and next poll."""
    from monitor.store.db import transaction
    from monitor.store.feeds import list_feeds

    engine = open_engine(settings())
    with transaction(engine) as session:
        feeds = list_feeds(session)
    if json:
        print_json_lines(dataclasses.asdict(feed) for feed in feeds)
        return
    table = Table("id", "url", "title", "status", "last poll", "next poll", "errors", "last error")
    for feed in feeds:
        table.add_row(
            str(feed.id),
            feed.url,
            feed.title or "",
            feed_status(feed),
            when(feed.last_polled_at),
            when(feed.next_poll_at) if feed.enabled else "-",
            str(feed.error_count),
            feed.disabled_reason or feed.last_error or "",
        )
    console.print(table)


def feed_status(feed: Feed) -> str:
    if not feed.enabled:
        return "disabled"
    if feed.last_status is None:
        return "new"
    return "error" if feed.error_count else f"ok ({feed.last_status})"


@feeds_app.command("remove")
def remove(feed: Annotated[str, typer.Argument(help="The feed's id or URL.")]) -> None:
    """Remove a feed with its entries and events."""
    from monitor.store.db import transaction
    from monitor.store.feeds import remove_feed

    engine = open_engine(settings())
    with transaction(engine) as session:
        removed = remove_feed(session, int(feed) if feed.isdigit() else feed)
    err_console.print(f"Removed feed {removed.id}: {removed.url}")


@feeds_app.command("import-opml")
def import_opml(
    file: Annotated[
        Path, typer.Argument(help="An OPML file, or - for standard input.", allow_dash=True)
    ],
) -> None:
    """Add every feed of an OPML file; feeds already present are left as they are."""
    from monitor.feeds.opml import read_opml
    from monitor.pipeline.feedlist import add_feeds

    config = settings()
    data = sys.stdin.buffer.read() if str(file) == "-" else read_file(file)
    outlines = read_opml(data, source="standard input" if str(file) == "-" else str(file))
    engine = open_engine(config)
    added = add_feeds(engine, outlines, interval_seconds=config.poll_interval, now=now())
    err_console.print(f"Imported {added} new feeds ({len(outlines) - added} already present).")


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise MonitorError(f"cannot read {path}: {exc.strerror}") from None


@feeds_app.command("export-opml")
def export_opml() -> None:
    """Print the feed list as OPML."""
    from monitor.feeds.opml import write_opml
    from monitor.store.db import transaction
    from monitor.store.feeds import list_feeds

    engine = open_engine(settings())
    with transaction(engine) as session:
        feeds = list_feeds(session)
    sys.stdout.write(write_opml([(feed.url, feed.title) for feed in feeds]))
