"""Re-run detection over stored entries, after the rules improve."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from monitor.model import Event, StoredEntry
from monitor.pipeline.tracking import PolicyFor, store_detected
from monitor.pipeline.work import detect_entry
from monitor.store import entries as store_entries
from monitor.store.db import transaction


@dataclass(frozen=True, slots=True)
class ReprocessSummary:
    entries: int
    events: int
    skipped_language: int


def reprocess_entries(
    engine: Engine,
    *,
    since: datetime | None,
    clock: Callable[[], datetime],
    policy_for: PolicyFor,
    batch: int = 500,
) -> ReprocessSummary:
    """Replace each stored entry's events with what detection finds now, a batch a transaction.

    Indicators see the new events too: a fact the old rules missed can alert, while what was
    already tracked restates itself and alerts nothing (dedup keys make a re-run a no-op).
    """
    entries = events = skipped = 0

    def detect_counted(entry: StoredEntry) -> tuple[Event, ...]:
        nonlocal skipped
        found, was_skipped = detect_entry(entry)
        skipped += was_skipped
        return found

    def store(chunk: list[StoredEntry]) -> None:
        nonlocal entries, events
        with transaction(engine) as session:
            events += store_detected(
                session, chunk, detect_counted, now=clock(), policy_for=policy_for
            )
        entries += len(chunk)

    chunk: list[StoredEntry] = []
    with transaction(engine, readonly=True) as reader:  # streams; batches written apart
        for entry in store_entries.iter_entries(reader, since=since, batch=batch):
            chunk.append(entry)
            if len(chunk) == batch:
                store(chunk)
                chunk = []
    if chunk:
        store(chunk)
    return ReprocessSummary(entries, events, skipped)
