"""Where fetched bodies are parsed: a thread of this process while the work is small, worker
processes once a backlog builds.

Starting a worker costs a new interpreter and the imports of feedparser and the detector,
about half a second of CPU each, while parsing a typical feed costs about 10 ms. So a round
in which a few feeds changed parses them here, in one thread, and never pays for workers;
a round with many changed feeds (the first poll of a large list) starts them as soon as the
bytes waiting to be parsed exceed what this thread gets through while they start. Once
started, the workers stay for the life of the pool.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

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

    @property
    def started_workers(self) -> bool:
        return self._processes is not None

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        weight = sum(len(arg) for arg in args if isinstance(arg, bytes))
        with self._lock:
            if self._processes is None and self.workers > 0:
                if self._waiting_bytes + weight > self.inline_backlog_bytes:
                    self._processes = self._start_workers(self.workers)
            if self._processes is not None:
                return self._processes.submit(fn, *args, **kwargs)
            self._waiting_bytes += weight
        future = self._inline.submit(fn, *args, **kwargs)
        future.add_done_callback(lambda _: self._finished(weight))
        return future

    def _finished(self, weight: int) -> None:
        with self._lock:
            self._waiting_bytes -= weight

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._inline.shutdown(wait, cancel_futures=cancel_futures)
        with self._lock:
            processes = self._processes
        if processes is not None:
            processes.shutdown(wait, cancel_futures=cancel_futures)
