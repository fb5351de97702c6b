"""The poll round's group commit, on SQLite and PostgreSQL, against the benchmark's feed farm:
feeds stored together end as they would one by one, and a group commits all or nothing."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import BrokenExecutor, ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from monitor.feeds.fetch import FetchLimits
from monitor.model import EventKind, IndicatorKey
from monitor.pipeline.poll import PollSummary
from monitor.pipeline.tracking import PolicyFor, default_policy
from monitor.store import entries, events, feeds, indicators, outbox
from monitor.store.db import connect, transaction, upgrade_schema
from tests.rounds import load_farm, run_round

FEEDS, ENTRIES = 30, 10


@pytest.fixture(scope="module")
def farm() -> Iterator[Any]:
    with load_farm().Farm(FEEDS, ENTRIES, seed=3) as running:
        yield running


def now() -> datetime:
    return datetime.now(UTC)


def poll(
    engine: sa.Engine,
    *,
    group: int,
    policy_for: PolicyFor = default_policy,
    in_order: bool = False,
) -> PollSummary:
    """A round over every feed; `in_order`: one fetch and one parse at a time, so that the
    feeds reach the store in the order they were claimed."""
    limits = FetchLimits(total_timeout=10, per_host_concurrency=16)
    if in_order:
        limits = FetchLimits(total_timeout=10, max_concurrency=1, per_host_concurrency=1)

    return run_round(
        engine,
        clock=now,
        policy_for=policy_for,
        limits=limits,
        parse_threads=1 if in_order else 2,
        batch=500,
        store_group=group,
    )


def add_feeds(engine: sa.Engine, farm: Any) -> None:
    with transaction(engine) as s:
        for n in range(FEEDS):
            feeds.add_feed(s, farm.feed_url(n), interval_seconds=600, now=now())


def snapshot(engine: sa.Engine) -> dict[str, Any]:
    """What a round leaves behind, without ids and times."""
    with transaction(engine, readonly=True) as s:
        url = {feed.id: feed.url for feed in feeds.list_feeds(s)}
        stored = list(entries.iter_entries(s, since=None, batch=500))
        guid = {entry.id: (url[entry.feed_id], entry.guid) for entry in stored}
        found = events.list_events(s, limit=10_000)
        views = indicators.list_indicators(s)
        alerts = outbox.list_alerts(s, limit=10_000)
        listed = feeds.list_feeds(s)
    return {
        "entries": sorted((url[e.feed_id], e.guid, e.title, e.fingerprint) for e in stored),
        "events": sorted((guid[e.entry_id], e.event) for e in found),
        "indicators": [(v.key, v.figure, v.status, v.source_count, v.source) for v in views],
        "alerts": [
            (
                a.change.change_type,
                a.change.key,
                a.change.new_figure,
                a.change.new_status,
                a.change.new_source,
                a.change.old_figure,
                a.change.old_source,
            )
            for a in alerts
        ],  # fmt: skip
        "feeds": [
            (f.url, f.title, f.last_status, f.error_count, f.last_error, f.enabled) for f in listed
        ],
    }


def three_rounds(engine: sa.Engine, farm: Any, group: int) -> list[tuple[int, int, int]]:
    farm.reset()
    add_feeds(engine, farm)
    rounds = [poll(engine, group=group, in_order=True), poll(engine, group=group, in_order=True)]
    farm.advance(0.2)
    rounds.append(poll(engine, group=group, in_order=True))
    return [(r.feeds, r.new_entries, r.events) for r in rounds]


def test_feeds_stored_in_groups_end_as_feeds_stored_alone(
    engine: sa.Engine, farm: Any, tmp_path: Path
) -> None:
    alone = connect(f"sqlite:///{tmp_path / 'alone.db'}")
    try:
        upgrade_schema(alone)
        expected = three_rounds(alone, farm, group=1)
        reference = snapshot(alone)
    finally:
        alone.dispose()
    assert three_rounds(engine, farm, group=50) == expected
    assert snapshot(engine) == reference
    assert expected[0] == (FEEDS, FEEDS * ENTRIES, expected[0][2]) and expected[0][2] > 0
    assert expected[1][1:] == (0, 0) and expected[2][1] == round(FEEDS * 0.2)


def test_feeds_ready_together_commit_together(engine: sa.Engine, farm: Any) -> None:
    farm.reset()
    add_feeds(engine, farm)
    poll(engine, group=50)
    commits: list[object] = []

    def count(connection: object) -> None:
        commits.append(connection)

    sa.event.listen(engine, "commit", count)
    try:
        summary = poll(engine, group=50)  # every feed answers 304 at about the same time
    finally:
        sa.event.remove(engine, "commit", count)
    assert summary.not_modified == FEEDS
    assert len(commits) < FEEDS  # the claim, then groups of feeds


def test_a_group_commits_all_or_nothing(engine: sa.Engine, farm: Any) -> None:
    farm.reset()
    add_feeds(engine, farm)

    def broken(key: IndicatorKey) -> Any:
        if key.kind is EventKind.EMIGRATION:
            raise RuntimeError("a bug in the thresholds")
        return default_policy(key)

    with pytest.raises(RuntimeError, match="a bug in the thresholds"):
        poll(engine, group=50, policy_for=broken)
    with transaction(engine, readonly=True) as s:
        stored = {e.feed_id for e in entries.iter_entries(s, since=None, batch=500)}
        polled = {f.id for f in feeds.list_feeds(s) if f.last_polled_at is not None}
        kinds = {e.event.kind for e in events.list_events(s, limit=10_000)}
    assert stored == polled  # each feed: its entries and its schedule, or neither
    assert len(polled) < FEEDS
    assert EventKind.EMIGRATION not in kinds


def kill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_parse_pool_that_died_fails_the_feeds_not_the_round(engine: sa.Engine, farm: Any) -> None:
    add_feeds(engine, farm)
    farm.reset()
    broken = ProcessPoolExecutor(1, multiprocessing.get_context("spawn"))
    with pytest.raises(BrokenExecutor):
        broken.submit(kill_self).result(timeout=60)
    summary = run_round(engine, clock=now, batch=500, parse_pool=broken)
    assert summary.feeds == FEEDS and summary.new_entries == 0
    assert summary.error_codes == {"parse": FEEDS}
    with transaction(engine, readonly=True) as s:
        listed = feeds.list_feeds(s)
    assert all(f.error_count == 1 and "parser process died" in (f.last_error or "") for f in listed)
