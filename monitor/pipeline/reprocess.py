"""Re-run detection over stored entries, after the rules improve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from monitor.pipeline.work import detect_entry
from monitor.store import entries as store_entries
from monitor.store import events as store_events
from monitor.store.db import transaction


@dataclass(frozen=True, slots=True)
class ReprocessSummary:
    entries: int
    events: int
    skipped_language: int


def reprocess_entries(
    engine: Engine, *, since: datetime | None, clock: Callable[[], datetime], batch: int = 500
) -> ReprocessSummary:
    """Replace each stored entry's events with what detection finds now, a batch a transaction."""
    entries = events = skipped = 0
    with transaction(engine) as reader:
        pending = list(store_entries.iter_entries(reader, since=since, batch=batch))
    for start in range(0, len(pending), batch):
        with transaction(engine) as session:
            chunk = pending[start : start + batch]
            seen_elsewhere = store_entries.fingerprints_seen_elsewhere(session, chunk)
            for entry in chunk:
                found, was_skipped = detect_entry(entry)
                if entry.fingerprint in seen_elsewhere:
                    found = ()
                store_events.replace_events(session, entry, found, now=clock())
                entries += 1
                events += len(found)
                skipped += was_skipped
    return ReprocessSummary(entries, events, skipped)
