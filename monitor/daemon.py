"""The daemon: APScheduler runs a few fixed jobs; each feed's schedule lives in the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from monitor import sdnotify
from monitor.config import Settings
from monitor.errors import ConfigError
from monitor.feeds.fetch import Fetcher, FetchLimits
from monitor.model import EventKind
from monitor.pipeline.parse_pool import ParsePool, default_workers
from monitor.pipeline.poll import PollRound, PollSummary, Schedule, release
from monitor.pipeline.tracking import PolicyFor, policies_from
from monitor.store.db import connect, require_current_schema, upgrade_schema

if TYPE_CHECKING:
    from monitor.pipeline.outbox import SendSummary

log = logging.getLogger(__name__)

STOP_TIMEOUT_SECONDS = 20.0


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_owner_id() -> str:
    """Names this process on the leases it takes, so two daemons tell theirs apart."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def open_database(settings: Settings) -> Engine:
    engine = connect(settings.resolved_database_url)
    if settings.migrate_on_start:
        upgrade_schema(engine)
    require_current_schema(engine)
    return engine


def fetch_limits(settings: Settings) -> FetchLimits:
    return FetchLimits(
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        total_timeout=settings.total_timeout,
        max_body_bytes=settings.max_body_bytes,
        user_agent=settings.user_agent,
        max_concurrency=settings.max_concurrency,
        per_host_concurrency=settings.per_host_concurrency,
    )


def poll_schedule(settings: Settings) -> Schedule:
    return Schedule(
        min_seconds=settings.min_interval,
        max_seconds=settings.max_interval,
        backoff_cap_seconds=settings.error_backoff_max,
        lease_seconds=settings.lease_seconds,
        batch_size=settings.batch_size,
    )


def alert_policies(settings: Settings) -> PolicyFor:
    thresholds = {
        EventKind.MOBILIZATION: settings.threshold_mobilization,
        EventKind.EMIGRATION: settings.threshold_emigration,
    }
    return policies_from(thresholds, alert_first_seen=settings.alert_on_first_seen)


def alert_targets(settings: Settings) -> dict[EventKind, list[str]]:
    """Where each kind's alerts go: its own route when set, else MONITOR_ALERT_URLS."""
    routes = {
        EventKind.MOBILIZATION: settings.alert_urls_mobilization,
        EventKind.BORDER_CLOSURE: settings.alert_urls_border_closure,
        EventKind.EMIGRATION: settings.alert_urls_emigration,
    }
    return {kind: urls or settings.alert_urls for kind, urls in routes.items()}


def check_alert_targets(settings: Settings) -> int:
    """Every configured alert URL must be one apprise can send to; returns how many there are.
    Checked before the daemon starts, so a typo is found now rather than at the first alert."""
    from monitor.alerts.send import validate_target

    fields = {
        "MONITOR_ALERT_URLS": settings.alert_urls,
        "MONITOR_ALERT_URLS_MOBILIZATION": settings.alert_urls_mobilization,
        "MONITOR_ALERT_URLS_BORDER_CLOSURE": settings.alert_urls_border_closure,
        "MONITOR_ALERT_URLS_EMIGRATION": settings.alert_urls_emigration,
    }
    for name, urls in fields.items():
        for url in urls:
            problem = validate_target(url)
            if problem:
                raise ConfigError(name, problem)
    return len({url for urls in fields.values() for url in urls})


def send_alerts(settings: Settings, engine: Engine, owner: str) -> SendSummary:
    """Deliver pending alerts once: the daemon's send tick and `monitor alerts send`."""
    from monitor.pipeline.outbox import send_pending  # apprise loads only where alerts go out

    targets = alert_targets(settings)
    return send_pending(
        engine,
        targets_for=lambda kind: targets[kind],
        clock=utc_now,
        max_attempts=settings.alert_max_attempts,
        retry_base_seconds=settings.alert_retry_base,
        digest_after=settings.alert_digest_after,
        digest_window_seconds=settings.alert_digest_window,
        owner=owner,
    )


@contextlib.asynccontextmanager
async def open_poller(
    settings: Settings, engine: Engine, clock: Callable[[], datetime]
) -> AsyncIterator[PollRound]:
    workers = settings.parse_workers or default_workers()
    with (
        ParsePool(workers, inline_backlog_bytes=settings.parse_inline_bytes) as parse_pool,
        ThreadPoolExecutor(1, thread_name_prefix="store") as store_pool,
    ):
        async with Fetcher(fetch_limits(settings)) as fetcher:
            yield PollRound(
                engine=engine,
                fetcher=fetcher,
                parse_pool=parse_pool,
                store_pool=store_pool,
                schedule=poll_schedule(settings),
                owner=new_owner_id(),
                clock=clock,
                policy_for=alert_policies(settings),
            )


async def poll_once(settings: Settings, *, include_not_due: bool) -> PollSummary:
    engine = open_database(settings)
    try:
        async with open_poller(settings, engine, utc_now) as poller:
            try:
                return await poller.run(include_not_due=include_not_due)
            finally:
                release(engine, poller.owner)
    finally:
        engine.dispose()


class Daemon:
    """`monitor run`: poll due feeds every tick until SIGTERM or SIGINT."""

    def __init__(self, settings: Settings, engine: Engine, poller: PollRound) -> None:
        self.settings = settings
        self.engine = engine
        self.poller = poller
        self.stopping = asyncio.Event()
        from apscheduler.schedulers.asyncio import AsyncIOScheduler  # only the daemon schedules

        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.current_round: asyncio.Task[PollSummary] | None = None
        self.rounds = 0

    async def poll_tick(self) -> None:
        if self.stopping.is_set():
            return
        self.current_round = asyncio.ensure_future(self.poller.run())
        # Shielded: stopping the scheduler must not cut a round short; _finish_round decides.
        summary = await asyncio.shield(self.current_round)
        self.rounds += 1
        sdnotify.notify(
            f"STATUS=round {self.rounds}: {summary.feeds} feeds, {summary.new_entries} new "
            f"entries, {summary.events} events, {summary.errors} errors"
        )
        if summary.feeds:
            log.info(
                "round",
                extra={
                    "feeds": summary.feeds,
                    "new": summary.new_entries,
                    "not_modified": summary.not_modified,
                    "errors": summary.errors,
                    "events": summary.events,
                    "ms": round(summary.seconds * 1000),
                },
            )

    async def send_tick(self) -> None:
        if self.stopping.is_set():
            return
        summary = await asyncio.to_thread(
            send_alerts, self.settings, self.engine, self.poller.owner
        )
        if summary.claimed:
            log.info(
                "send",
                extra={
                    "messages": summary.messages,
                    "delivered": summary.delivered,
                    "failed": summary.failed,
                    "deferred": summary.deferred,
                },
            )

    def request_stop(self, signum: int) -> None:
        if self.stopping.is_set():
            log.warning("second signal: exiting at once", extra={"signal": signum})
            os._exit(1)
        log.info("stopping", extra={"signal": signal.Signals(signum).name})
        sdnotify.notify("STOPPING=1", "STATUS=stopping")
        self.stopping.set()
        self.poller.stop.set()

    def schedule_jobs(self) -> None:
        self.scheduler.add_job(
            self.poll_tick,
            "interval",
            seconds=self.settings.poll_tick,
            id="poll",
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.add_job(
            self.send_tick,
            "interval",
            seconds=self.settings.send_tick,
            id="send",
            max_instances=1,
            coalesce=True,
        )
        watchdog = sdnotify.watchdog_interval()
        if watchdog:
            self.scheduler.add_job(
                sdnotify.notify, "interval", args=["WATCHDOG=1"], seconds=watchdog, id="watchdog"
            )

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, self.request_stop, signum)
        self.schedule_jobs()
        self.scheduler.start()
        sdnotify.notify("READY=1", "STATUS=polling")
        log.info("started", extra={"owner": self.poller.owner})
        await self.stopping.wait()
        self.scheduler.pause()
        await self._finish_round()
        self.scheduler.shutdown(wait=False)
        released = release(self.engine, self.poller.owner)
        log.info("stopped", extra={"released_leases": released})
        return 0

    async def _finish_round(self) -> None:
        task = self.current_round
        if task is None or task.done():
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT_SECONDS)
        except TimeoutError:
            log.warning("abandoning in-flight polls", extra={"timeout_s": STOP_TIMEOUT_SECONDS})
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _run_daemon(settings: Settings, targets: int) -> int:
    engine = open_database(settings)
    if not targets:
        log.warning("no alert targets: alerts wait in the outbox until MONITOR_ALERT_URLS is set")
    try:
        async with open_poller(settings, engine, utc_now) as poller:
            return await Daemon(settings, engine, poller).run()
    finally:
        engine.dispose()


def run_daemon(settings: Settings) -> int:
    targets = check_alert_targets(settings)
    return asyncio.run(_run_daemon(settings, targets))
