"""Events become indicator readings and alerts, inside the poll round's store transaction.

The poll round calls `track_entry_events` right after `store.events.replace_events`, and
`add_duplicate_source` for an entry whose story (fingerprint) another entry already told.
Both lock the indicators, let `monitor.track` decide, and write the readings and the
outbox rows in the caller's transaction: an alert exists exactly when its change is stored.
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
    source = Source(title=entry.title, link=entry.link, published=entry.published, evidence="")
    found = (
        observation_of(event, source, ref=entry_ref(entry), fallback_published=entry.fetched_at)
        for event in events
    )
    observations = select_observations(obs for obs in found if obs is not None)
    if not observations:
        return []
    store_indicators.lock_tracking(session)
    alert_ids = []
    for obs in _in_lock_order(observations):
        current = store_indicators.lock_indicator(session, obs.key, now=now)
        decision = apply_observation(state_of(current), obs, policy_for(obs.key), now)
        alert_id = _record(session, current, obs, decision, entry_id=entry.id, now=now)
        if alert_id is not None:
            alert_ids.append(alert_id)
    return alert_ids


def add_duplicate_source(session: Session, entry: StoredEntry, *, now: datetime) -> int:
    """The same story in another feed: it adds a source to each indicator the story's
    earlier entries reported, and never alerts. Returns how many sources it added."""
    readings = store_indicators.story_readings(
        session, entry.fingerprint, exclude_entry_id=entry.id
    )
    if not readings:
        return 0
    store_indicators.lock_tracking(session)
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
        current = store_indicators.lock_indicator(session, obs.key, now=now)
        decision = apply_duplicate(state_of(current), obs)
        if decision is None:
            continue
        _record(session, current, obs, decision, entry_id=entry.id, now=now)
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
    session: Session,
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
            session, decision.change, indicator_id=current.indicator_id, now=now
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
    store_indicators.record_reading(
        session, current.indicator_id, reading, now=now, new_value=new_value
    )
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
    told_before = store_entries.entries_seen_elsewhere(session, entries)
    found = [(e, () if e.id in told_before else tuple(events_of(e))) for e in entries]
    store_events.replace_events_many(session, found, now=now)
    for entry, events in found:
        if entry.id in told_before:
            add_duplicate_source(session, entry, now=now)
        elif events:
            track_entry_events(session, entry, events, now=now, policy_for=policy_for)
    return sum(len(events) for _, events in found)
