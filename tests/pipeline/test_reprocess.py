"""`monitor reprocess` runs detection again over stored entries: nothing doubles or re-alerts."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from monitor.model import NewEntry
from monitor.pipeline.reprocess import reprocess_entries
from monitor.pipeline.tracking import policies_from
from monitor.store import entries, feeds
from monitor.store import events as store_events
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLICY = policies_from({}, alert_first_seen=True)


def new_entry(guid: str, title: str, summary: str) -> NewEntry:
    return NewEntry(guid, None, title, summary, T0, fingerprint=f"fp-{guid}")


def test_reprocess_replaces_events_and_alerts_once(engine: sa.Engine) -> None:
    stories = [
        new_entry("a", "Finland closes border", "Finland has closed its border with Russia."),
        new_entry("b", "Call-up", "As many as 300,000 reservists were called up in Russia."),
        new_entry("c", "Football", "The home side won 3-1 on Saturday."),
    ]
    with transaction(engine) as s:
        feed = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
        entries.store_entries(s, feed.id, stories, fetched_at=T0)

    first = reprocess_entries(engine, since=None, clock=lambda: T0, policy_for=POLICY, batch=2)
    again = reprocess_entries(engine, since=None, clock=lambda: T0, policy_for=POLICY, batch=2)

    assert (first.entries, first.events) == (3, 2)
    assert (again.entries, again.events) == (3, 2)
    with transaction(engine) as s:
        assert len(store_events.list_events(s)) == 2
        kinds = sorted(e.event.kind for e in store_events.list_events(s))
        alerts = store_outbox.list_alerts(s, limit=100)
    assert kinds == ["border_closure", "mobilization"]
    assert len(alerts) == 2  # one per indicator, not one per run


def test_reprocess_since_skips_older_entries(engine: sa.Engine) -> None:
    with transaction(engine) as s:
        feed = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
        entries.store_entries(
            s, feed.id, [new_entry("a", "t", "Finland has closed its border.")], fetched_at=T0
        )
    later = datetime(2026, 4, 1, tzinfo=UTC)
    summary = reprocess_entries(engine, since=later, clock=lambda: T0, policy_for=POLICY)
    assert summary.entries == 0


def test_one_story_twice_in_one_batch_is_detected_once(engine: sa.Engine) -> None:
    text = "Finland has closed its border with Russia."
    twins = [
        NewEntry("a", None, "Finland shuts border", text, T0, fingerprint="same-story"),
        NewEntry("b", None, "Finland shuts border", text, T0, fingerprint="same-story"),
    ]
    with transaction(engine) as s:
        feed = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
        entries.store_entries(s, feed.id, twins, fetched_at=T0)
    summary = reprocess_entries(engine, since=None, clock=lambda: T0, policy_for=POLICY)
    assert (summary.entries, summary.events) == (2, 1)
