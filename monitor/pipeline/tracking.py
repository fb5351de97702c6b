"""Events become indicator readings and alerts, inside the poll round's store transaction.

The poll round calls `store_detected_per_feed` with the new entries of the feeds it stores
in one transaction: it replaces their events, and for an entry whose story (fingerprint)
another entry already told it adds a source instead (`add_duplicate_source`). An
`IndicatorWriter` locks the indicators once, `monitor.track` decides, and the readings and
the outbox rows are written in the caller's transaction: an alert exists exactly when its
change is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from monitor.model import Event, EventKind, IndicatorKey, Source, StoredEntry
from monitor.store import entries as store_entries
from monitor.store import events as store_events
from monitor.store import indicators as store_indicators
from monitor.store import outbox as store_outbox
from monitor.store.indicators import CurrentValue, NewValue, Reading
from monitor.store.readings import IndicatorWriter
from monitor.track import (
    Decision,
    IndicatorState,
    Observation,
    Outcome,
    Policy,
    Threshold,
    apply_duplicate,
    apply_observation,
    observation_of,
    parse_threshold,
    select_observations,
)

PolicyFor = Callable[[IndicatorKey], Policy]
DEFAULT_POLICY = Policy(threshold=Threshold(10, relative=True), alert_first_seen=True)


def default_policy(_key: IndicatorKey) -> Policy:
    return DEFAULT_POLICY


def policies_from(thresholds: Mapping[EventKind, str], *, alert_first_seen: bool) -> PolicyFor:
    """The policy per kind from the settings (threshold_mobilization, threshold_emigration,
    alert_on_first_seen); a kind without a threshold uses 10%."""
    parsed = {kind: parse_threshold(text) for kind, text in thresholds.items()}

    def policy_for(key: IndicatorKey) -> Policy:
        threshold = parsed.get(key.kind, DEFAULT_POLICY.threshold)
        return Policy(threshold=threshold, alert_first_seen=alert_first_seen)

    return policy_for


def entry_ref(entry: StoredEntry) -> str:
    """How an entry counts as a source: once per entry, whatever it says."""
    return str(entry.id)


def track_entry_events(
    session: Session,
    entry: StoredEntry,
    events: Sequence[Event],
    *,
    now: datetime,
    policy_for: PolicyFor = default_policy,
) -> list[int]:
    """Apply an entry's events to their indicators; returns the ids of new alerts."""
    writer = IndicatorWriter(session, now=now)
    alert_ids = _track(writer, entry, observations_of(entry, events), now, policy_for)
    writer.flush()
    return alert_ids


def observations_of(entry: StoredEntry, events: Sequence[Event]) -> list[Observation]:
    """What an entry's events say about indicators: one observation per series, in the
    order their indicators are locked."""
    source = Source(title=entry.title, link=entry.link, published=entry.published, evidence="")
    found = (
        observation_of(event, source, ref=entry_ref(entry), fallback_published=entry.fetched_at)
        for event in events
    )
    return _in_lock_order(select_observations(obs for obs in found if obs is not None))


def _track(
    writer: IndicatorWriter,
    entry: StoredEntry,
    observations: Sequence[Observation],
    now: datetime,
    policy_for: PolicyFor,
) -> list[int]:
    alert_ids = []
    for obs in observations:
        current = writer.current(obs.key)
        decision = apply_observation(state_of(current), obs, policy_for(obs.key), now)
        alert_id = _record(writer, current, obs, decision, entry_id=entry.id, now=now)
        if alert_id is not None:
            alert_ids.append(alert_id)
    return alert_ids


def add_duplicate_source(session: Session, entry: StoredEntry, *, now: datetime) -> int:
    """The same story in another feed: it adds a source to each indicator the story's
    earlier entries reported, and never alerts. Returns how many sources it added."""
    writer = IndicatorWriter(session, now=now)
    added = _add_duplicate(writer, session, entry, now)
    writer.flush()
    return added


def _add_duplicate(
    writer: IndicatorWriter, session: Session, entry: StoredEntry, now: datetime
) -> int:
    readings = store_indicators.story_readings(
        session, entry.fingerprint, exclude_entry_id=entry.id
    )
    added = 0
    published = entry.published or entry.fetched_at
    for reading in sorted(readings, key=lambda r: store_indicators.series_of(r.key)):
        source = Source(entry.title, entry.link, entry.published, reading.evidence)
        obs = Observation(
            key=reading.key,
            source=source,
            ref=entry_ref(entry),
            published=published,
            figure=reading.figure,
            status=reading.status,
        )
        current = writer.current(obs.key)
        decision = apply_duplicate(state_of(current), obs)
        if decision is None:
            continue
        _record(writer, current, obs, decision, entry_id=entry.id, now=now)
        added += decision.outcome is Outcome.CORROBORATED
    return added


def state_of(current: CurrentValue) -> IndicatorState | None:
    """The tracker's view of a stored indicator; None while it has no value."""
    if current.as_of is None or current.source is None:
        return None
    return IndicatorState(
        key=current.key,
        source=current.source,
        as_of=current.as_of,
        source_refs=current.source_refs,
        figure=current.figure,
        status=current.status,
        changed_at=current.changed_at,
        threshold=parse_threshold(current.threshold) if current.threshold else None,
    )


def _in_lock_order(observations: Iterable[Observation]) -> list[Observation]:
    return sorted(observations, key=lambda obs: store_indicators.series_of(obs.key))


def _record(
    writer: IndicatorWriter,
    current: CurrentValue,
    obs: Observation,
    decision: Decision,
    *,
    entry_id: int,
    now: datetime,
) -> int | None:
    """Write the reading, the new value and the alert; returns the alert id, if new."""
    if decision.outcome is Outcome.REPEATED:
        return None
    alert_id = None
    if decision.change is not None:
        alert_id = store_outbox.add_alert(
            writer.session, decision.change, indicator_id=current.indicator_id, now=now
        )
    state = decision.state
    new_value = None
    if decision.state_changed:
        new_value = NewValue(
            figure=state.figure,
            status=state.status,
            as_of=state.as_of,
            source_count=state.source_count,
            changed_at=state.changed_at,
        )
    reading = Reading(
        ref=obs.ref,
        entry_id=entry_id,
        outcome=decision.outcome.value,
        source=obs.source,
        published=obs.published,
        figure=obs.figure,
        status=obs.status,
        backs_current=decision.state_changed,
        starts_value=decision.outcome in (Outcome.FIRST_SEEN, Outcome.CHANGED),
        alert_id=alert_id,
    )
    writer.record(current, reading, new_value=new_value)
    return alert_id


def store_detected(
    session: Session,
    entries: Sequence[StoredEntry],
    events_of: Callable[[StoredEntry], Sequence[Event]],
    *,
    now: datetime,
    policy_for: PolicyFor,
) -> int:
    """Replace each entry's events and track them; a story already seen in another feed or
    entry keeps no events of its own and adds a source instead. Returns the events stored."""
    return sum(
        store_detected_per_feed(session, [entries], events_of, now=now, policy_for=policy_for)
    )


def store_detected_per_feed(
    session: Session,
    batches: Sequence[Sequence[StoredEntry]],
    events_of: Callable[[StoredEntry], Sequence[Event]],
    *,
    now: datetime,
    policy_for: PolicyFor,
) -> list[int]:
    """`store_detected` for the entries of several feeds (a batch each, in the order they
    were stored) in one transaction; returns the events stored per batch. The indicators
    are locked once, in one query, and each is written once."""
    entries = [entry for batch in batches for entry in batch]
    told_before = store_entries.entries_seen_elsewhere(session, entries)
    found = {e.id: () if e.id in told_before else tuple(events_of(e)) for e in entries}
    store_events.replace_events_many(session, [(e, found[e.id]) for e in entries], now=now)
    observations = {e.id: observations_of(e, found[e.id]) for e in entries if found[e.id]}
    writer = IndicatorWriter(session, now=now)
    writer.lock(obs.key for e in entries for obs in observations.get(e.id, ()))
    for entry in entries:
        if entry.id in told_before:
            _add_duplicate(writer, session, entry, now)
        elif entry.id in observations:
            _track(writer, entry, observations[entry.id], now, policy_for)
    writer.flush()
    return [sum(len(found[e.id]) for e in batch) for batch in batches]
