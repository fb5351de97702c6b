"""Entries: new, edited and unchanged; one story in two feeds; reading them back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from monitor.errors import StoreError
from monitor.model import NewEntry, StoredEntry
from monitor.store import entries, feeds
from monitor.store.db import transaction

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def entry(guid: str, title: str = "", summary: str = "", **kw: object) -> NewEntry:
    values: dict[str, object] = {
        "guid": guid,
        "link": f"https://news.example/{guid}",
        "title": title or f"title {guid}",
        "summary": summary or f"<p>summary {guid}</p>",
        "published": T0 - HOUR,
        "fingerprint": f"fp-{guid}",
    } | kw
    return NewEntry(**values)  # type: ignore[arg-type]


@pytest.fixture
def feed_ids(engine: sa.Engine) -> tuple[int, int]:
    with transaction(engine) as s:
        a = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0).id
        b = feeds.add_feed(s, "https://b.example/rss", interval_seconds=60, now=T0).id
    return a, b


def store(
    engine: sa.Engine, feed_id: int, batch: list[NewEntry], at: datetime = T0
) -> list[StoredEntry]:
    with transaction(engine) as s:
        return entries.store_entries(s, feed_id, batch, fetched_at=at)


def test_new_entries_are_stored_and_returned(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    stored = store(engine, a, [entry("1"), entry("2", published=None, link=None)])
    assert [(e.guid, e.feed_id, e.fetched_at) for e in stored] == [("1", a, T0), ("2", a, T0)]
    first = stored[0]
    assert (first.title, first.summary, first.link) == (
        "title 1",
        "<p>summary 1</p>",
        "https://news.example/1",
    )
    assert (first.published, first.fingerprint) == (T0 - HOUR, "fp-1")
    assert (stored[1].published, stored[1].link) == (None, None)
    with transaction(engine) as s:
        assert entries.get_entry(s, first.id) == first
        assert entries.get_entry(s, stored[1].id) == stored[1]
        assert entries.count_entries(s) == 2
        with pytest.raises(StoreError, match="no such entry: 999"):
            entries.get_entry(s, 999)


def test_unchanged_are_skipped_and_edits_returned(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, _ = feed_ids
    first = store(engine, a, [entry("1"), entry("2"), entry("3")])
    later = T0 + HOUR
    again = store(
        engine,
        a,
        [entry("1"), entry("2", title="title 2, updated", fingerprint="fp-2b"), entry("4")],
        at=later,
    )
    assert [(e.guid, e.title) for e in again] == [("2", "title 2, updated"), ("4", "title 4")]
    edited, new = again
    assert edited.id == first[1].id and edited.fetched_at == T0  # first fetched at T0
    assert edited.fingerprint == "fp-2b"
    assert new.fetched_at == later
    with transaction(engine) as s:
        assert entries.get_entry(s, edited.id) == edited
        assert entries.count_entries(s) == 4
    assert store(engine, a, [entry("2", title="title 2, updated", fingerprint="fp-2b")]) == []
    # An edit of the summary alone counts too.
    (edited,) = store(engine, a, [entry("3", summary="<p>more</p>")])
    assert edited.summary == "<p>more</p>"


def test_guid_is_unique_per_feed_not_across_feeds(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    assert len(store(engine, a, [entry("same"), entry("same", title="dup in one batch")])) == 1
    (in_b,) = store(engine, b, [entry("same")])
    assert in_b.feed_id == b
    with transaction(engine) as s:
        assert entries.count_entries(s) == 2


def test_a_large_batch_in_few_queries(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    batch = [entry(str(n)) for n in range(1200)]  # more than one IN chunk
    assert [e.guid for e in store(engine, a, batch)] == [str(n) for n in range(1200)]
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        assert store(engine, a, batch + [entry("new")])[0].guid == "new"
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    selects = [q for q in statements if q.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3  # 1201 guids: three chunks of 500


def test_entries_seen_elsewhere(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, b = feed_ids
    store(engine, a, [entry("a1", fingerprint="story-1")])
    in_b = store(
        engine,
        b,
        [
            entry("b1", fingerprint="story-1"),  # told by feed a already
            entry("b2", fingerprint="story-2"),
            entry("b3", fingerprint="story-2"),  # the same story twice in one batch
            entry("b4", fingerprint="story-3"),
        ],
    )
    with transaction(engine) as s:
        assert entries.entries_seen_elsewhere(s, in_b) == {in_b[0].id, in_b[2].id}
        assert entries.entries_seen_elsewhere(s, []) == set()


def test_iter_entries(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    batch = [entry(str(n), published=T0 - n * HOUR) for n in range(7)]
    batch.append(entry("undated", published=None))  # counts from its fetch time, T0
    stored = store(engine, a, batch)
    with transaction(engine, readonly=True) as s:
        assert list(entries.iter_entries(s, since=None, batch=3)) == stored
        recent = list(entries.iter_entries(s, since=T0 - 2 * HOUR, batch=2))
    assert [e.guid for e in recent] == ["0", "1", "2", "undated"]


def test_search_entries_any_case_and_script(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, _ = feed_ids
    store(
        engine,
        a,
        [
            entry("ru", title="Мобилизация объявлена", published=T0 - 3 * HOUR),
            entry("en", summary="<p>Partial MOBILIZATION in Russia</p>", published=T0 - HOUR),
            entry("pct", title="Turnout 100% in the 50_50 poll"),
            entry("other", title="Weather"),
        ],
    )
    with transaction(engine, readonly=True) as s:
        assert [e.guid for e in entries.search_entries(s, "мобилизация", limit=5)] == ["ru"]
        assert [e.guid for e in entries.search_entries(s, "МОБИЛИЗАЦ", limit=5)] == ["ru"]
        assert [e.guid for e in entries.search_entries(s, "mobiliz", limit=5)] == ["en"]
        assert [e.guid for e in entries.search_entries(s, "%", limit=5)] == ["pct"]
        assert [e.guid for e in entries.search_entries(s, "0_5", limit=5)] == ["pct"]
        assert len(entries.search_entries(s, "summary", limit=2)) == 2


def test_many_feeds_at_once_store_what_each_alone_stores(
    engine: sa.Engine, feed_ids: tuple[int, int]
) -> None:
    a, b = feed_ids
    store(engine, a, [entry("1"), entry("2")])
    store(engine, b, [entry("1")])
    later = T0 + HOUR
    batches = [
        (a, [entry("2", title="edited"), entry("3"), entry("1"), entry("3", title="repeat")]),
        (b, [entry("1"), entry("4", published=None)]),
    ]
    with transaction(engine) as s:
        stored_a, stored_b = entries.store_entries_many(s, batches, fetched_at=later)
    assert [(e.guid, e.title, e.fetched_at) for e in stored_a] == [
        ("2", "edited", T0), ("3", "title 3", later),
    ]  # fmt: skip
    assert [(e.guid, e.feed_id, e.published) for e in stored_b] == [("4", b, None)]
    with transaction(engine) as s:
        for stored in stored_a + stored_b:
            assert entries.get_entry(s, stored.id) == stored
        assert entries.count_entries(s) == 5
        with pytest.raises(ValueError, match="a feed is given twice"):
            entries.store_entries_many(s, [(a, [entry("9")]), (a, [])], fetched_at=later)


def test_many_feeds_with_nothing_new(engine: sa.Engine, feed_ids: tuple[int, int]) -> None:
    a, b = feed_ids
    store(engine, a, [entry("1")])
    with transaction(engine) as s:
        assert entries.store_entries_many(s, [], fetched_at=T0) == []
        assert entries.store_entries_many(s, [(a, [entry("1")]), (b, [])], fetched_at=T0) == [
            [], [],
        ]  # fmt: skip
