"""Events: what detection found in an entry, replaced whole when the entry is processed again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, delete, insert, select
from sqlalchemy.orm import Session

from monitor.model import (
    BorderStatus,
    Event,
    EventKind,
    Figure,
    Qualifier,
    StoredEntry,
    StoredEvent,
)
from monitor.store.entries import IN_CHUNK
from monitor.store.tables import EntryRow, EventRow

EVENTS = cast(Table, EventRow.__table__)
_DELETE = delete(EVENTS).where(EVENTS.c.entry_id.in_(bindparam("entry_ids", expanding=True)))
_INSERT = insert(EVENTS).returning(EVENTS.c.id, sort_by_parameter_order=True)


def _values(entry: StoredEntry, event: Event, now: datetime) -> dict[str, Any]:
    figure = event.figure
    return {
        "entry_id": entry.id,
        "feed_id": entry.feed_id,
        "kind": event.kind.value,
        "country": event.country,
        "counterpart": event.counterpart,
        "value": figure.value if figure else None,
        "unit": figure.unit if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "status": event.status.value if event.status else None,
        "period_start": event.period_start,
        "period_end": event.period_end,
        "evidence": event.evidence,
        "confidence": event.confidence,
        "published": entry.published or entry.fetched_at,
        "detected_at": now,
    }


def replace_events(
    s: Session, entry: StoredEntry, events: Sequence[Event], *, now: datetime
) -> list[int]:
    """Delete the entry's previous events and store these; returns their ids, in order.

    Processing an entry again never duplicates its events. An event's `published` is the
    entry's published date, or its fetch time when the feed gave no date.
    """
    return replace_events_many(s, [(entry, events)], now=now)


def replace_events_many(
    s: Session, found: Sequence[tuple[StoredEntry, Sequence[Event]]], *, now: datetime
) -> list[int]:
    """`replace_events` for many entries in two statements (one DELETE, one INSERT):
    pass every entry of a poll, those with no events too. Returns the new ids in order."""
    connection = s.connection()
    entry_ids = [entry.id for entry, _ in found]
    for start in range(0, len(entry_ids), IN_CHUNK):
        chunk = entry_ids[start : start + IN_CHUNK]
        connection.execute(_DELETE, {"entry_ids": chunk})
    values = [_values(entry, event, now) for entry, events in found for event in events]
    if not values:
        return []
    return list(connection.execute(_INSERT, values).scalars())


def _to_event(row: Row[*tuple[Any, ...]]) -> Event:
    figure = None
    if row.value is not None:
        figure = Figure(value=row.value, qualifier=Qualifier(row.qualifier), unit=row.unit)
    return Event(
        kind=EventKind(row.kind),
        country=row.country,
        evidence=row.evidence,
        counterpart=row.counterpart,
        figure=figure,
        status=BorderStatus(row.status) if row.status else None,
        period_start=row.period_start,
        period_end=row.period_end,
        confidence=row.confidence,
    )


def _to_stored(row: Row[*tuple[Any, ...]]) -> StoredEvent:
    return StoredEvent(
        id=row.id,
        entry_id=row.entry_id,
        feed_id=row.feed_id,
        event=_to_event(row),
        published=row.published,
        detected_at=row.detected_at,
        link=row.link,
    )


def list_events(
    s: Session,
    *,
    kind: EventKind | None = None,
    country: str | None = None,
    counterpart: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    feed_id: int | None = None,
    limit: int = 100,
) -> list[StoredEvent]:
    """Stored events, newest published first. `since` is inclusive, `until` exclusive."""
    query = select(EVENTS, EntryRow.link).join(EntryRow, EntryRow.id == EVENTS.c.entry_id)
    filters = (
        (EVENTS.c.kind, kind.value if kind else None),
        (EVENTS.c.country, country),
        (EVENTS.c.counterpart, counterpart),
        (EVENTS.c.feed_id, feed_id),
    )
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(EVENTS.c.published >= since)
    if until is not None:
        query = query.where(EVENTS.c.published < until)
    query = query.order_by(EVENTS.c.published.desc(), EVENTS.c.id.desc()).limit(limit)
    return [_to_stored(row) for row in s.connection().execute(query)]
