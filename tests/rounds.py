"""Test helpers: one poll round run in threads (no worker processes), and the bench farm."""

from __future__ import annotations

import asyncio
import importlib.util
import sys
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import sqlalchemy as sa

from monitor.feeds.fetch import Fetcher, FetchLimits
from monitor.pipeline.poll import PollRound, PollSummary, Schedule
from monitor.pipeline.tracking import PolicyFor, default_policy


def utc_now() -> datetime:
    return datetime.now(UTC)


def run_round(
    engine: sa.Engine,
    *,
    clock: Callable[[], datetime] = utc_now,
    policy_for: PolicyFor = default_policy,
    limits: FetchLimits | None = None,
    parse_threads: int = 1,
    batch: int = 50,
    store_group: int | None = None,
    parse_pool: Executor | None = None,
) -> PollSummary:
    """A round over every enabled feed, due or not, parsing in threads (or in `parse_pool`)."""
    extra: dict[str, Any] = {} if store_group is None else {"store_group": store_group}

    async def run() -> PollSummary:
        with (
            parse_pool or ThreadPoolExecutor(parse_threads) as parse,
            ThreadPoolExecutor(1) as store,
        ):
            async with Fetcher(limits or FetchLimits(total_timeout=10)) as fetcher:
                poller = PollRound(
                    engine=engine,
                    fetcher=fetcher,
                    parse_pool=parse,
                    store_pool=store,
                    schedule=Schedule(60, 86400, 3600, 300, batch),
                    owner="test",
                    clock=clock,
                    policy_for=policy_for,
                    **extra,
                )
                return await poller.run(include_not_due=True)

    return asyncio.run(run())


def load_farm() -> ModuleType:
    """bench/farm.py, which is a script, not a package module."""
    path = Path(__file__).resolve().parents[1] / "bench" / "farm.py"
    spec = importlib.util.spec_from_file_location("bench_farm", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module
