"""Events: replaced whole per entry, listed newest first with filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from monitor.model import (
    BorderStatus,
    Event,
    EventKind,
    Figure,
    NewEntry,
    Qualifier,
    StoredEntry,
)
from monitor.store import entries, events, feeds
from monitor.store.db import transaction

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)

CALL_UP = Event(
    kind=EventKind.MOBILIZATION,
    country="RU",
    evidence="Russia will call up 300,000 reservists.",
    figure=Figure(300_000, Qualifier.UP_TO),
    period_start=date(2026, 2, 1),
    period_end=date(2026, 4, 30),
    confidence=0.9,
)
CLOSURE = Event(
    kind=EventKind.BORDER_CLOSURE,
    country="FI",
    counterpart="RU",
    evidence="Finland closed its border with Russia.",
    status=BorderStatus.CLOSED,
)
LEAVERS = Event(
    kind=EventKind.EMIGRATION,
    country="RU",
    counterpart="KZ",
    evidence="About 100,000 Russians entered Kazakhstan.",
    figure=Figure(100_000, Qualifier.APPROX),
)


def add_entries(engine: sa.Engine, published: list[datetime | None]) -> list[StoredEntry]:
    with transaction(engine) as s:
        feed_id = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0).id
        batch = [
            NewEntry(str(n), f"https://n.example/{n}", f"t{n}", "s", when, f"fp{n}")
            for n, when in enumerate(published)
        ]
        return entries.store_entries(s, feed_id, batch, fetched_at=T0)


def test_replace_events_round_trip_and_idempotence(engine: sa.Engine) -> None:
    (entry,) = add_entries(engine, [T0 - DAY])
    with transaction(engine) as s:
        ids = events.replace_events(s, entry, [CALL_UP, CLOSURE], now=T0)
    with transaction(engine) as s:
        again = events.replace_events(s, entry, [CALL_UP, CLOSURE], now=T0 + DAY)
        listed = events.list_events(s)
        assert s.execute(sa.text("SELECT count(*) FROM events")).scalar() == 2
    assert len(ids) == len(again) == 2
    assert [e.event for e in listed] == [CLOSURE, CALL_UP]  # same published: newest id first
    first = listed[1]
    assert (first.id, first.entry_id, first.feed_id) == (again[0], entry.id, entry.feed_id)
    assert (first.published, first.detected_at, first.link) == (
        T0 - DAY,
        T0 + DAY,
        "https://n.example/0",
    )
    with transaction(engine) as s:
        assert events.replace_events(s, entry, [], now=T0) == []
        assert events.list_events(s) == []


def test_list_events_filters_and_order(engine: sa.Engine) -> None:
    old, new, undated = add_entries(engine, [T0 - 10 * DAY, T0 - DAY, None])
    with transaction(engine) as s:
        events.replace_events(s, old, [CALL_UP, LEAVERS], now=T0)
        events.replace_events(s, new, [CLOSURE, CALL_UP], now=T0)
        events.replace_events(s, undated, [LEAVERS], now=T0)

    def kinds(**filters: object) -> list[tuple[str, datetime | None]]:
        with transaction(engine, readonly=True) as s:
            found = events.list_events(s, **filters)  # type: ignore[arg-type]
        return [(e.event.kind.value, e.published) for e in found]

    assert kinds() == [
        ("emigration", T0),  # undated: its fetch time
        ("mobilization", T0 - DAY),
        ("border_closure", T0 - DAY),
        ("emigration", T0 - 10 * DAY),
        ("mobilization", T0 - 10 * DAY),
    ]
    assert kinds(kind=EventKind.MOBILIZATION) == [
        ("mobilization", T0 - DAY),
        ("mobilization", T0 - 10 * DAY),
    ]
    assert kinds(country="FI") == [("border_closure", T0 - DAY)]
    assert kinds(country="RU", counterpart="KZ") == [
        ("emigration", T0),
        ("emigration", T0 - 10 * DAY),
    ]
    assert kinds(since=T0 - DAY, until=T0) == [
        ("mobilization", T0 - DAY),
        ("border_closure", T0 - DAY),
    ]
    assert kinds(limit=1) == [("emigration", T0)]
    assert kinds(feed_id=old.feed_id + 1) == []
    assert len(kinds(feed_id=old.feed_id)) == 5


def test_events_go_with_their_entry(engine: sa.Engine) -> None:
    (entry,) = add_entries(engine, [T0])
    with transaction(engine) as s:
        events.replace_events(s, entry, [CALL_UP], now=T0)
    with transaction(engine) as s:
        feeds.remove_feed(s, entry.feed_id)
    with transaction(engine) as s:
        assert events.list_events(s) == []
        assert s.execute(sa.text("SELECT count(*) FROM events")).scalar() == 0


def test_replace_events_many(engine: sa.Engine) -> None:
    one, two, three = add_entries(engine, [T0 - 2 * DAY, T0 - DAY, T0])
    with transaction(engine) as s:
        events.replace_events(s, one, [CALL_UP], now=T0)
        events.replace_events(s, two, [CLOSURE], now=T0)
    with transaction(engine) as s:
        ids = events.replace_events_many(
            s, [(one, []), (two, [LEAVERS, CALL_UP]), (three, [CLOSURE])], now=T0
        )
        listed = events.list_events(s)
        assert events.replace_events_many(s, [], now=T0) == []
    assert len(ids) == 3
    assert [(e.entry_id, e.event) for e in listed] == [
        (three.id, CLOSURE),
        (two.id, CALL_UP),
        (two.id, LEAVERS),
    ]
    assert [e.id for e in reversed(listed)] == ids
