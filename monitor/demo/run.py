"""`monitor demo`: the real daemon, offline, against the bundled feeds; alerts to a local sink.

Round one finds the stories; then the demo feed server moves to its second edition, where
a weekly emigration figure rises and a border closes, and round two alerts on the changes.
"""

from __future__ import annotations

import asyncio
import signal
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine

from monitor.config import Settings, load_settings
from monitor.daemon import Daemon, open_poller, utc_now
from monitor.demo.server import start_demo_server
from monitor.demo.sink import AlertSink
from monitor.feeds.opml import read_opml
from monitor.model import StoredEvent
from monitor.pipeline.feedlist import add_feeds
from monitor.store import entries as store_entries
from monitor.store import events as store_events
from monitor.store.db import connect, transaction, upgrade_schema

QUIET_SECONDS = 2.5  # no new alert for this long: the send tick has caught up
PHASE_TIMEOUT = 60.0


@dataclass(frozen=True, slots=True)
class DemoResult:
    feeds: int
    entries: int
    events: int
    alerts: int


def demo_settings(state_dir: Path, sink: AlertSink) -> Settings:
    return load_settings(
        database_url=f"sqlite:///{state_dir / 'demo.db'}",
        poll_interval=5,
        min_interval=1,
        poll_tick=1.0,
        send_tick=1.0,
        alert_urls=[sink.target_url],
        alert_digest_after=100,
        migrate_on_start=True,
    )


def import_feeds(engine: Engine, opml_url: str, interval: int) -> int:
    with urllib.request.urlopen(opml_url, timeout=10) as response:  # noqa: S310 (local server)
        outlines = read_opml(response.read(), source=opml_url)
    add_feeds(engine, outlines, interval_seconds=interval, now=utc_now())
    return len(outlines)


def count_entries(engine: Engine) -> int:
    with transaction(engine) as session:
        return store_entries.count_entries(session)


async def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PHASE_TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"the demo timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def wait_quiet(sink: AlertSink) -> None:
    seen, since = len(sink.received), time.monotonic()
    while time.monotonic() - since < QUIET_SECONDS:
        await asyncio.sleep(0.2)
        if len(sink.received) != seen:
            seen, since = len(sink.received), time.monotonic()


def events_table(events: list[StoredEvent]) -> Table:
    table = Table("kind", "country", "figure", "status", title="Events found", expand=True)
    table.add_column("evidence", no_wrap=True, overflow="ellipsis", ratio=1)
    for stored in events:
        event = stored.event
        figure = f"{event.figure.qualifier} {event.figure.value:,}" if event.figure else ""
        actor = event.country + (f"→{event.counterpart}" if event.counterpart else "")
        table.add_row(event.kind, actor, figure, event.status or "", event.evidence)
    return table


async def run_demo(state_dir: Path, console: Console) -> DemoResult:
    server, base_url = start_demo_server()

    def show_alert(title: str, body: str) -> None:
        console.print(f"[bold green]ALERT[/] {title}")
        for line in body.splitlines()[:6]:
            console.print(f"    {line}", highlight=False, markup=False)

    sink = AlertSink(show_alert)
    try:
        settings = demo_settings(state_dir, sink)
        engine = connect(settings.resolved_database_url)
        upgrade_schema(engine)
        feeds = import_feeds(engine, base_url + "feeds.opml", settings.poll_interval)
        console.print(f"Demo feed server at {base_url} with {feeds} feeds of synthetic news.")
        async with open_poller(settings, engine, utc_now) as poller:
            daemon = Daemon(settings, engine, poller)
            running = asyncio.create_task(daemon.run())
            await wait_for(lambda: count_entries(engine) > 0, "the first poll")
            await wait_quiet(sink)
            with transaction(engine) as session:
                found = store_events.list_events(session, limit=1000)
            console.print(f"Round one: {count_entries(engine)} entries, {len(found)} events.")
            console.print(events_table(found))
            first = count_entries(engine)
            server.advance()
            console.print("The feed server moves to its second edition: figures change.")
            await wait_for(lambda: count_entries(engine) > first, "the second edition")
            await wait_quiet(sink)
            daemon.request_stop(signal.SIGTERM)
            await running
        with transaction(engine) as session:
            events = len(store_events.list_events(session, limit=10_000))
        result = DemoResult(feeds, count_entries(engine), events, len(sink.received))
        engine.dispose()
        return result
    finally:
        sink.stop()
        server.stop()
