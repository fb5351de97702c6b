"""IndicatorWriter: what it holds is what the store reads back, in few statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from monitor.model import BorderStatus, EventKind, Figure, IndicatorKey, Qualifier, Source
from monitor.store import indicators
from monitor.store.db import transaction
from monitor.store.indicators import CurrentValue, NewValue, Reading
from monitor.store.readings import IndicatorWriter

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
EMIGRATION = IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people")
CALL_UP = IndicatorKey(EventKind.MOBILIZATION, "RU", None, "people")
BORDER = IndicatorKey(EventKind.BORDER_CLOSURE, "FI", "RU", None)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[str]]:
    """The SQL statements run on `engine` inside the block (a transaction's BEGIN aside)."""
    seen: list[str] = []

    def count(*args: Any) -> None:
        if not args[2].startswith("BEGIN"):
            seen.append(args[2])

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def source(title: str, published: datetime | None) -> Source:
    return Source(
        title=title,
        link=f"https://news.example/{title}",
        published=published,
        evidence=f"{title}: the sentence.",
        period_start=date(2026, 2, 1),
        period_end=None,
    )


def reading(ref: str, figure: Figure | None, published: datetime, **flags: bool) -> Reading:
    # A source without a date: the reading's `published` is what the store keeps.
    return Reading(
        ref=ref,
        entry_id=None,
        outcome="first_seen" if flags.get("starts_value") else "corroborated",
        source=source(f"story-{ref}", None),
        published=published,
        figure=figure,
        **flags,
    )


def value(
    figure: Figure | None, as_of: datetime, refs: int, status: BorderStatus | None = None
) -> NewValue:
    return NewValue(figure=figure, status=status, as_of=as_of, source_count=refs, changed_at=T0)


def stored(s: Session, key: IndicatorKey) -> CurrentValue:
    return indicators.lock_indicator(s, key, now=T0)


def test_what_the_writer_holds_is_what_the_store_reads_back(engine: sa.Engine) -> None:
    tokyo = timezone(timedelta(hours=9))
    steps = [
        (reading("1", Figure(66_000, Qualifier.APPROX), T0, backs_current=True, starts_value=True),
         value(Figure(66_000, Qualifier.APPROX), T0, 1)),
        (reading("2", Figure(66_000), T0 + DAY, backs_current=True),
         value(Figure(66_000, Qualifier.APPROX), T0 + DAY, 2)),
        (reading("3", Figure(50_000), T0), None),
        (reading("4", Figure(97_000, Qualifier.AT_LEAST), (T0 + 2 * DAY).astimezone(tokyo),
                 backs_current=True, starts_value=True),
         value(Figure(97_000, Qualifier.AT_LEAST), (T0 + 2 * DAY).astimezone(tokyo), 1)),
    ]  # fmt: skip
    with transaction(engine) as s:
        writer = IndicatorWriter(s, now=T0)
        for step, new_value in steps:
            held = writer.current(EMIGRATION)
            writer.record(held, step, new_value=new_value)
            writer.flush()
            assert writer.current(EMIGRATION) == stored(s, EMIGRATION)
        last = writer.current(EMIGRATION)
    assert last.figure == Figure(97_000, Qualifier.AT_LEAST)
    assert last.source_refs == frozenset({"4"}) and last.as_of == T0 + 2 * DAY
    assert last.source is not None and last.source.published == T0 + 2 * DAY
    assert last.source.period_start == date(2026, 2, 1)
    assert last.as_of is not None and last.as_of.tzinfo == UTC


def test_a_border_status_and_a_threshold_read_back_alike(engine: sa.Engine) -> None:
    with transaction(engine) as s:
        writer = IndicatorWriter(s, now=T0)
        writer.lock([BORDER])
        indicators.set_threshold(s, BORDER, "5000")
        first = Reading(
            ref="9", entry_id=None, outcome="first_seen", source=source("b", T0), published=T0,
            status=BorderStatus.CLOSED, backs_current=True, starts_value=True,
        )  # fmt: skip
        new_value = value(None, T0, 1, BorderStatus.CLOSED)
        fresh = IndicatorWriter(s, now=T0)  # reads the threshold set after the first lock
        fresh.record(fresh.current(BORDER), first, new_value=new_value)
        fresh.flush()
        assert fresh.current(BORDER) == stored(s, BORDER)
        assert fresh.current(BORDER).threshold == "5000"
        assert fresh.current(BORDER).status is BorderStatus.CLOSED


def test_indicators_are_locked_in_one_round_and_written_once(engine: sa.Engine) -> None:
    keys = [EMIGRATION, BORDER, CALL_UP]
    with transaction(engine) as s:
        writer = IndicatorWriter(s, now=T0)
        with statements(engine) as seen:
            writer.lock(keys)
        tracking_lock = 1 if engine.dialect.name == "postgresql" else 0
        assert len(seen) == 3 + tracking_lock  # create, read with the current source, refs
        with statements(engine) as seen:
            for key in keys + keys:
                writer.current(key)
        assert seen == []
        figure = Figure(1_000)
        with statements(engine) as seen:
            for n in range(5):
                held = writer.current(CALL_UP)
                step = reading(str(n), figure, T0, backs_current=True, starts_value=n == 0)
                writer.record(held, step, new_value=value(figure, T0, n + 1))
            writer.flush()
        assert len(seen) == 5 + 1  # a reading each, the indicator once
        ids = {key: writer.current(key).indicator_id for key in keys}
    assert ids[EMIGRATION] < ids[BORDER] < ids[CALL_UP]  # created in the order given
    with transaction(engine, readonly=True) as s:
        (view,) = [v for v in indicators.list_indicators(s) if v.key == CALL_UP]
    assert view.source_count == 5 and view.figure == figure


@pytest.mark.parametrize("count", [0, 600])
def test_locking_many_or_none(engine: sa.Engine, count: int) -> None:
    keys = [IndicatorKey(EventKind.EMIGRATION, "RU", f"X{n}", "people") for n in range(count)]
    with transaction(engine) as s:
        writer = IndicatorWriter(s, now=T0)
        with statements(engine) as seen:
            writer.lock(keys)
        assert len(seen) == (0 if not keys else 3 + 2 + (engine.dialect.name == "postgresql"))
        assert {writer.current(key).key for key in keys} == set(keys)
        assert all(writer.current(key).as_of is None for key in keys)
