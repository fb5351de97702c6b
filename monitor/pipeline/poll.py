"""One poll round: claim due feeds, fetch them concurrently, parse on all cores, store."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
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


_StoreJob = _Unchanged | _Parsed | _Failed
Counts = tuple[int, int]  # what storing a poll gave: new entries, events
STORE_GROUP_FEEDS = 50  # feeds a store transaction takes at most (group commit)


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

    async def run(self, *, include_not_due: bool = False) -> PollSummary:
        started = time.perf_counter()
        round_start = self.clock()
        summary = PollSummary()
        store = GroupWriter(self._store_group, self.store_pool, max_jobs=self.store_group)
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
        try:
            result = await self.fetcher.fetch(feed)
        except FetchError as exc:
            summary.add_error(exc.code)
            await store.submit(_Failed(feed, exc.code, exc.detail, exc.retry_after_seconds))
            log.warning("poll", extra={"feed": feed.id, "error": exc.code, "detail": str(exc)})
            return
        if result.body is None or result.content_hash == feed.content_hash:
            summary.not_modified += result.body is None
            summary.unchanged_bodies += result.body is not None
            await store.submit(_Unchanged(feed, result))
            log.info(
                "poll",
                extra={
                    "feed": feed.id,
                    "status": result.status,
                    "ms": result.elapsed_ms,
                    "new": 0,
                },
            )
            return
        loop = asyncio.get_running_loop()
        parsed = await loop.run_in_executor(
            self.parse_pool, parse_and_detect, result.body, result.url
        )
        if parsed.feed is None:
            summary.add_error("parse")
            await store.submit(_Failed(feed, "parse", parsed.error or "not a feed", None))
            log.warning(
                "poll",
                extra={
                    "feed": feed.id,
                    "status": result.status,
                    "error": "parse",
                    "detail": parsed.error,
                },
            )
            return
        new, events = await store.submit(_Parsed(feed, result, parsed))
        summary.new_entries += new
        summary.events += events
        summary.skipped_language += parsed.skipped_language
        log.info(
            "poll",
            extra={
                "feed": feed.id,
                "status": result.status,
                "ms": result.elapsed_ms,
                "bytes": len(result.body),
                "entries": len(parsed.feed.entries),
                "new": new,
                "events": events,
                **(
                    {"skipped_language": parsed.skipped_language} if parsed.skipped_language else {}
                ),
                **({"warning": parsed.feed.warning} if parsed.feed.warning else {}),
            },
        )

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


def _parsed_feed(job: _Parsed) -> ParsedFeed:
    assert job.parsed.feed is not None, "a feed that did not parse is a _Failed job"
    return job.parsed.feed


def _entries_of(job: _Parsed) -> Sequence[NewEntry]:
    return _parsed_feed(job).entries


def release(engine: Engine, owner: str) -> int:
    with transaction(engine) as session:
        return store_feeds.release_leases(session, owner)
