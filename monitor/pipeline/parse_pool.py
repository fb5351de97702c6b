"""Where fetched bodies are parsed: a thread of this process while the work is small, worker
processes once a backlog builds.

Starting a worker costs a new interpreter and the imports of feedparser and the detector,
about half a second of CPU each, while parsing a typical feed costs about 10 ms. So a round
in which a few feeds changed parses them here, in one thread, and never pays for workers;
a round with many changed feeds (the first poll of a large list) starts them as soon as the
bytes waiting to be parsed exceed what this thread gets through while they start. Once
started, the workers stay for the life of the pool.

A worker that dies (killed by the kernel for memory, or a crash in a parser) breaks its
whole process pool and fails every job it held. The pool is then replaced at once, and each
job it failed runs again alone in a quarantine worker: the jobs that merely shared the pool
succeed, and only the one that kills a worker even alone fails (the round records it as
that feed's parse error, and the feed backs off).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_until_done
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
log = logging.getLogger(__name__)

# What the parse thread gets through (about 1.4 MB/s) in the time workers take to start.
INLINE_BACKLOG_BYTES = 1_000_000
_PR_SET_PDEATHSIG = 1


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity, which a container or `taskset` narrows)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers() -> int:
    """One worker per usable CPU; none on a single CPU, where a worker only adds its start-up
    and the copying of every body and result between processes."""
    cpus = usable_cpus()
    return cpus if cpus > 1 else 0


def die_with_parent(parent_pid: int) -> None:
    """A worker's initializer: on Linux the kernel ends the worker when the daemon dies, even
    by SIGKILL, so no orphaned parser outlives it. A daemon that died while the worker was
    still starting is caught by the parent check."""
    if sys.platform == "linux":
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def spawn_workers(workers: int) -> Executor:
    """A pool of `workers` fresh interpreters that die with this process."""
    import multiprocessing  # with its resource tracker: only where workers start
    from concurrent.futures import ProcessPoolExecutor

    spawn = multiprocessing.get_context("spawn")  # the daemon has threads; never fork them
    return ProcessPoolExecutor(workers, spawn, initializer=die_with_parent, initargs=(os.getpid(),))


class ParsePool(Executor):
    """Runs parse jobs in one thread here until the bytes waiting for it exceed
    `inline_backlog_bytes`, then in `workers` processes (never, when `workers` is 0).

    A job's weight is the size of its `bytes` arguments: the body to parse.
    """

    def __init__(
        self,
        workers: int,
        *,
        inline_backlog_bytes: int = INLINE_BACKLOG_BYTES,
        start_workers: Callable[[int], Executor] = spawn_workers,
    ) -> None:
        self.workers = workers
        self.inline_backlog_bytes = inline_backlog_bytes
        self._start_workers = start_workers
        self._inline = ThreadPoolExecutor(1, thread_name_prefix="parse")
        self._processes: Executor | None = None
        self._waiting_bytes = 0  # submitted to the thread and not finished
        self._lock = threading.Lock()
        self._quarantine = ThreadPoolExecutor(1, thread_name_prefix="parse-quarantine")
        self._quarantine_worker: Executor | None = None
        self.replaced_workers = 0  # how often a dead worker's pool was replaced

    @property
    def started_workers(self) -> bool:
        return self._processes is not None

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        weight = sum(len(arg) for arg in args if isinstance(arg, bytes))
        with self._lock:
            if self._processes is None and self.workers > 0:
                if self._waiting_bytes + weight > self.inline_backlog_bytes:
                    self._processes = self._start_workers(self.workers)
            processes = self._processes
            if processes is None:
                self._waiting_bytes += weight
        if processes is not None:
            outer: Future[T] = Future()
            outer.set_running_or_notify_cancel()
            self._run_in_workers(processes, outer, fn, args, kwargs)
            return outer
        future = self._inline.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _: self._finished(weight))
        return future

    def _finished(self, weight: int) -> None:
        with self._lock:
            self._waiting_bytes -= weight

    def _run_in_workers(
        self,
        processes: Executor,
        outer: Future[T],
        fn: Callable[..., T],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        def retry_alone() -> None:
            self._replace(processes)
            try:
                self._quarantine.submit(self._run_alone, outer, fn, args, kwargs)
            except RuntimeError as exc:  # shutting down
                outer.set_exception(BrokenExecutor(f"no parse worker left: {exc}"))

        def settle(inner: Future[T]) -> None:
            if _broke(inner):
                retry_alone()
            else:
                _copy(inner, outer)

        try:
            processes.submit(fn, *args, **kwargs).add_done_callback(settle)
        except BrokenExecutor:  # broken before this job reached it
            retry_alone()

    def _replace(self, broken: Executor) -> None:
        with self._lock:
            if self._processes is not broken:
                return  # another job of the same pool saw it first
            self._processes = self._start_workers(self.workers)
            self.replaced_workers += 1
        log.warning("a parse worker died; its pool was replaced and its jobs run again alone")
        broken.shutdown(wait=False)

    def _run_alone(
        self, outer: Future[T], fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """One suspect at a time, in a worker of its own: a job that kills even that worker
        fails; one that only shared a pool with such a job gets its result."""
        if self._quarantine_worker is None:
            self._quarantine_worker = self._start_workers(1)
        inner = self._quarantine_worker.submit(fn, *args, **kwargs)
        wait_until_done([inner])
        if _broke(inner):
            self._quarantine_worker.shutdown(wait=False)
            self._quarantine_worker = None
        _copy(inner, outer)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inline.shutdown(wait, cancel_futures=cancel_futures)
        self._quarantine.shutdown(wait, cancel_futures=cancel_futures)
        with self._lock:
            pools = [self._processes, self._quarantine_worker]
        for pool in pools:
            if pool is not None:
                pool.shutdown(wait, cancel_futures=cancel_futures)


def _broke(future: Future[T]) -> bool:
    """A finished future that failed because its worker process died."""
    return not future.cancelled() and isinstance(future.exception(), BrokenExecutor)


def _copy(source: Future[T], target: Future[T]) -> None:
    """A finished future's outcome onto another."""
    if source.cancelled():
        target.set_exception(BrokenExecutor("the parse job was cancelled"))
    elif (error := source.exception()) is not None:
        target.set_exception(error)
    else:
        target.set_result(source.result())
