"""One poll round: claim due feeds, fetch them concurrently, parse on all cores, store."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from monitor.errors import FetchError
from monitor.feeds import schedule
from monitor.feeds.fetch import Fetcher
from monitor.model import FeedToPoll, FetchResult, NewEntry, ParsedFeed
from monitor.pipeline import tracking
from monitor.pipeline.group import GroupWriter
from monitor.pipeline.tracking import PolicyFor, default_policy
from monitor.pipeline.work import ParsedWithEvents, parse_and_detect
from monitor.store import entries as store_entries
from monitor.store import feeds as store_feeds
from monitor.store.db import transaction

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Schedule:
    """The scheduling settings a poll needs, as plain values."""

    min_seconds: int
    max_seconds: int
    backoff_cap_seconds: int
    lease_seconds: int
    batch_size: int


@dataclass(slots=True)
class PollSummary:
    feeds: int = 0
    new_entries: int = 0
    not_modified: int = 0
    unchanged_bodies: int = 0
    errors: int = 0
    events: int = 0
    skipped_language: int = 0
    seconds: float = 0.0
    error_codes: dict[str, int] = field(default_factory=dict)

    def add_error(self, code: str) -> None:
        self.errors += 1
        self.error_codes[code] = self.error_codes.get(code, 0) + 1


@dataclass(frozen=True, slots=True)
class _Unchanged:
    """A 304, or a body seen before: only the schedule moves."""

    feed: FeedToPoll
    result: FetchResult


@dataclass(frozen=True, slots=True)
class _Parsed:
    feed: FeedToPoll
    result: FetchResult
    parsed: ParsedWithEvents


@dataclass(frozen=True, slots=True)
class _Failed:
    feed: FeedToPoll
    code: str
    message: str
    retry_after: int | None
    status: int | None  # of a response whose body did not parse


_StoreJob = _Unchanged | _Parsed | _Failed
Counts = tuple[int, int]  # what storing a poll gave: new entries, events
STORE_GROUP_FEEDS = 50  # feeds a store transaction takes at most (group commit)
# While other feeds of the round are on their way, the store waits this long for them before
# it writes a group: a first poll then commits ~15 feeds a transaction, not one or two, and
# spends about half the CPU on the store.
STORE_LINGER_SECONDS = 0.05


@dataclass(slots=True)
class PollRound:
    """What one round shares: the database, the HTTP client, the worker pools.

    The store thread writes the feeds that are ready together: all their entries, events,
    indicator readings, alerts and schedule updates commit in one transaction, or none do.
    """

    engine: Engine
    fetcher: Fetcher
    parse_pool: Executor
    store_pool: Executor  # one thread: the store's writes are serialised, not contended
    schedule: Schedule
    owner: str
    clock: Clock
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    policy_for: PolicyFor = default_policy  # alert thresholds per indicator (settings)
    store_group: int = STORE_GROUP_FEEDS
    store_linger: float = STORE_LINGER_SECONDS
    _on_the_way: int = field(default=0, init=False)  # feeds fetched or parsed, not yet stored

    async def run(self, *, include_not_due: bool = False) -> PollSummary:
        started = time.perf_counter()
        round_start = self.clock()
        summary = PollSummary()
        store = GroupWriter(
            self._store_group,
            self.store_pool,
            max_jobs=self.store_group,
            linger_seconds=self.store_linger,
            more_coming=lambda: self._on_the_way > 0,
        )
        while not self.stop.is_set():
            claimed = await self._in_store(self._claim, include_not_due, round_start)
            if not claimed:
                break
            summary.feeds += len(claimed)
            await asyncio.gather(*(self._poll_feed(feed, summary, store) for feed in claimed))
            if len(claimed) < self.schedule.batch_size:
                break
        summary.seconds = time.perf_counter() - started
        return summary

    def _claim(self, include_not_due: bool, round_start: datetime) -> list[FeedToPoll]:
        with transaction(self.engine) as session:
            return store_feeds.claim_due_feeds(
                session,
                now=self.clock(),
                owner=self.owner,
                lease_seconds=self.schedule.lease_seconds,
                limit=self.schedule.batch_size,
                include_not_due=include_not_due,
                not_polled_since=round_start,
            )

    async def _in_store(self, func: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.store_pool, func, *args)

    async def _poll_feed(
        self, feed: FeedToPoll, summary: PollSummary, store: GroupWriter[_StoreJob, Counts]
    ) -> None:
        if self.stop.is_set():
            return  # the lease is released on shutdown
        self._on_the_way += 1
        try:
            job = await self._fetch_and_parse(feed)
        finally:
            self._on_the_way -= 1
        new, events = await store.submit(job)
        _count_and_log(job, new, events, summary)

    async def _fetch_and_parse(self, feed: FeedToPoll) -> _StoreJob:
        try:
            result = await self.fetcher.fetch(feed)
        except FetchError as exc:
            return _Failed(feed, exc.code, exc.detail, exc.retry_after_seconds, None)
        if result.body is None or result.content_hash == feed.content_hash:
            return _Unchanged(feed, result)
        loop = asyncio.get_running_loop()
        try:
            parsed = await loop.run_in_executor(
                self.parse_pool, parse_and_detect, result.body, result.url
            )
        except BrokenExecutor:
            message = "the parser process died on this feed (out of memory?)"
            return _Failed(feed, "parse", message, None, result.status)
        if parsed.feed is None:
            return _Failed(feed, "parse", parsed.error or "not a feed", None, result.status)
        return _Parsed(feed, result, parsed)

    def _next_poll(
        self, feed: FeedToPoll, now: datetime, max_age: int | None, ttl: int | None
    ) -> datetime:
        seconds = schedule.next_interval(
            feed.interval_seconds,
            max_age_seconds=max_age,
            ttl_minutes=ttl,
            min_seconds=self.schedule.min_seconds,
            max_seconds=self.schedule.max_seconds,
        )
        return now + timedelta(seconds=seconds)

    def _store_group(self, jobs: list[_StoreJob]) -> list[Counts]:
        """Write a group of polls in one transaction; (new entries, events) per job."""
        now = self.clock()
        parsed = [job for job in jobs if isinstance(job, _Parsed)]
        found = {job.feed.id: job.parsed.events for job in parsed}
        with transaction(self.engine) as session:
            stored = store_entries.store_entries_many(
                session, [(job.feed.id, _entries_of(job)) for job in parsed], fetched_at=now
            )
            events = tracking.store_detected_per_feed(
                session,
                stored,
                lambda entry: found[entry.feed_id].get(entry.guid, ()),
                now=now,
                policy_for=self.policy_for,
            )
            successes = [self._success(job, now) for job in jobs if not isinstance(job, _Failed)]
            store_feeds.record_successes(session, successes, owner=self.owner, now=now)
            for job in jobs:
                if isinstance(job, _Failed):
                    self._record_failure(session, job, now)
        counts = {
            job.feed.id: (len(new), n) for job, new, n in zip(parsed, stored, events, strict=True)
        }
        return [counts.get(job.feed.id, (0, 0)) for job in jobs]

    def _success(self, job: _Unchanged | _Parsed, now: datetime) -> store_feeds.PollSuccess:
        feed, result = job.feed, job.result
        if isinstance(job, _Unchanged):
            return store_feeds.PollSuccess(
                feed_id=feed.id,
                status=result.status,
                next_poll_at=self._next_poll(feed, now, result.max_age_seconds, None),
                etag=result.etag or feed.etag,
                last_modified=result.last_modified or feed.last_modified,
                content_hash=feed.content_hash,
                new_url=result.permanent_redirect,
            )
        parsed = _parsed_feed(job)
        return store_feeds.PollSuccess(
            feed_id=feed.id,
            status=result.status,
            next_poll_at=self._next_poll(feed, now, result.max_age_seconds, parsed.ttl_minutes),
            etag=result.etag,
            last_modified=result.last_modified,
            content_hash=result.content_hash,
            new_url=result.permanent_redirect,
            title=parsed.title,
            warning=parsed.warning,
        )

    def _record_failure(self, session: Session, job: _Failed, now: datetime) -> None:
        feed, code = job.feed, job.code
        delay = schedule.retry_delay(
            feed.error_count + 1,
            base_seconds=max(self.schedule.min_seconds, 60),
            cap_seconds=self.schedule.backoff_cap_seconds,
            retry_after_seconds=job.retry_after,
            jitter=random.random(),
        )
        store_feeds.record_failure(
            session,
            feed.id,
            owner=self.owner,
            now=now,
            code=code,
            message=job.message,
            next_poll_at=now + timedelta(seconds=delay),
            disable=schedule.disables_feed(code),
            status=int(code[5:]) if code.startswith("http_") else None,
        )


def _count_and_log(job: _StoreJob, new: int, events: int, summary: PollSummary) -> None:
    """The poll's line in the log and its share of the round's summary."""
    feed = job.feed
    if isinstance(job, _Failed):
        summary.add_error(job.code)
        status = {"status": job.status} if job.status is not None else {}
        extra = {"feed": feed.id, **status, "error": job.code, "detail": job.message}
        log.warning("poll", extra=extra)
        return
    result = job.result
    if isinstance(job, _Unchanged):
        summary.not_modified += result.body is None
        summary.unchanged_bodies += result.body is not None
        log.info(
            "poll",
            extra={"feed": feed.id, "status": result.status, "ms": result.elapsed_ms, "new": 0},
        )
        return
    parsed = _parsed_feed(job)
    summary.new_entries += new
    summary.events += events
    summary.skipped_language += job.parsed.skipped_language
    log.info(
        "poll",
        extra={
            "feed": feed.id,
            "status": result.status,
            "ms": result.elapsed_ms,
            "bytes": len(result.body or b""),
            "entries": len(parsed.entries),
            "new": new,
            "events": events,
            **(
                {"skipped_language": job.parsed.skipped_language}
                if job.parsed.skipped_language
                else {}
            ),
            **({"warning": parsed.warning} if parsed.warning else {}),
        },
    )


def _parsed_feed(job: _Parsed) -> ParsedFeed:
    assert job.parsed.feed is not None, "a feed that did not parse is a _Failed job"
    return job.parsed.feed


def _entries_of(job: _Parsed) -> Sequence[NewEntry]:
    return _parsed_feed(job).entries


def release(engine: Engine, owner: str) -> int:
    with transaction(engine) as session:
        return store_feeds.release_leases(session, owner)
