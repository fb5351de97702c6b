"""The parse pool: a thread while the work is small, worker processes once a backlog builds."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from concurrent.futures import Executor

import pytest

from monitor.pipeline.parse_pool import ParsePool, spawn_workers
from monitor.pipeline.work import parse_and_detect

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title>
<item><guid>a</guid><title>Finland closes its border with Russia</title>
<description>Finland has closed its border with Russia.</description></item>
</channel></rss>"""


def where(body: bytes) -> tuple[int, str]:
    """The process and thread a job ran in (top level, so a worker process can run it)."""
    return os.getpid(), threading.current_thread().name


class CountingStarter:
    """Starts real worker processes and counts how often it was asked to."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, workers: int) -> Executor:
        self.calls.append(workers)
        return spawn_workers(workers)


def test_small_work_is_parsed_in_a_thread_here_and_starts_no_worker() -> None:
    starter = CountingStarter()
    with ParsePool(2, inline_backlog_bytes=1_000_000, start_workers=starter) as pool:
        results = [pool.submit(parse_and_detect, RSS, "http://wire.test/rss").result()]
        results += [pool.submit(where, b"x" * 1000).result() for _ in range(20)]
        assert not pool.started_workers
    assert starter.calls == []
    parsed = results[0]
    assert parsed.feed is not None and parsed.feed.entries[0].guid == "a"
    assert parsed.events["a"][0].kind.value == "border_closure"
    assert {pid_and_thread[0] for pid_and_thread in results[1:]} == {os.getpid()}
    assert all(thread.startswith("parse") for _, thread in results[1:])


def test_a_backlog_over_the_limit_starts_the_workers_and_later_jobs_go_to_them() -> None:
    starter = CountingStarter()
    release = threading.Event()
    with ParsePool(2, inline_backlog_bytes=100, start_workers=starter) as pool:
        blocked = pool.submit(lambda body: release.wait(10), b"x" * 60)
        waiting = pool.submit(where, b"y" * 30)  # 90 bytes wait: still the thread's
        assert not pool.started_workers
        moved = pool.submit(where, b"z" * 30)  # 120 would wait: the workers take it
        assert pool.started_workers and starter.calls == [2]
        worker_pid, _ = moved.result(timeout=60)
        release.set()
        assert blocked.result(timeout=10) is True
        assert waiting.result(timeout=10)[0] == os.getpid()
        assert worker_pid != os.getpid()
        # once started, the workers take every job, small ones too
        assert pool.submit(where, b"").result(timeout=60)[0] != os.getpid()
    assert starter.calls == [2]


def test_the_backlog_shrinks_as_jobs_finish() -> None:
    starter = CountingStarter()
    with ParsePool(2, inline_backlog_bytes=100, start_workers=starter) as pool:
        for _ in range(10):  # 10 x 60 bytes in all, but never more than 60 waiting at once
            assert pool.submit(where, b"x" * 60).result(timeout=10)[0] == os.getpid()
    assert starter.calls == []


def test_with_no_workers_everything_is_parsed_here_however_large_the_backlog() -> None:
    starter = CountingStarter()
    with ParsePool(0, inline_backlog_bytes=10, start_workers=starter) as pool:
        futures = [pool.submit(where, b"x" * 1000) for _ in range(5)]
        assert {future.result(timeout=10)[0] for future in futures} == {os.getpid()}
    assert starter.calls == []


def test_a_limit_of_zero_starts_the_workers_with_the_first_body() -> None:
    with ParsePool(1, inline_backlog_bytes=0) as pool:
        parsed = pool.submit(parse_and_detect, RSS, "http://wire.test/rss").result(timeout=60)
        assert pool.started_workers
    assert parsed.feed is not None and len(parsed.feed.entries) == 1


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity")
def test_on_a_single_cpu_the_default_is_no_worker_processes() -> None:
    script = (
        "import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
        "from monitor.pipeline.parse_pool import default_workers, usable_cpus; "
        "print(usable_cpus(), default_workers())"
    )
    pinned = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert pinned.stdout.split() == ["1", "0"], pinned.stderr
    free = subprocess.run(
        [sys.executable, "-c", script.split("; ", 2)[2]], capture_output=True, text=True
    )
    cpus = len(os.sched_getaffinity(0))
    assert free.stdout.split() == [str(cpus), str(cpus if cpus > 1 else 0)], free.stderr
