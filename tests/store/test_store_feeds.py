"""Feeds: the list, leases and claims (also under contention), and the outcome of a poll."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from monitor.errors import DuplicateFeedError, StoreError
from monitor.model import NewEntry
from monitor.store import entries, feeds
from monitor.store.db import connect, transaction

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def add(engine: sa.Engine, url: str, *, now: datetime = T0, interval: int = 600) -> int:
    with transaction(engine) as s:
        return feeds.add_feed(s, url, interval_seconds=interval, now=now).id


def claim(engine: sa.Engine, owner: str = "a", *, now: datetime = T0, **kw: object) -> list[int]:
    options: dict[str, object] = {"lease_seconds": 300, "limit": 100} | kw
    with transaction(engine) as s:
        return [f.id for f in feeds.claim_due_feeds(s, now=now, owner=owner, **options)]  # type: ignore[arg-type]


def test_add_list_get_remove(engine: sa.Engine) -> None:
    with transaction(engine) as s:
        feed = feeds.add_feed(s, "https://a.example/rss", title="A", interval_seconds=900, now=T0)
        feeds.add_feed(s, "https://b.example/atom", interval_seconds=60, now=T0)
    assert (feed.url, feed.title, feed.enabled, feed.interval_seconds) == (
        "https://a.example/rss",
        "A",
        True,
        900,
    )
    assert (feed.next_poll_at, feed.last_polled_at, feed.error_count) == (T0, None, 0)
    with transaction(engine) as s:
        assert [f.url for f in feeds.list_feeds(s)] == [
            "https://a.example/rss",
            "https://b.example/atom",
        ]
        assert feeds.get_feed(s, feed.id) == feed
        assert feeds.get_feed(s, str(feed.id)) == feed
        assert feeds.get_feed(s, "https://a.example/rss") == feed
        assert feeds.remove_feed(s, "https://a.example/rss") == feed
    with transaction(engine) as s:
        assert [f.url for f in feeds.list_feeds(s)] == ["https://b.example/atom"]
        with pytest.raises(StoreError, match=r"^no such feed: https://a.example/rss"):
            feeds.get_feed(s, "https://a.example/rss")
        with pytest.raises(StoreError, match=r"^no such feed: 99"):
            feeds.remove_feed(s, 99)


def test_duplicate_feed(engine: sa.Engine) -> None:
    add(engine, "https://a.example/rss")
    with pytest.raises(DuplicateFeedError) as caught, transaction(engine) as s:
        feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
    assert str(caught.value) == "feed already exists: https://a.example/rss"


def test_remove_cascades_to_entries(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/rss")
    other = add(engine, "https://b.example/rss")
    entry = NewEntry("g1", None, "title", "summary", None, "fp")
    with transaction(engine) as s:
        entries.store_entries(s, feed_id, [entry], fetched_at=T0)
        entries.store_entries(s, other, [entry], fetched_at=T0)
    with transaction(engine) as s:
        feeds.remove_feed(s, feed_id)
    with transaction(engine) as s:
        assert entries.count_entries(s) == 1


def test_claim_due_not_due_disabled_and_leased(engine: sa.Engine) -> None:
    due = add(engine, "https://due.example/", now=T0 - MINUTE)
    later = add(engine, "https://later.example/", now=T0 + MINUTE)
    off = add(engine, "https://off.example/", now=T0 - MINUTE)
    with transaction(engine) as s:
        feeds.set_feed_enabled(s, off, enabled=False, now=T0)

    assert claim(engine, "a") == [due]
    assert claim(engine, "b") == []  # leased by a
    assert claim(engine, "b", now=T0 + MINUTE / 2, include_not_due=True) == [later]
    assert claim(engine, "c", now=T0 + 2 * MINUTE) == []  # both leased
    # a's lease (300 s) has expired: b may take it again.
    assert claim(engine, "b", now=T0 + 5 * MINUTE) == [due]


def test_claim_orders_by_next_poll_and_honours_limit(engine: sa.Engine) -> None:
    ids = [add(engine, f"https://{n}.example/", now=T0 - n * MINUTE) for n in range(5)]
    assert claim(engine, "a", limit=2) == [ids[4], ids[3]]
    assert claim(engine, "b", limit=10) == [ids[2], ids[1], ids[0]]


def test_claim_returns_the_validators(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/")
    with transaction(engine) as s:
        feeds.record_success(
            s, feed_id, owner="x", now=T0, status=200, next_poll_at=T0, etag='"v1"',
            last_modified="Sun, 01 Mar 2026 11:00:00 GMT", content_hash="h1",
            new_url=None, title="A",
        )  # fmt: skip
        (claimed,) = feeds.claim_due_feeds(s, now=T0, owner="a", lease_seconds=60, limit=5)
    assert (claimed.etag, claimed.last_modified, claimed.content_hash) == (
        '"v1"',
        "Sun, 01 Mar 2026 11:00:00 GMT",
        "h1",
    )
    assert (claimed.url, claimed.interval_seconds, claimed.error_count) == (
        "https://a.example/",
        600,
        0,
    )


def _claim_all(url: str, owner: str, start: threading.Barrier, out: list[int]) -> None:
    engine = connect(url)
    try:
        start.wait()
        while batch := claim(engine, owner, limit=3):
            out.extend(batch)
    finally:
        engine.dispose()


def test_concurrent_claimers_never_share_a_feed(engine: sa.Engine, database_url: str) -> None:
    with transaction(engine) as s:
        for n in range(150):
            feeds.add_feed(s, f"https://{n}.example/", interval_seconds=60, now=T0 - MINUTE)
    claimers = 4
    start = threading.Barrier(claimers)
    results: list[list[int]] = [[] for _ in range(claimers)]
    threads = [
        threading.Thread(target=_claim_all, args=(database_url, f"d{n}", start, results[n]))
        for n in range(claimers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    counts = Counter(feed_id for result in results for feed_id in result)
    assert sorted(counts) == list(range(1, 151))
    assert max(counts.values()) == 1, [f for f, n in counts.items() if n > 1]
    assert sum(1 for result in results if result) >= 2  # they did run side by side


def _success(engine: sa.Engine, feed_id: int, owner: str = "a", **kw: object) -> None:
    values: dict[str, object] = {
        "status": 200, "next_poll_at": T0 + 10 * MINUTE, "etag": '"e"', "last_modified": None,
        "content_hash": "h", "new_url": None, "title": None,
    } | kw  # fmt: skip
    with transaction(engine) as s:
        feeds.record_success(s, feed_id, owner=owner, now=T0, **values)  # type: ignore[arg-type]


def test_record_failure_then_success(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/")
    assert claim(engine, "a") == [feed_id]
    with transaction(engine) as s:
        feeds.record_failure(
            s, feed_id, owner="a", now=T0, code="http_503", message="service unavailable",
            next_poll_at=T0 + 5 * MINUTE, disable=False, status=503,
        )  # fmt: skip
        feed = feeds.get_feed(s, feed_id)
    assert (feed.error_count, feed.last_error, feed.last_status, feed.enabled) == (
        1,
        "http_503: service unavailable",
        503,
        True,
    )
    assert (feed.last_polled_at, feed.next_poll_at) == (T0, T0 + 5 * MINUTE)
    assert claim(engine, "b", now=T0 + 5 * MINUTE) == [feed_id]  # lease released
    _success(engine, feed_id, owner="b", title="Feed A")
    with transaction(engine) as s:
        feed = feeds.get_feed(s, feed_id)
    assert (feed.error_count, feed.last_error, feed.last_status, feed.title) == (
        0,
        None,
        200,
        "Feed A",
    )
    assert feed.next_poll_at == T0 + 10 * MINUTE
    assert claim(engine, "c", now=T0 + 10 * MINUTE) == [feed_id]


def test_record_failure_disables(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://gone.example/")
    with transaction(engine) as s:
        feeds.record_failure(
            s, feed_id, owner="a", now=T0, code="http_410", message="gone",
            next_poll_at=T0, disable=True,
        )  # fmt: skip
        feed = feeds.get_feed(s, feed_id)
    assert (feed.enabled, feed.disabled_reason) == (False, "http_410: gone")
    assert claim(engine, "a", include_not_due=True) == []


def test_304_keeps_validators_it_does_not_repeat(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/")
    _success(engine, feed_id, etag='"e1"', last_modified="lm1", content_hash="h1")
    _success(engine, feed_id, status=304, etag=None, last_modified=None, content_hash=None)
    with transaction(engine) as s:
        (claimed,) = feeds.claim_due_feeds(
            s, now=T0, owner="a", lease_seconds=60, limit=1, include_not_due=True
        )
    assert (claimed.etag, claimed.last_modified, claimed.content_hash) == ('"e1"', "lm1", "h1")
    _success(engine, feed_id, owner="a", etag=None, last_modified=None, content_hash="h2")
    with transaction(engine) as s:
        (claimed,) = feeds.claim_due_feeds(
            s, now=T0, owner="a", lease_seconds=60, limit=1, include_not_due=True
        )
    assert (claimed.etag, claimed.last_modified, claimed.content_hash) == (None, None, "h2")


def test_permanent_redirect_moves_the_feed(engine: sa.Engine) -> None:
    feed_id = add(engine, "http://a.example/rss")
    _success(engine, feed_id, new_url="https://a.example/rss")
    with transaction(engine) as s:
        feed = feeds.get_feed(s, feed_id)
    assert (feed.url, feed.last_error) == ("https://a.example/rss", None)


def test_redirect_onto_another_feed_keeps_the_url(engine: sa.Engine) -> None:
    feed_id = add(engine, "http://a.example/rss")
    other = add(engine, "https://a.example/rss")
    _success(engine, feed_id, new_url="https://a.example/rss")
    with transaction(engine) as s:
        feed = feeds.get_feed(s, feed_id)
    assert feed.url == "http://a.example/rss"
    assert feed.last_error == (
        f"permanent redirect to https://a.example/rss not followed: feed {other} has that URL"
    )


def test_outcome_keeps_another_owners_lease(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/")
    assert claim(engine, "a") == [feed_id]
    # a's lease expired, b took the feed over; a's late result must not free b's lease.
    assert claim(engine, "b", now=T0 + 6 * MINUTE) == [feed_id]
    _success(engine, feed_id, owner="a", next_poll_at=T0)
    assert claim(engine, "c", now=T0 + 7 * MINUTE) == []


def test_release_leases(engine: sa.Engine) -> None:
    ids = [add(engine, f"https://{n}.example/") for n in range(3)]
    assert claim(engine, "a", limit=2) == ids[:2]
    assert claim(engine, "b", limit=1) == ids[2:]
    with transaction(engine) as s:
        assert feeds.release_leases(s, "a") == 2
        assert feeds.release_leases(s, "a") == 0
    assert claim(engine, "c") == ids[:2]


def test_set_feed_enabled_makes_it_due(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/", now=T0 + 60 * MINUTE)
    with transaction(engine) as s:
        assert not feeds.set_feed_enabled(s, feed_id, enabled=False, now=T0).enabled
        feed = feeds.set_feed_enabled(s, feed_id, enabled=True, now=T0)
    assert (feed.enabled, feed.disabled_reason, feed.next_poll_at) == (True, None, T0)
    assert claim(engine, "a") == [feed_id]


def test_outcome_of_a_removed_feed(engine: sa.Engine) -> None:
    feed_id = add(engine, "https://a.example/")
    with transaction(engine) as s:
        feeds.remove_feed(s, feed_id)
    with pytest.raises(StoreError, match=rf"^no such feed: {feed_id} \(removed"):
        _success(engine, feed_id)
    with pytest.raises(StoreError, match=rf"^no such feed: {feed_id} \(removed"):
        with transaction(engine) as s:
            feeds.record_failure(
                s, feed_id, owner="a", now=T0, code="timeout", message="slow",
                next_poll_at=T0, disable=False,
            )  # fmt: skip


POLLS: list[dict[str, object]] = [
    {"status": 200, "etag": '"e1"', "last_modified": "lm1", "content_hash": "h1", "title": "T"},
    {"status": 304, "etag": None, "last_modified": None, "content_hash": None},
    {"status": 304, "etag": '"e2"', "last_modified": None, "content_hash": None},
    {"status": 200, "etag": None, "last_modified": None, "content_hash": "h2", "title": ""},
    {"status": 200, "etag": None, "last_modified": None, "content_hash": "h3", "new_url": "/moved"},
]
FIRST = {"status": 200, "etag": '"e0"', "last_modified": "lm0", "content_hash": "h0"}


def _row(engine: sa.Engine, feed_id: int) -> tuple[object, ...]:
    """What a poll's outcome wrote, the URL aside."""
    c = feeds.FEEDS.c
    columns = (
        c.title, c.last_status, c.next_poll_at, c.last_polled_at, c.error_count, c.last_error,
        c.etag, c.last_modified, c.content_hash, c.lease_owner, c.lease_until,
    )  # fmt: skip
    with transaction(engine) as s:
        return tuple(s.connection().execute(sa.select(*columns).where(c.id == feed_id)).one())


def _poll(feed_id: int, base: str, poll: dict[str, object]) -> feeds.PollSuccess:
    new_url = f"{base}{poll['new_url']}" if "new_url" in poll else None
    values = poll | {"new_url": new_url, "next_poll_at": T0 + 10 * MINUTE}
    return feeds.PollSuccess(feed_id, **values)  # type: ignore[arg-type]


def test_record_successes_does_what_record_success_does(engine: sa.Engine) -> None:
    """Each poll recorded alone on a feed, and all of them at once on twin feeds."""
    alone = [add(engine, f"https://alone{n}.example") for n in range(len(POLLS))]
    twins = [add(engine, f"https://twin{n}.example") for n in range(len(POLLS))]
    claim(engine, "a")
    with transaction(engine) as s:
        first = [feeds.PollSuccess(i, next_poll_at=T0, **FIRST) for i in alone + twins]  # type: ignore[arg-type]
        feeds.record_successes(s, first, owner="a", now=T0)
    claim(engine, "a", now=T0 + MINUTE)
    for n, (feed_id, poll) in enumerate(zip(alone, POLLS, strict=True)):
        with transaction(engine) as s:
            values = vars_of(_poll(feed_id, f"https://alone{n}.example", poll))
            feeds.record_success(s, feed_id, owner="a", now=T0 + MINUTE, **values)
    with transaction(engine) as s:
        polls = [
            _poll(feed_id, f"https://twin{n}.example", poll)
            for n, (feed_id, poll) in enumerate(zip(twins, POLLS, strict=True))
        ]
        feeds.record_successes(s, polls, owner="a", now=T0 + MINUTE)
    for one, twin in zip(alone, twins, strict=True):
        assert _row(engine, one) == _row(engine, twin)
    with transaction(engine) as s:
        assert feeds.get_feed(s, twins[-1]).url == f"https://twin{len(POLLS) - 1}.example/moved"
    assert _row(engine, twins[0])[:2] == ("T", 200)
    assert _row(engine, twins[2])[6:9] == ('"e2"', "lm0", "h0")  # a 304 keeps what it omits
    assert _row(engine, twins[3])[6:9] == (None, None, "h2")  # a 200 does not


def vars_of(poll: feeds.PollSuccess) -> dict[str, object]:
    return {name: getattr(poll, name) for name in poll.__slots__ if name != "feed_id"}


def test_record_successes_keeps_another_owners_lease(engine: sa.Engine) -> None:
    ours, theirs = add(engine, "https://a.example/"), add(engine, "https://b.example/")
    assert claim(engine, "a", limit=1) == [ours]
    assert claim(engine, "b", limit=1) == [theirs]
    with transaction(engine) as s:
        polls = [feeds.PollSuccess(i, 200, T0, None, None, "h") for i in (ours, theirs)]
        feeds.record_successes(s, polls, owner="a", now=T0)
    assert _row(engine, ours)[-2] is None
    assert _row(engine, theirs)[-2] == "b"


def test_record_successes_of_a_removed_feed_writes_nothing(engine: sa.Engine) -> None:
    kept, removed = add(engine, "https://a.example/"), add(engine, "https://b.example/")
    with transaction(engine) as s:
        feeds.remove_feed(s, removed)
    polls = [feeds.PollSuccess(i, 200, T0, '"e"', None, "h") for i in (kept, removed)]
    with pytest.raises(StoreError, match=rf"^no such feed: {removed} \(removed"):
        with transaction(engine) as s:
            feeds.record_successes(s, polls, owner="a", now=T0)
    assert _row(engine, kept)[1] is None  # rolled back with the others
