"""End to end through the poll round and the send job, on SQLite and PostgreSQL: the demo
feed server's seed story, its update 66,000 -> 97,000, a re-poll, the story in a second feed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from monitor.demo.catalog import load_demo_feeds
from monitor.demo.server import DemoServer
from monitor.model import ChangeType, EventKind, Figure, IndicatorKey, Qualifier
from monitor.pipeline.outbox import send_pending
from monitor.pipeline.poll import PollSummary
from monitor.pipeline.tracking import policies_from
from monitor.store import feeds, indicators, outbox
from monitor.store.db import transaction
from tests.pipeline.test_outbox import Sink, serve_sink
from tests.rounds import run_round

RU_EU = IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people")
POLICY = policies_from(
    {EventKind.EMIGRATION: "10%", EventKind.MOBILIZATION: "10%"}, alert_first_seen=True
)


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    server = DemoServer(("127.0.0.1", 0), load_demo_feeds())
    server.start_in_thread()
    yield server
    server.stop()


@pytest.fixture
def sink() -> Iterator[Sink]:
    with serve_sink() as state:
        yield state


def now() -> datetime:
    return datetime.now(UTC)


def poll(engine: sa.Engine) -> PollSummary:
    return run_round(engine, clock=now, policy_for=POLICY)


def alerts(engine: sa.Engine) -> list[outbox.AlertView]:
    with transaction(engine, readonly=True) as s:
        return outbox.list_alerts(s, limit=500)


def ru_eu(engine: sa.Engine) -> indicators.IndicatorView:
    with transaction(engine, readonly=True) as s:
        (view,) = indicators.list_indicators(s, kind=EventKind.EMIGRATION, counterpart="EU")
    return view


def send(engine: sa.Engine, sink: Sink) -> int:
    summary = send_pending(
        engine,
        targets_for=lambda kind: [sink.url()],
        clock=now,
        max_attempts=3,
        retry_base_seconds=30,
        digest_after=100,
        digest_window_seconds=600,
        owner="test",
    )
    return summary.delivered


def test_seed_story_update_repoll_and_second_feed(
    engine: sa.Engine, demo: DemoServer, sink: Sink
) -> None:
    wire, europe = (f for f in demo.feeds if f.name in ("demo-wire", "demo-europe"))
    with transaction(engine) as s:
        feeds.add_feed(s, demo.base_url + wire.path.lstrip("/"), interval_seconds=900, now=now())
    poll(engine)
    first = alerts(engine)
    with transaction(engine, readonly=True) as s:
        tracked = indicators.list_indicators(s)
    assert len(first) == len(tracked) >= 2  # one alert per indicator
    assert ru_eu(engine).figure == Figure(66_000, Qualifier.APPROX)
    assert send(engine, sink) == len(first)
    assert len(sink.keys()) == len(first)

    # The same story in a second feed: a source more, nothing sent.
    with transaction(engine) as s:
        feeds.add_feed(s, demo.base_url + europe.path.lstrip("/"), interval_seconds=900, now=now())
    poll(engine)
    assert ru_eu(engine).source_count == 2
    europe_first = len(alerts(engine)) - len(first)  # the second feed's own other stories

    # The update: exactly one change alert with both values and both sources.
    demo.advance()
    poll(engine)
    assert ru_eu(engine).figure == Figure(97_000, Qualifier.APPROX)
    new = alerts(engine)[: len(alerts(engine)) - len(first) - europe_first]
    changes = [a.change for a in new if a.change.key == RU_EU]
    assert len(changes) == 1
    (change,) = changes
    assert change.change_type is ChangeType.INCREASE
    assert change.old_figure == Figure(66_000, Qualifier.APPROX)
    assert change.new_figure == Figure(97_000, Qualifier.APPROX)
    assert change.old_source is not None and "66,000" in change.old_source.title
    assert "97,000" in change.new_source.title
    sent_before = len(sink.bodies)
    assert send(engine, sink) == len(new) + europe_first

    # A re-poll sends nothing.
    count = len(alerts(engine))
    poll(engine)
    assert len(alerts(engine)) == count
    assert send(engine, sink) == 0
    assert len(sink.bodies) == sent_before + len(new) + europe_first
