"""Tracking in the store, on SQLite and PostgreSQL: indicators, sources, history, the outbox."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from monitor.errors import MonitorError, StoreError
from monitor.model import (
    BorderStatus,
    ChangeType,
    Event,
    EventKind,
    Figure,
    IndicatorKey,
    NewEntry,
    Qualifier,
    StoredEntry,
)
from monitor.pipeline.tracking import (
    add_duplicate_source,
    policies_from,
    store_detected_per_feed,
    track_entry_events,
)
from monitor.store import entries, feeds
from monitor.store import events as store_events
from monitor.store import indicators as store_indicators
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
EMIGRATION = IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people")
BORDER = IndicatorKey(EventKind.BORDER_CLOSURE, "FI", "RU", None)
POLICY = policies_from(
    {EventKind.EMIGRATION: "10%", EventKind.MOBILIZATION: "5000"}, alert_first_seen=True
)


def emigration(value: int, qualifier: Qualifier = Qualifier.APPROX) -> Event:
    return Event(
        kind=EventKind.EMIGRATION,
        country="RU",
        counterpart="EU",
        evidence=f"About {value:,} Russians left for the EU.",
        figure=Figure(value, qualifier),
    )


def border(status: BorderStatus) -> Event:
    return Event(EventKind.BORDER_CLOSURE, "FI", f"Finland: border {status}.", "RU", status=status)


@pytest.fixture
def feed_ids(engine: sa.Engine) -> tuple[int, int]:
    with transaction(engine) as s:
        a = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0).id
        b = feeds.add_feed(s, "https://b.example/rss", interval_seconds=60, now=T0).id
    return a, b


def poll(
    engine: sa.Engine,
    feed_id: int,
    guid: str,
    found: list[Event],
    *,
    published: datetime | None,
    fingerprint: str | None = None,
    now: datetime = T0,
) -> tuple[StoredEntry, list[int]]:
    """What the poll round does for one entry, in one transaction."""
    new = NewEntry(
        guid=guid,
        link=f"https://news.example/{guid}",
        title=f"Story {guid}",
        summary="...",
        published=published,
        fingerprint=fingerprint or f"fp-{guid}",
    )
    with transaction(engine) as s:
        (entry,) = entries.store_entries(s, feed_id, [new], fetched_at=now)
        store_events.replace_events(s, entry, found, now=now)
        return entry, track_entry_events(s, entry, found, now=now, policy_for=POLICY)


def indicator(engine: sa.Engine, key: IndicatorKey) -> store_indicators.IndicatorView:
    with transaction(engine, readonly=True) as s:
        (view,) = [v for v in store_indicators.list_indicators(s) if v.key == key]
    return view


def alerts(engine: sa.Engine) -> list[store_outbox.AlertView]:
    with transaction(engine, readonly=True) as s:
        return store_outbox.list_alerts(s, limit=100)


def test_a_figure_is_tracked_corroborated_and_changed(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    _, first = poll(engine, a, "1", [emigration(66_000)], published=T0)
    assert len(first) == 1
    view = indicator(engine, EMIGRATION)
    assert view.figure == Figure(66_000, Qualifier.APPROX) and view.source_count == 1
    assert view.as_of == T0 and view.changed_at == T0 and view.threshold is None
    assert view.source is not None and view.source.title == "Story 1"

    _, again = poll(engine, b, "2", [emigration(66_000, Qualifier.EXACT)], published=T0 + DAY)
    assert again == []
    assert indicator(engine, EMIGRATION).source_count == 2

    later = T0 + 2 * DAY
    _, moved = poll(engine, b, "3", [emigration(97_000)], published=later, now=later)
    assert len(moved) == 1
    view = indicator(engine, EMIGRATION)
    assert (view.figure, view.source_count, view.changed_at) == (
        Figure(97_000, Qualifier.APPROX), 1, later,
    )  # fmt: skip

    newest = alerts(engine)[0]
    change = newest.change
    assert newest.id == moved[0] and newest.status is store_outbox.DeliveryStatus.PENDING
    assert change.change_type is ChangeType.INCREASE
    assert (change.old_figure, change.new_figure) == (
        Figure(66_000, Qualifier.APPROX), Figure(97_000, Qualifier.APPROX),
    )  # fmt: skip
    assert change.old_source is not None and change.old_source.title == "Story 1"
    assert change.new_source.title == "Story 3"
    assert change.new_source.evidence == "About 97,000 Russians left for the EU."
    assert change.new_source.link == "https://news.example/3"
    assert [a.change.change_type for a in alerts(engine)] == [
        ChangeType.INCREASE, ChangeType.FIRST_SEEN,
    ]  # fmt: skip


def test_a_rerun_never_alerts_twice(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    entry, first = poll(engine, a, "1", [emigration(66_000)], published=T0)
    for _ in range(2):  # reprocessing the same entry
        with transaction(engine) as s:
            assert (
                track_entry_events(s, entry, [emigration(66_000)], now=T0, policy_for=POLICY) == []
            )
    assert [alert.id for alert in alerts(engine)] == first
    assert indicator(engine, EMIGRATION).source_count == 1
    with transaction(engine, readonly=True) as s:
        assert len(store_indicators.indicator_history(s, EMIGRATION)) == 1
    # The same change again (a state rebuilt from scratch) finds its alert in the outbox.
    with transaction(engine) as s:
        change = alerts(engine)[0].change
        assert store_outbox.add_alert(s, change, indicator_id=None, now=T0) is None


def test_an_edited_entry_that_changes_its_figure_alerts_once(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, _ = feed_ids
    poll(engine, a, "1", [emigration(66_000)], published=T0)
    new = NewEntry("1", "https://news.example/1", "Story 1", "edited", T0, "fp-1")
    with transaction(engine) as s:
        (entry,) = entries.store_entries(s, a, [new], fetched_at=T0 + DAY)
        found = track_entry_events(s, entry, [emigration(97_000)], now=T0 + DAY, policy_for=POLICY)
    assert len(found) == 1
    with transaction(engine) as s:
        again = track_entry_events(s, entry, [emigration(97_000)], now=T0 + DAY, policy_for=POLICY)
    assert again == [] and len(alerts(engine)) == 2


def test_a_late_article_goes_to_history_only(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, b = feed_ids
    poll(engine, a, "new", [emigration(97_000)], published=T0 + 5 * DAY)
    _, late = poll(engine, b, "old", [emigration(66_000)], published=T0, now=T0 + 6 * DAY)
    assert late == []
    assert indicator(engine, EMIGRATION).figure == Figure(97_000, Qualifier.APPROX)
    with transaction(engine, readonly=True) as s:
        history = store_indicators.indicator_history(s, EMIGRATION)
    assert [(p.figure.value if p.figure else None, p.outcome) for p in history] == [
        (66_000, "stale"), (97_000, "first_seen"),
    ]  # fmt: skip
    assert history[0].source.title == "Story old" and not history[0].backs_current
    assert history[1].backs_current and history[1].alert_id is not None


def test_the_same_story_in_another_feed_adds_a_source(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    poll(engine, a, "1", [emigration(66_000), border(BorderStatus.CLOSED)], published=T0)
    assert len(alerts(engine)) == 2
    with transaction(engine) as s:
        (copy,) = entries.store_entries(
            s, b, [NewEntry("x", None, "Copy", "...", None, "fp-1")], fetched_at=T0 + DAY
        )
        assert entries.entries_seen_elsewhere(s, [copy]) == {copy.id}
        assert add_duplicate_source(s, copy, now=T0 + DAY) == 2
    with transaction(engine) as s:  # processed again: counted once
        assert add_duplicate_source(s, copy, now=T0 + DAY) == 0
    assert indicator(engine, EMIGRATION).source_count == 2
    assert indicator(engine, BORDER).source_count == 2
    assert len(alerts(engine)) == 2
    with transaction(engine, readonly=True) as s:
        history = store_indicators.indicator_history(s, BORDER)
    assert [p.source.title for p in history] == ["Story 1", "Copy"]
    assert history[1].source.evidence == "Finland: border closed."
    assert history[1].published == T0 + DAY  # no date of its own: when it was fetched


def test_a_duplicate_never_moves_a_figure(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, b = feed_ids
    poll(engine, a, "1", [emigration(66_000)], published=T0)
    poll(engine, a, "2", [emigration(97_000)], published=T0 + DAY)
    with transaction(engine) as s:
        (copy,) = entries.store_entries(
            s, b, [NewEntry("x", None, "Copy", "...", None, "fp-1")], fetched_at=T0 + 2 * DAY
        )
        assert add_duplicate_source(s, copy, now=T0 + 2 * DAY) == 0
    view = indicator(engine, EMIGRATION)
    assert view.figure == Figure(97_000, Qualifier.APPROX) and view.source_count == 1
    assert len(alerts(engine)) == 2


def test_border_moves_alert_and_the_same_status_corroborates(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    steps = [
        (BorderStatus.CLOSED, 1),
        (BorderStatus.CLOSED, 0),
        (BorderStatus.REOPENED, 1),
        (BorderStatus.RESTRICTED, 1),
    ]
    for day, (status, expected) in enumerate(steps):
        when = T0 + day * DAY
        _, found = poll(engine, (a, b)[day % 2], f"b{day}", [border(status)], published=when)
        assert len(found) == expected, status
    view = indicator(engine, BORDER)
    assert view.status is BorderStatus.RESTRICTED and view.figure is None
    moves = [(x.change.old_status, x.change.new_status) for x in reversed(alerts(engine))]
    assert moves == [
        (None, BorderStatus.CLOSED),
        (BorderStatus.CLOSED, BorderStatus.REOPENED),
        (BorderStatus.REOPENED, BorderStatus.RESTRICTED),
    ]


def test_thresholds_per_kind_and_per_indicator(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, _ = feed_ids
    poll(engine, a, "1", [emigration(100_000, Qualifier.EXACT)], published=T0)
    _, small = poll(engine, a, "2", [emigration(108_000, Qualifier.EXACT)], published=T0 + DAY)
    assert small == []  # 8% < 10%
    with transaction(engine) as s:
        store_indicators.set_threshold(s, EMIGRATION, "5%")
    assert indicator(engine, EMIGRATION).threshold == "5%"
    _, moved = poll(engine, a, "3", [emigration(108_000, Qualifier.EXACT)], published=T0 + DAY)
    assert len(moved) == 1
    with transaction(engine) as s:
        store_indicators.set_threshold(s, EMIGRATION, None)
        with pytest.raises(StoreError, match="no indicator mobilization UA"):
            store_indicators.set_threshold(
                s, IndicatorKey(EventKind.MOBILIZATION, "UA", None, "people"), "1000"
            )


def test_history_as_of_and_filters(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    poll(engine, a, "1", [emigration(66_000)], published=T0, now=T0)
    poll(engine, a, "2", [emigration(97_000)], published=T0 + DAY, now=T0 + DAY)
    poll(engine, a, "3", [border(BorderStatus.CLOSED)], published=T0, now=T0)
    with transaction(engine, readonly=True) as s:
        then = store_indicators.indicator_history(s, EMIGRATION, as_of=T0 + DAY / 2)
        assert [p.figure for p in then] == [Figure(66_000, Qualifier.APPROX)]
        assert len(store_indicators.indicator_history(s, EMIGRATION)) == 2
        unknown = IndicatorKey(EventKind.EMIGRATION, "UA", None, "people")
        assert store_indicators.indicator_history(s, unknown) == []
        keys = [v.key for v in store_indicators.list_indicators(s)]
        assert keys == [BORDER, EMIGRATION]
        only = store_indicators.list_indicators(s, kind=EventKind.EMIGRATION, country="ru")
        assert [v.key for v in only] == [EMIGRATION]
        assert store_indicators.list_indicators(s, counterpart="GE") == []


def test_first_seen_can_stay_quiet(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    quiet = policies_from({}, alert_first_seen=False)
    new = NewEntry("1", None, "Story", "...", T0, "fp-1")
    with transaction(engine) as s:
        (entry,) = entries.store_entries(s, a, [new], fetched_at=T0)
        assert track_entry_events(s, entry, [emigration(5)], now=T0, policy_for=quiet) == []
        assert track_entry_events(s, entry, [], now=T0, policy_for=quiet) == []
    assert indicator(engine, EMIGRATION).figure == Figure(5, Qualifier.APPROX)
    with pytest.raises(MonitorError, match="is not a threshold"):
        policies_from({EventKind.EMIGRATION: "lots"}, alert_first_seen=True)


def test_a_rolled_back_poll_leaves_no_alert(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    new = NewEntry("1", None, "Story", "...", T0, "fp-1")
    with pytest.raises(RuntimeError), transaction(engine) as s:
        (entry,) = entries.store_entries(s, a, [new], fetched_at=T0)
        assert track_entry_events(s, entry, [emigration(66_000)], now=T0, policy_for=POLICY)
        raise RuntimeError("crash before the commit")
    assert alerts(engine) == []
    with transaction(engine, readonly=True) as s:
        assert store_indicators.list_indicators(s) == []


def new_entries(engine: sa.Engine, feed_id: int, *stories: tuple[str, str]) -> list[StoredEntry]:
    """Stored entries (guid, fingerprint), published a day apart."""
    batch = [
        NewEntry(guid, None, f"Story {guid}", "...", T0 + n * DAY, fingerprint)
        for n, (guid, fingerprint) in enumerate(stories)
    ]
    with transaction(engine) as s:
        return entries.store_entries(s, feed_id, batch, fetched_at=T0)


def test_feeds_stored_together_track_one_after_another(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    batch_a = new_entries(engine, a, ("a1", "fp-story"))
    batch_b = new_entries(engine, b, ("b1", "fp-story"), ("b2", "fp-other"))
    found = {
        "a1": [emigration(66_000)],
        "b1": [emigration(66_000)],  # the same story: a source, not events of its own
        "b2": [emigration(120_000), border(BorderStatus.CLOSED)],
    }
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with transaction(engine) as s:
            counts = store_detected_per_feed(
                s, [batch_a, batch_b], lambda e: found[e.guid], now=T0, policy_for=POLICY
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert counts == [1, 2]
    changes = [(x.change.change_type, x.change.new_source.title) for x in reversed(alerts(engine))]
    assert changes == [
        (ChangeType.FIRST_SEEN, "Story a1"),
        (ChangeType.STATUS, "Story b2"),
        (ChangeType.INCREASE, "Story b2"),
    ]
    view = indicator(engine, EMIGRATION)
    assert view.figure == Figure(120_000, Qualifier.APPROX) and view.source_count == 1
    with transaction(engine, readonly=True) as s:
        history = store_indicators.indicator_history(s, EMIGRATION)
    assert [(p.outcome, p.entry_id) for p in history] == [
        ("first_seen", batch_a[0].id), ("corroborated", batch_b[0].id),
        ("changed", batch_b[1].id),
    ]  # fmt: skip
    advisory = [sql for sql in seen if "pg_advisory_xact_lock" in sql]
    assert len(advisory) == (engine.dialect.name == "postgresql")


def test_nothing_to_track_touches_no_indicator(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, _ = feed_ids
    batch = new_entries(engine, a, ("1", "fp-1"), ("2", "fp-2"))
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        with transaction(engine) as s:
            counts = store_detected_per_feed(
                s, [batch, []], lambda e: [], now=T0, policy_for=POLICY
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert counts == [0, 0]
    assert not [sql for sql in seen if "advisory" in sql or "indicators" in sql]


def test_a_call_up_without_a_figure_is_tracked_and_its_first_figure_alerts(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    key = IndicatorKey(EventKind.MOBILIZATION, "ML", None, "people")
    recall = Event(EventKind.MOBILIZATION, "ML", "Mali recalled former soldiers to their units.")
    _, first = poll(engine, a, "1", [recall], published=T0)
    _, again = poll(engine, b, "2", [recall], published=T0 + DAY)
    view = indicator(engine, key)
    assert len(first) == 1 and again == []
    assert view.figure is None and view.source_count == 2

    counted = Event(
        EventKind.MOBILIZATION, "ML", "About 12,000 former soldiers were recalled.",
        figure=Figure(12_000, Qualifier.APPROX),
    )  # fmt: skip
    later = T0 + 2 * DAY
    _, moved = poll(engine, a, "3", [counted], published=later, now=later)
    assert len(moved) == 1
    assert indicator(engine, key).figure == Figure(12_000, Qualifier.APPROX)
    newest, oldest = alerts(engine)
    assert oldest.change.change_type is ChangeType.FIRST_SEEN and oldest.change.new_figure is None
    assert newest.change.change_type is ChangeType.INCREASE
    assert (newest.change.old_figure, newest.change.new_figure) == (
        None, Figure(12_000, Qualifier.APPROX),
    )  # fmt: skip
