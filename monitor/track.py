"""Indicators and their changes: compare each new observation with the current state.

Pure: no I/O, no clock (`now` is passed in). The store loads an `IndicatorState`, this
module decides, and the store writes the `Decision` back (with its alert, if any) in the
poll round's transaction.

Rules, in the order they apply:

1. A series seen for the first time starts with this observation (an alert if the policy
   says so; a border that closes or restricts always alerts: none -> closed is a move).
2. The same reading again (same status; same number with a compatible qualifier) from a
   new source corroborates the current value: one more source, no alert. From a source
   already counted it is a repeat and changes nothing.
3. An observation published before the current value's never overwrites it (stale).
4. A border status that moves is a change.
5. A figure whose interval contains the current one (it only restates it, more loosely)
   does not alert. Otherwise the point estimates are compared with the threshold
   (absolute count or percent); a rise or a fall that reaches it is a change.
6. A call-up reported with no figure starts its series too ("Mali recalls former soldiers"
   is news before anyone counts them). Later reports with no figure corroborate it, or
   restate a figure already known; the first figure to follow is a change.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from monitor.errors import MonitorError
from monitor.model import (
    PEOPLE,
    BorderStatus,
    Change,
    ChangeType,
    Event,
    EventKind,
    Figure,
    IndicatorKey,
    Qualifier,
    Source,
)

APPROX_BAND = 0.05  # "about 66,000" is read as 66,000 +/- 5%
_POINT_QUALIFIERS = frozenset({Qualifier.EXACT, Qualifier.APPROX})
_ALARMING_STATUSES = frozenset({BorderStatus.CLOSED, BorderStatus.RESTRICTED})


class Outcome(StrEnum):
    """What an observation did to its indicator."""

    FIRST_SEEN = "first_seen"  # the series starts here
    CHANGED = "changed"  # the value moved: a Change
    CORROBORATED = "corroborated"  # one more source for the current value
    REPEATED = "repeated"  # the same source said the same again: nothing to record
    RESTATED = "restated"  # a looser figure that contains the current one
    BELOW_THRESHOLD = "below_threshold"  # moved, but less than the threshold
    STALE = "stale"  # published before the current value: history only
    DUPLICATE = "duplicate"  # the same story in another feed, with another value


@dataclass(frozen=True, slots=True)
class Threshold:
    """How far a figure must move to alert: `amount` people, or `amount` percent."""

    amount: float
    relative: bool

    def __str__(self) -> str:
        number = f"{self.amount:g}"
        return f"{number}%" if self.relative else number

    def is_reached(self, old: int, new: int) -> bool:
        delta = abs(new - old)
        if delta == 0:
            return False
        if not self.relative:
            return delta >= self.amount
        if old == 0:
            return True
        return delta * 100 >= self.amount * abs(old)


def parse_threshold(text: str) -> Threshold:
    """'10%' -> 10 percent, '5000' -> 5,000 people. Raises MonitorError on anything else."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    relative = cleaned.endswith("%")
    try:
        amount = float(cleaned.removesuffix("%"))
    except ValueError:
        amount = math.nan
    if not math.isfinite(amount) or amount < 0:
        raise MonitorError(
            f"{text!r} is not a threshold: use a percentage like 10% or a count like 5000"
        )
    return Threshold(amount=amount, relative=relative)


@dataclass(frozen=True, slots=True)
class Policy:
    """When a move alerts. `threshold` is the default of the kind; an indicator's own
    override (in its state) wins."""

    threshold: Threshold
    alert_first_seen: bool = True


@dataclass(frozen=True, slots=True)
class Observation:
    """One reading of one indicator: a figure or a border status, and where it was read.

    `ref` names the source for counting (the entry id): the same ref never counts twice.
    `published` is the article's date, or when it was fetched if it has none.
    """

    key: IndicatorKey
    source: Source
    ref: str
    published: datetime
    figure: Figure | None = None
    status: BorderStatus | None = None
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class IndicatorState:
    """The current value of a series and what backs it."""

    key: IndicatorKey
    source: Source  # the source that set the current value
    as_of: datetime  # the newest publication date that reported the current value
    source_refs: frozenset[str]  # every source that backs the current value
    figure: Figure | None = None
    status: BorderStatus | None = None
    changed_at: datetime | None = None  # when the current value was set
    threshold: Threshold | None = None  # this indicator's own threshold, if any

    @property
    def source_count(self) -> int:
        return len(self.source_refs)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome, the state after it (unchanged unless the value or its sources moved)
    and the change to alert on, if any."""

    outcome: Outcome
    state: IndicatorState
    change: Change | None = None

    @property
    def state_changed(self) -> bool:
        return self.outcome in (Outcome.FIRST_SEEN, Outcome.CHANGED, Outcome.CORROBORATED)


# --- from events to observations ---------------------------------------------------


def key_of(event: Event) -> IndicatorKey | None:
    """The series an event reports on: a border's status, or a figure per unit.

    None when the event carries no value to track (a border event without a status, an
    emigration count without a figure). A call-up without a figure joins its country's
    series of call-up figures.
    """
    if event.kind is EventKind.BORDER_CLOSURE:
        if event.status is None:
            return None
        return IndicatorKey(event.kind, event.country, event.counterpart, None)
    if event.figure is None:
        if event.kind is not EventKind.MOBILIZATION:
            return None  # "thousands fled" tracks nothing
        return IndicatorKey(event.kind, event.country, event.counterpart, PEOPLE)
    return IndicatorKey(event.kind, event.country, event.counterpart, event.figure.unit)


def observation_of(
    event: Event, source: Source, *, ref: str, fallback_published: datetime
) -> Observation | None:
    """The observation an event makes, with `source` carrying the event's evidence and period."""
    key = key_of(event)
    if key is None:
        return None
    source = replace(
        source,
        evidence=event.evidence,
        period_start=event.period_start,
        period_end=event.period_end,
    )
    return Observation(
        key=key,
        source=source,
        ref=ref,
        published=source.published or fallback_published,
        figure=event.figure if key.unit is not None else None,
        status=event.status if key.unit is None else None,
        confidence=event.confidence,
    )


def select_observations(observations: Iterable[Observation]) -> tuple[Observation, ...]:
    """One observation per series from one article: the most confident, then the one with
    the latest period, then the largest figure ("rose from 66,000 to 97,000")."""
    best: dict[IndicatorKey, Observation] = {}
    for obs in observations:
        held = best.get(obs.key)
        if held is None or _rank(obs) > _rank(held):
            best[obs.key] = obs
    return tuple(best.values())


def _rank(obs: Observation) -> tuple[float, str, int]:
    period = obs.source.period_end or obs.source.period_start
    return (obs.confidence, period.isoformat() if period else "", _point(obs.figure))


# --- the decision --------------------------------------------------------------------


def apply_observation(
    state: IndicatorState | None, obs: Observation, policy: Policy, now: datetime
) -> Decision:
    """Compare an observation with the current state (see the module's rules)."""
    if state is None:
        return _first_seen(obs, policy, now)
    if state.key != obs.key:
        raise ValueError(f"observation of {obs.key} applied to indicator {state.key}")
    if _same_reading(state, obs):
        return _corroborate(state, obs)
    if obs.published < state.as_of:
        return Decision(Outcome.STALE, state)
    if obs.key.unit is None:
        return _changed(state, obs, ChangeType.STATUS, now)
    if obs.figure is None:  # a call-up with no figure says less than the one known
        return Decision(Outcome.RESTATED, state)
    if state.figure is None:  # the first figure of a call-up reported without one
        return _changed(state, obs, ChangeType.INCREASE, now)
    return _compare_figures(state, obs, policy, now)


def apply_duplicate(state: IndicatorState | None, obs: Observation) -> Decision | None:
    """The same story in another feed: a source for the current value if it says the same,
    history otherwise. It never alerts (the original was alerted on); None without a state."""
    if state is None:
        return None
    if _same_reading(state, obs):
        return _corroborate(state, obs)
    return Decision(Outcome.DUPLICATE, state)


def _first_seen(obs: Observation, policy: Policy, now: datetime) -> Decision:
    state = IndicatorState(
        key=obs.key,
        source=obs.source,
        as_of=obs.published,
        source_refs=frozenset({obs.ref}),
        figure=obs.figure,
        status=obs.status,
        changed_at=now,
    )
    if obs.status in _ALARMING_STATUSES:
        change_type = ChangeType.STATUS  # none -> closed is a move of the border
    elif policy.alert_first_seen:
        change_type = ChangeType.FIRST_SEEN
    else:
        return Decision(Outcome.FIRST_SEEN, state)
    return Decision(Outcome.FIRST_SEEN, state, _change(None, obs, change_type, now))


def _same_reading(state: IndicatorState, obs: Observation) -> bool:
    if obs.key.unit is None:
        return obs.status == state.status
    old, new = state.figure, obs.figure
    if old is None or new is None:
        return old is None and new is None  # two reports of a call-up, neither with a figure
    if old.value != new.value:
        return False
    return old.qualifier == new.qualifier or {old.qualifier, new.qualifier} <= _POINT_QUALIFIERS


def _corroborate(state: IndicatorState, obs: Observation) -> Decision:
    if obs.ref in state.source_refs:
        return Decision(Outcome.REPEATED, state)
    backed = replace(
        state,
        source_refs=state.source_refs | {obs.ref},
        as_of=max(state.as_of, obs.published),
    )
    return Decision(Outcome.CORROBORATED, backed)


def _compare_figures(
    state: IndicatorState, obs: Observation, policy: Policy, now: datetime
) -> Decision:
    assert state.figure is not None and obs.figure is not None
    if _contains(bounds(obs.figure), bounds(state.figure)):
        return Decision(Outcome.RESTATED, state)
    threshold = state.threshold or policy.threshold
    old, new = state.figure.value, obs.figure.value
    if not threshold.is_reached(old, new):
        return Decision(Outcome.BELOW_THRESHOLD, state)
    change_type = ChangeType.INCREASE if new > old else ChangeType.DECREASE
    return _changed(state, obs, change_type, now)


def _changed(
    state: IndicatorState, obs: Observation, change_type: ChangeType, now: datetime
) -> Decision:
    new_state = replace(
        state,
        source=obs.source,
        as_of=obs.published,
        source_refs=frozenset({obs.ref}),
        figure=obs.figure,
        status=obs.status,
        changed_at=now,
    )
    return Decision(Outcome.CHANGED, new_state, _change(state, obs, change_type, now))


def _change(
    prior: IndicatorState | None, obs: Observation, change_type: ChangeType, now: datetime
) -> Change:
    """The alert for `obs` moving an indicator from `prior` (None: seen for the first time)."""
    return Change(
        key=obs.key,
        change_type=change_type,
        new_source=obs.source,
        detected_at=now,
        dedup_key=dedup_key_for(prior, obs),
        old_figure=prior.figure if prior else None,
        new_figure=obs.figure,
        old_status=prior.status if prior else None,
        new_status=obs.status,
        old_source=prior.source if prior else None,
    )


# --- intervals ----------------------------------------------------------------------


def bounds(figure: Figure) -> tuple[float, float]:
    """The interval a figure stands for: exact v = [v, v], about v = v +/- 5%,
    at least v = [v, inf), up to v = [0, v]."""
    value = float(figure.value)
    if figure.qualifier is Qualifier.EXACT:
        return (value, value)
    if figure.qualifier is Qualifier.APPROX:
        return (value * (1 - APPROX_BAND), value * (1 + APPROX_BAND))
    if figure.qualifier is Qualifier.AT_LEAST:
        return (value, math.inf)
    return (0.0, value)


def _contains(outer: tuple[float, float], inner: tuple[float, float]) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _point(figure: Figure | None) -> int:
    return -1 if figure is None else figure.value


# --- the alert's identity ---------------------------------------------------------------


def dedup_key_for(state: IndicatorState | None, obs: Observation) -> str:
    """A stable key for one move: the series, the old and new readings and the new source.

    The same move reported by the same source always gives the same key, so a re-run of
    the same entries finds the alert already in the outbox.
    """
    key = obs.key
    old = "-" if state is None else _reading(state.figure, state.status)
    parts = (
        key.kind.value,
        key.country,
        key.counterpart or "",
        key.unit or "",
        old,
        _reading(obs.figure, obs.status),
        obs.ref,
    )
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"chg:{digest[:40]}"


def _reading(figure: Figure | None, status: BorderStatus | None) -> str:
    if status is not None:
        return status.value
    if figure is not None:
        return f"{figure.qualifier.value}:{figure.value}"
    return "-"
