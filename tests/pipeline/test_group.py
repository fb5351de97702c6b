"""GroupWriter: jobs that arrive while the store thread is busy are written together."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from monitor.pipeline.group import GroupWriter


class Store:
    """A write function on a real thread; the first call waits until `release()`."""

    def __init__(self) -> None:
        self.calls: list[list[int]] = []
        self.started = threading.Event()
        self.gate = threading.Event()

    def write(self, jobs: list[int]) -> list[int]:
        self.calls.append(list(jobs))
        self.started.set()
        self.gate.wait(10)
        if any(job < 0 for job in jobs):
            raise ValueError(f"bad job in {jobs}")
        return [job * 10 for job in jobs]


async def started(store: Store) -> None:
    assert await asyncio.to_thread(store.started.wait, 10)


def run_jobs(jobs: list[int], max_jobs: int) -> tuple[Store, list[int | BaseException]]:
    store = Store()

    async def main() -> list[int | BaseException]:
        with ThreadPoolExecutor(1) as executor:
            writer = GroupWriter(store.write, executor, max_jobs=max_jobs)
            first = asyncio.ensure_future(writer.submit(jobs[0]))
            await started(store)  # the first call runs and waits: the others queue up
            rest = [asyncio.ensure_future(writer.submit(job)) for job in jobs[1:]]
            await asyncio.sleep(0)
            store.gate.set()
            return await asyncio.gather(first, *rest, return_exceptions=True)

    return store, asyncio.run(main())


def test_jobs_that_wait_are_written_in_one_call() -> None:
    store, results = run_jobs([1, 2, 3, 4, 5], max_jobs=50)
    assert store.calls == [[1], [2, 3, 4, 5]]
    assert results == [10, 20, 30, 40, 50]


def test_a_call_takes_at_most_max_jobs_in_order() -> None:
    store, results = run_jobs([1, 2, 3, 4, 5, 6], max_jobs=2)
    assert store.calls == [[1], [2, 3], [4, 5], [6]]
    assert results == [10, 20, 30, 40, 50, 60]


def test_a_failed_call_fails_its_own_jobs_only() -> None:
    store, results = run_jobs([1, 2, -3, 4, 5], max_jobs=2)
    assert store.calls == [[1], [2, -3], [4, 5]]
    assert results[:1] == [10] and results[3:] == [40, 50]
    assert all(isinstance(r, ValueError) and "[2, -3]" in str(r) for r in results[1:3])


def test_a_job_cancelled_before_its_call_is_left_out() -> None:
    store = Store()

    async def main() -> tuple[list[int], bool]:
        with ThreadPoolExecutor(1) as executor:
            writer = GroupWriter(store.write, executor, max_jobs=10)
            first = asyncio.ensure_future(writer.submit(1))
            await started(store)
            dropped = asyncio.ensure_future(writer.submit(2))
            kept = asyncio.ensure_future(writer.submit(3))
            await asyncio.sleep(0)
            dropped.cancel()
            store.gate.set()
            results = [await first, await kept]
            return results, dropped.cancelled()

    results, cancelled = asyncio.run(main())
    assert results == [10, 30] and cancelled
    assert store.calls == [[1], [3]]


def test_an_idle_writer_writes_each_job_at_once() -> None:
    store = Store()
    store.gate.set()

    async def main() -> list[int]:
        with ThreadPoolExecutor(1) as executor:
            writer = GroupWriter(store.write, executor, max_jobs=10)
            return [await writer.submit(job) for job in (1, 2, 3)]

    assert asyncio.run(main()) == [10, 20, 30]
    assert store.calls == [[1], [2], [3]]


def test_max_jobs_must_be_positive() -> None:
    with ThreadPoolExecutor(1) as executor, pytest.raises(ValueError, match="at least 1"):
        GroupWriter(Store().write, executor, max_jobs=0)


def lingering_calls(*, more_coming: bool, linger: float) -> list[list[int]]:
    """Jobs 1, 2, 3 submitted 20 ms apart to an idle writer; the calls it made."""
    store = Store()
    store.gate.set()

    async def main() -> None:
        with ThreadPoolExecutor(1) as executor:
            writer = GroupWriter(
                store.write,
                executor,
                max_jobs=10,
                linger_seconds=linger,
                more_coming=lambda: more_coming,
            )
            waiters = []
            for job in (1, 2, 3):
                waiters.append(asyncio.ensure_future(writer.submit(job)))
                await asyncio.sleep(0.02)
            assert await asyncio.gather(*waiters) == [10, 20, 30]

    asyncio.run(main())
    return store.calls


def test_while_more_jobs_are_coming_the_writer_lingers_for_a_fuller_call() -> None:
    assert lingering_calls(more_coming=True, linger=0.5) == [[1, 2, 3]]


def test_with_nothing_more_coming_it_writes_at_once_whatever_the_linger() -> None:
    assert lingering_calls(more_coming=False, linger=0.5) == [[1], [2], [3]]
