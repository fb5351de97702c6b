"""Readings in bulk: one transaction's writes to many indicators, each read and written once.

The poll round stores the readings of many entries, of several feeds, in one transaction.
`IndicatorWriter` locks the indicators it is asked for in one query, keeps each one's current
value as it writes (exactly what `indicators.lock_indicator` would read back), adds a reading
with one INSERT, and updates each indicator row once, at `flush`. Nothing else may write the
indicators of a transaction that uses a writer. Time is passed in as `now`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Connection, Insert, Table, Update, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from monitor.model import BorderStatus, IndicatorKey
from monitor.store.entries import IN_CHUNK
from monitor.store.indicators import (
    CurrentValue,
    NewValue,
    Reading,
    figure_of,
    lock_tracking,
    reading_values,
    series_of,
    source_of,
)
from monitor.store.tables import IndicatorRow, ObservationRow

INDICATORS = cast(Table, IndicatorRow.__table__)
OBSERVATIONS = cast(Table, ObservationRow.__table__)
IND, OBS = INDICATORS.c, OBSERVATIONS.c

# Built once: on SQLite, building a statement costs more than running it.
_CURRENT = (
    select(
        IND.id, IND.series, IND.value, IND.qualifier, IND.status, IND.as_of, IND.changed_at,
        IND.threshold, OBS.id.label("observation_id"), OBS.title, OBS.link, OBS.published,
        OBS.evidence, OBS.period_start, OBS.period_end,
    )
    .outerjoin(OBSERVATIONS, OBS.id == IND.current_observation_id)
    .where(IND.series.in_(bindparam("series", expanding=True)))
    .order_by(IND.series)
    .with_for_update(of=INDICATORS)
)  # fmt: skip
_REFS = select(OBS.indicator_id, OBS.ref).where(
    OBS.indicator_id.in_(bindparam("ids", expanding=True)), OBS.backs_current.is_(True)
)
_UNBACK = (
    update(OBSERVATIONS)
    .where(OBS.indicator_id == bindparam("b_indicator_id"), OBS.backs_current.is_(True))
    .values(backs_current=False)
)
_ADD_READING = OBSERVATIONS.insert().returning(OBS.id)
_CREATE: dict[str, Insert] = {
    name: dialect.insert(INDICATORS).on_conflict_do_nothing(index_elements=["series"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


class IndicatorWriter:
    """The indicators of one transaction: locked once, kept current here, written at `flush`.

    On PostgreSQL the first lock also takes the tracking lock (`lock_tracking`), so nothing
    is locked when there is nothing to track.
    """

    def __init__(self, s: Session, *, now: datetime) -> None:
        self.session = s
        self._now = now
        self._held: dict[str, CurrentValue] = {}  # by series
        self._changes: dict[int, dict[str, Any]] = {}  # indicator id -> columns to update

    def lock(self, keys: Iterable[IndicatorKey]) -> None:
        """Create (empty) and lock the indicators of `keys` not held yet, in one round of
        three statements. New indicators are created in the order given."""
        missing: dict[str, IndicatorKey] = {}
        for key in keys:
            series = series_of(key)
            if series not in self._held:
                missing.setdefault(series, key)
        if not missing:
            return
        if not self._held:
            lock_tracking(self.session)
        connection = self.session.connection()
        new_rows = [self._new_row(key) for key in missing.values()]
        connection.execute(_CREATE[connection.dialect.name], new_rows)
        for start in range(0, len(missing), IN_CHUNK):
            chunk = list(missing)[start : start + IN_CHUNK]
            self._read(connection, {series: missing[series] for series in chunk})

    def current(self, key: IndicatorKey) -> CurrentValue:
        """The indicator of `key` as it stands in this transaction, locked."""
        self.lock((key,))
        return self._held[series_of(key)]

    def record(self, current: CurrentValue, reading: Reading, *, new_value: NewValue | None) -> int:
        """`indicators.record_reading` for a held indicator: the reading is added now, the
        indicator's row is updated at `flush`. Returns the reading's id."""
        connection = self.session.connection()
        indicator_id = current.indicator_id
        if reading.starts_value and current.source_refs:
            connection.execute(_UNBACK, {"b_indicator_id": indicator_id})
        values = reading_values(indicator_id, reading, self._now)
        observation_id: int = connection.execute(_ADD_READING, values).scalar_one()
        changes = self._changes.setdefault(indicator_id, {})
        changes["updated_at"] = self._now
        if new_value is not None:
            changes |= _value_columns(new_value)
        if reading.starts_value:
            changes["current_observation_id"] = observation_id
        self._held[series_of(current.key)] = stored_after(current, reading, new_value)
        return observation_id

    def flush(self) -> None:
        """Write every changed indicator row: one UPDATE per set of columns changed."""
        if not self._changes:
            return
        shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for indicator_id, changes in self._changes.items():
            columns = tuple(sorted(changes))
            params = {f"b_{name}": value for name, value in changes.items()}
            shapes.setdefault(columns, []).append({"b_id": indicator_id, **params})
        self._changes = {}
        connection = self.session.connection()
        for columns, rows in shapes.items():
            connection.execute(_update_statement(columns), rows)

    def _new_row(self, key: IndicatorKey) -> dict[str, Any]:
        return {
            "series": series_of(key),
            "kind": key.kind.value,
            "country": key.country,
            "counterpart": key.counterpart,
            "unit": key.unit,
            "source_count": 0,
            "first_seen_at": self._now,
            "updated_at": self._now,
        }

    def _read(self, connection: Connection, keys: dict[str, IndicatorKey]) -> None:
        rows = connection.execute(_CURRENT, {"series": list(keys)}).all()
        refs: dict[int, set[str]] = {row.id: set() for row in rows}
        for indicator_id, ref in connection.execute(_REFS, {"ids": list(refs)}):
            refs[indicator_id].add(ref)
        for row in rows:
            key = keys[row.series]
            self._held[row.series] = CurrentValue(
                indicator_id=row.id,
                key=key,
                as_of=row.as_of,
                source_refs=frozenset(refs[row.id]),
                figure=figure_of(row.value, row.qualifier, key.unit),
                status=BorderStatus(row.status) if row.status else None,
                source=source_of(row) if row.observation_id is not None else None,
                changed_at=row.changed_at,
                threshold=row.threshold,
            )


# Built once per set of columns: an indicator UPDATE for executemany, by the parameter b_id.
_UPDATES: dict[tuple[str, ...], Update] = {}


def _update_statement(columns: tuple[str, ...]) -> Update:
    statement = _UPDATES.get(columns)
    if statement is None:
        statement = (
            update(INDICATORS)
            .where(IND.id == bindparam("b_id"))
            .values({name: bindparam(f"b_{name}") for name in columns})
        )
        _UPDATES[columns] = statement
    return statement


def _value_columns(new_value: NewValue) -> dict[str, Any]:
    figure = new_value.figure
    return {
        "value": figure.value if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "status": new_value.status.value if new_value.status else None,
        "as_of": new_value.as_of,
        "source_count": new_value.source_count,
        "changed_at": new_value.changed_at,
    }


def _utc(value: datetime | None) -> datetime | None:
    """A datetime as the store gives it back: in UTC."""
    return None if value is None else value.astimezone(UTC)


def stored_after(
    current: CurrentValue, reading: Reading, new_value: NewValue | None
) -> CurrentValue:
    """The indicator as `lock_indicator` reads it after `record_reading(reading, new_value)`."""
    refs = current.source_refs
    source = current.source
    if reading.starts_value:
        refs = frozenset()
        source = replace(reading.source, published=_utc(reading.published))
    if reading.backs_current:
        refs = refs | {reading.ref}
    after = replace(current, source_refs=refs, source=source)
    if new_value is None:
        return after
    figure = new_value.figure
    return replace(
        after,
        as_of=_utc(new_value.as_of),
        figure=figure_of(figure.value, figure.qualifier.value, current.key.unit)
        if figure
        else None,
        status=new_value.status,
        changed_at=_utc(new_value.changed_at),
    )
