"""Group commit: jobs that reach the store while it is busy are written together, in one call.

The poll round's store runs on one thread. While it writes one group, the feeds fetched and
parsed meanwhile wait; the next call takes all of them (up to a limit), so that a busy round
commits many feeds per transaction and an idle one still writes each feed at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

J = TypeVar("J")
R = TypeVar("R")


class GroupWriter(Generic[J, R]):
    """Runs `write(jobs) -> one result per job` on `executor`, one call at a time.

    A job submitted while a call runs waits for the next call, with every job that came
    meanwhile, at most `max_jobs` a call, in the order submitted. Before a call with room
    for more, while `more_coming()` says more jobs are on their way, it waits
    `linger_seconds` for them. A call that raises fails each of its jobs with that error. A
    job whose waiter is cancelled before its call starts is left out; one already in a call
    is written (the executor cannot stop a thread).
    """

    def __init__(
        self,
        write: Callable[[list[J]], Sequence[R]],
        executor: Executor,
        *,
        max_jobs: int,
        linger_seconds: float = 0.0,
        more_coming: Callable[[], bool] = lambda: False,
    ) -> None:
        if max_jobs < 1:
            raise ValueError(f"max_jobs must be at least 1, not {max_jobs}")
        self._write = write
        self._executor = executor
        self._max_jobs = max_jobs
        self._linger = linger_seconds
        self._more_coming = more_coming
        self._waiting: list[tuple[J, asyncio.Future[R]]] = []
        self._runner: asyncio.Task[None] | None = None

    async def submit(self, job: J) -> R:
        """Write `job` with the next group; returns its result, or raises its group's error."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._waiting.append((job, future))
        if self._runner is None:
            self._runner = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        group: list[tuple[J, asyncio.Future[R]]] = []
        try:
            while self._waiting:
                if len(self._waiting) < self._max_jobs and self._more_coming():
                    await asyncio.sleep(self._linger)  # a fuller group, fewer transactions
                taken = self._waiting[: self._max_jobs]
                del self._waiting[: self._max_jobs]
                group = [(job, future) for job, future in taken if not future.done()]
                if not group:
                    continue
                jobs = [job for job, _ in group]
                try:
                    results = await loop.run_in_executor(self._executor, self._write, jobs)
                except Exception as exc:
                    _fail(group, exc)
                else:
                    _resolve(group, results)
                group = []
        finally:
            self._runner = None
            for _, future in group + self._waiting:  # cancelled itself: its waiters with it
                future.cancel()
            self._waiting = []


def _fail(group: list[tuple[J, asyncio.Future[R]]], exc: Exception) -> None:
    for _, future in group:
        if not future.done():
            future.set_exception(exc)


def _resolve(group: list[tuple[J, asyncio.Future[R]]], results: Sequence[R]) -> None:
    if len(results) != len(group):
        _fail(group, RuntimeError(f"a group of {len(group)} jobs gave {len(results)} results"))
        return
    for (_, future), result in zip(group, results, strict=True):
        if not future.done():
            future.set_result(result)
