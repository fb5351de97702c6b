"""Events: what detection found in an entry, replaced whole when the entry is processed again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select
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
from monitor.store.tables import EntryRow, EventRow


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
    s.execute(delete(EventRow).where(EventRow.entry_id == entry.id))
    if not events:
        return []
    statement = insert(EventRow).returning(EventRow.id, sort_by_parameter_order=True)
    return list(s.scalars(statement, [_values(entry, event, now) for event in events]).all())


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
    query = select(EventRow.__table__, EntryRow.link).join(
        EntryRow, EntryRow.id == EventRow.entry_id
    )
    filters = (
        (EventRow.kind, kind.value if kind else None),
        (EventRow.country, country),
        (EventRow.counterpart, counterpart),
        (EventRow.feed_id, feed_id),
    )
    for column, value in filters:
        if value is not None:
            query = query.where(column == value)
    if since is not None:
        query = query.where(EventRow.published >= since)
    if until is not None:
        query = query.where(EventRow.published < until)
    query = query.order_by(EventRow.published.desc(), EventRow.id.desc()).limit(limit)
    return [_to_stored(row) for row in s.execute(query)]
