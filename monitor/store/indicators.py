"""Indicators: each tracked series' current value, and its history of readings and sources.

The poll round locks an indicator (`lock_indicator`), decides in `monitor.track`, and records
the reading (`record_reading`) in its one transaction. The history CLI reads with
`list_indicators` and `indicator_history`. Time is passed in as `now`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Insert, Row, Table, func, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from monitor.errors import StoreError
from monitor.model import BorderStatus, EventKind, Figure, IndicatorKey, Qualifier, Source
from monitor.store.tables import Base, EntryRow, IndicatorRow, ObservationRow

TRACKING_LOCK_KEY = 0x6D6F6E747261636B  # pg_advisory_xact_lock key: "montrack"


@dataclass(frozen=True, slots=True)
class CurrentValue:
    """An indicator as the tracker needs it; `as_of` is None while it has no value yet."""

    indicator_id: int
    key: IndicatorKey
    as_of: datetime | None
    source_refs: frozenset[str]
    figure: Figure | None = None
    status: BorderStatus | None = None
    source: Source | None = None
    changed_at: datetime | None = None
    threshold: str | None = None  # this indicator's own threshold, e.g. "10%" or "5000"


@dataclass(frozen=True, slots=True)
class Reading:
    """One observation to record. `starts_value`: it set a new current value (first seen or
    changed); `backs_current`: it counts as a source of the current value."""

    ref: str
    entry_id: int | None
    outcome: str
    source: Source
    published: datetime
    figure: Figure | None = None
    status: BorderStatus | None = None
    backs_current: bool = False
    starts_value: bool = False
    alert_id: int | None = None


@dataclass(frozen=True, slots=True)
class NewValue:
    """The indicator's columns after a reading that changed its value or its sources."""

    figure: Figure | None
    status: BorderStatus | None
    as_of: datetime
    source_count: int
    changed_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoryReading:
    """What an entry's story said about one indicator: a duplicate entry repeats it."""

    key: IndicatorKey
    evidence: str
    figure: Figure | None = None
    status: BorderStatus | None = None


@dataclass(frozen=True, slots=True)
class IndicatorView:
    """One line of `monitor indicators`. `threshold` is the indicator's own (None: the
    kind's default from the settings)."""

    id: int
    key: IndicatorKey
    figure: Figure | None
    status: BorderStatus | None
    as_of: datetime | None
    changed_at: datetime | None
    first_seen_at: datetime
    source_count: int
    threshold: str | None
    source: Source | None


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One reading of a series: its value, what it did (`outcome`), and its source."""

    observation_id: int
    observed_at: datetime
    published: datetime
    outcome: str
    backs_current: bool
    source: Source
    entry_id: int | None
    alert_id: int | None
    figure: Figure | None = None
    status: BorderStatus | None = None


# --- keys and small helpers ------------------------------------------------------------


def series_of(key: IndicatorKey) -> str:
    """The key as one string, unique per series: 'emigration|RU|EU|people'."""
    return "|".join((key.kind.value, key.country, key.counterpart or "", key.unit or ""))


def insert_ignoring(
    s: Session, model: type[Base], values: dict[str, Any], unique: list[str]
) -> int | None:
    """INSERT ... ON CONFLICT DO NOTHING on `unique`: the new row's id, or None if it existed."""
    connection = s.connection()
    dialect = connection.dialect.name
    key = (dialect, model.__tablename__, tuple(unique))
    statement = _INSERT_IGNORING.get(key)
    if statement is None:
        table = cast(Table, model.__table__)
        insert_of = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = (
            insert_of(table).on_conflict_do_nothing(index_elements=unique).returning(table.c.id)
        )
        _INSERT_IGNORING[key] = statement
    inserted: int | None = connection.execute(statement, values).scalar()
    return inserted


# Built once per (dialect, table, unique columns): building one costs more than running it.
_INSERT_IGNORING: dict[tuple[str, str, tuple[str, ...]], Insert] = {}


def figure_of(value: int | None, qualifier: str | None, unit: str | None) -> Figure | None:
    if value is None:
        return None
    return Figure(value=value, qualifier=Qualifier(qualifier or "exact"), unit=unit or "people")


def _status(status: str | None) -> BorderStatus | None:
    return BorderStatus(status) if status else None


def _key(row: IndicatorRow) -> IndicatorKey:
    return IndicatorKey(EventKind(row.kind), row.country, row.counterpart, row.unit)


def source_of(row: ObservationRow | Any) -> Source:
    """The source of a reading, from its row (ORM or core)."""
    return Source(
        title=row.title,
        link=row.link,
        published=row.published,
        evidence=row.evidence,
        period_start=row.period_start,
        period_end=row.period_end,
    )


# --- the tracker's side -------------------------------------------------------------------


def lock_indicator(s: Session, key: IndicatorKey, *, now: datetime) -> CurrentValue:
    """The indicator of `key`, created empty if new, locked until the transaction ends
    (SELECT ... FOR UPDATE on PostgreSQL; SQLite's write transaction already excludes)."""
    insert_ignoring(
        s,
        IndicatorRow,
        {
            "series": series_of(key),
            "kind": key.kind.value,
            "country": key.country,
            "counterpart": key.counterpart,
            "unit": key.unit,
            "source_count": 0,
            "first_seen_at": now,
            "updated_at": now,
        },
        ["series"],
    )
    row = s.execute(
        select(IndicatorRow).where(IndicatorRow.series == series_of(key)).with_for_update()
    ).scalar_one()
    refs = s.scalars(
        select(ObservationRow.ref).where(
            ObservationRow.indicator_id == row.id, ObservationRow.backs_current.is_(True)
        )
    )
    source = None
    if row.current_observation_id is not None:
        current = s.get(ObservationRow, row.current_observation_id)
        source = source_of(current) if current is not None else None
    return CurrentValue(
        indicator_id=row.id,
        key=key,
        as_of=row.as_of,
        source_refs=frozenset(refs),
        figure=figure_of(row.value, row.qualifier, row.unit),
        status=_status(row.status),
        source=source,
        changed_at=row.changed_at,
        threshold=row.threshold,
    )


def record_reading(
    s: Session, indicator_id: int, reading: Reading, *, now: datetime, new_value: NewValue | None
) -> int:
    """Add a reading to the history and, with `new_value`, update the current value.

    A reading that starts a new value stops counting the sources of the old one.
    """
    if reading.starts_value:
        s.execute(
            update(ObservationRow)
            .where(ObservationRow.indicator_id == indicator_id, ObservationRow.backs_current)
            .values(backs_current=False)
        )
    observation_id = s.scalars(
        insert(ObservationRow).returning(ObservationRow.id),
        [reading_values(indicator_id, reading, now)],
    ).one()
    values: dict[str, Any] = {"updated_at": now}
    if new_value is not None:
        figure = new_value.figure
        values |= {
            "value": figure.value if figure else None,
            "qualifier": figure.qualifier.value if figure else None,
            "status": new_value.status.value if new_value.status else None,
            "as_of": new_value.as_of,
            "source_count": new_value.source_count,
            "changed_at": new_value.changed_at,
        }
    if reading.starts_value:
        values["current_observation_id"] = observation_id
    s.execute(update(IndicatorRow).where(IndicatorRow.id == indicator_id).values(**values))
    return observation_id


def reading_values(indicator_id: int, reading: Reading, now: datetime) -> dict[str, Any]:
    figure, source = reading.figure, reading.source
    return {
        "indicator_id": indicator_id,
        "entry_id": reading.entry_id,
        "ref": reading.ref,
        "outcome": reading.outcome,
        "backs_current": reading.backs_current,
        "value": figure.value if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "unit": figure.unit if figure else None,
        "status": reading.status.value if reading.status else None,
        "published": reading.published,
        "observed_at": now,
        "title": source.title,
        "link": source.link,
        "evidence": source.evidence,
        "period_start": source.period_start,
        "period_end": source.period_end,
        "alert_id": reading.alert_id,
    }


def story_readings(s: Session, fingerprint: str, *, exclude_entry_id: int) -> list[StoryReading]:
    """What the other entries of one story (same fingerprint) said, one per indicator and
    value: the readings a duplicate of that story repeats."""
    rows = s.execute(
        select(ObservationRow, IndicatorRow)
        .join(EntryRow, EntryRow.id == ObservationRow.entry_id)
        .join(IndicatorRow, IndicatorRow.id == ObservationRow.indicator_id)
        .where(EntryRow.fingerprint == fingerprint, EntryRow.id != exclude_entry_id)
        .order_by(ObservationRow.id)
    ).all()
    found: dict[tuple[str, int | None, str | None, str | None], StoryReading] = {}
    for obs, indicator in rows:
        marker = (indicator.series, obs.value, obs.qualifier, obs.status)
        found.setdefault(
            marker,
            StoryReading(
                key=_key(indicator),
                evidence=obs.evidence,
                figure=figure_of(obs.value, obs.qualifier, obs.unit),
                status=_status(obs.status),
            ),
        )
    return list(found.values())


# --- the history CLI's side ---------------------------------------------------------------


def list_indicators(
    s: Session,
    *,
    kind: EventKind | None = None,
    country: str | None = None,
    counterpart: str | None = None,
) -> list[IndicatorView]:
    """Every indicator with a value, by kind, country and counterpart."""
    query = (
        select(IndicatorRow, ObservationRow)
        .outerjoin(ObservationRow, ObservationRow.id == IndicatorRow.current_observation_id)
        .where(IndicatorRow.as_of.is_not(None), *_filters(kind, country, counterpart))
        .order_by(
            IndicatorRow.kind, IndicatorRow.country, IndicatorRow.counterpart, IndicatorRow.id
        )
    )
    return [_view(row, current) for row, current in s.execute(query)]


def _filters(
    kind: EventKind | None, country: str | None, counterpart: str | None
) -> list[ColumnElement[bool]]:
    filters = []
    if kind is not None:
        filters.append(IndicatorRow.kind == kind.value)
    if country is not None:
        filters.append(IndicatorRow.country == country.upper())
    if counterpart is not None:
        filters.append(IndicatorRow.counterpart == counterpart.upper())
    return filters


def _view(row: IndicatorRow, current: ObservationRow | None) -> IndicatorView:
    return IndicatorView(
        id=row.id,
        key=_key(row),
        figure=figure_of(row.value, row.qualifier, row.unit),
        status=_status(row.status),
        as_of=row.as_of,
        changed_at=row.changed_at,
        first_seen_at=row.first_seen_at,
        source_count=row.source_count,
        threshold=row.threshold,
        source=source_of(current) if current is not None else None,
    )


def indicator_history(
    s: Session, key: IndicatorKey, *, as_of: datetime | None = None
) -> list[HistoryPoint]:
    """The series' readings in publication order, each with its source. With `as_of`,
    only what had been observed by then. An unknown series has no history."""
    query = (
        select(ObservationRow)
        .join(IndicatorRow, IndicatorRow.id == ObservationRow.indicator_id)
        .where(IndicatorRow.series == series_of(key))
        .order_by(ObservationRow.published, ObservationRow.id)
    )
    if as_of is not None:
        query = query.where(ObservationRow.observed_at <= as_of)
    return [_point(row) for row in s.scalars(query)]


def _point(row: ObservationRow | Row[Any]) -> HistoryPoint:
    """A reading from its row of the observations table (ORM or core)."""
    return HistoryPoint(
        observation_id=row.id,
        observed_at=row.observed_at,
        published=row.published,
        outcome=row.outcome,
        backs_current=row.backs_current,
        source=source_of(row),
        entry_id=row.entry_id,
        alert_id=row.alert_id,
        figure=figure_of(row.value, row.qualifier, row.unit),
        status=_status(row.status),
    )


def set_threshold(s: Session, key: IndicatorKey, threshold: str | None) -> None:
    """Give one indicator its own threshold ("10%", "5000"; checked by the caller with
    `monitor.track.parse_threshold`), or None to fall back to the kind's default."""
    result = s.execute(
        update(IndicatorRow)
        .where(IndicatorRow.series == series_of(key))
        .values(threshold=threshold)
    )
    if not getattr(result, "rowcount", 0):
        raise StoreError(f"no indicator {_describe(key)}: see `monitor indicators`")


def _describe(key: IndicatorKey) -> str:
    where = key.country if key.counterpart is None else f"{key.country}->{key.counterpart}"
    unit = f" ({key.unit})" if key.unit and key.unit != "people" else ""
    return f"{key.kind.value} {where}{unit}"


def lock_tracking(s: Session) -> None:
    """Serialise indicator updates across daemons until the transaction ends: on PostgreSQL
    an advisory lock (one lock, so no deadlock between polls that touch the same indicators
    in another order); SQLite's write transaction already excludes other writers."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": TRACKING_LOCK_KEY})


# --- added for `monitor history` on long series: a page of it, not all of it ----------------

VALUE_OUTCOMES = ("first_seen", "changed")  # the readings that set the series' value


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """What `monitor history` shows of a series: how many readings it has, the sources of
    its current value (0 with `as_of`), its latest readings, and every reading that set its
    value (the chart), each in publication order. With `as_of`, only what was observed by
    then."""

    readings: int
    sources: int
    latest: tuple[HistoryPoint, ...]
    values: tuple[HistoryPoint, ...]


def history_page(
    s: Session, key: IndicatorKey, *, as_of: datetime | None = None, limit: int = 30
) -> HistoryPage:
    """A page of `indicator_history`: four indexed queries whatever the series' length."""
    found = s.execute(
        select(IndicatorRow.id, IndicatorRow.source_count).where(
            IndicatorRow.series == series_of(key)
        )
    ).one_or_none()
    if found is None:
        return HistoryPage(0, 0, (), ())
    indicator_id, source_count = found
    known = [ObservationRow.indicator_id == indicator_id]
    if as_of is not None:
        known.append(ObservationRow.observed_at <= as_of)
    readings = s.scalar(select(func.count()).where(*known)) or 0
    sources = source_count if as_of is None else 0
    newest_first = (ObservationRow.published.desc(), ObservationRow.id.desc())
    columns = select(*ObservationRow.__table__.columns)  # plain rows: no ORM identity map
    latest = s.execute(columns.where(*known).order_by(*newest_first).limit(limit))
    # Sorted here: ORDER BY would lead SQLite to walk every reading in publication order
    # instead of the few value changes on the (indicator_id, outcome, ...) index.
    values = s.execute(columns.where(*known, ObservationRow.outcome.in_(VALUE_OUTCOMES)))
    return HistoryPage(
        readings=readings,
        sources=sources,
        latest=tuple(reversed([_point(row) for row in latest])),
        values=tuple(sorted(map(_point, values), key=lambda p: (p.published, p.observation_id))),
    )
