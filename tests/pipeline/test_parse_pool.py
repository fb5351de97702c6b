"""The parse pool: a thread while the work is small, worker processes once a backlog builds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import BrokenExecutor, Executor

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


def die_on_poison(body: bytes) -> int:
    """Kills its worker outright (as the kernel's OOM killer would) when the body says so;
    otherwise takes a moment, so that other jobs share the pool with it."""
    if body == b"poison":
        os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(0.2)
    return len(body)


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


def test_a_dead_worker_fails_only_its_own_job_and_the_pool_goes_on() -> None:
    with ParsePool(2, inline_backlog_bytes=0) as pool:
        bystanders = [pool.submit(die_on_poison, b"x" * n) for n in range(1, 6)]
        poison = pool.submit(die_on_poison, b"poison")
        more = [pool.submit(die_on_poison, b"y" * n) for n in range(1, 4)]
        assert [f.result(timeout=60) for f in bystanders] == [1, 2, 3, 4, 5]
        assert [f.result(timeout=60) for f in more] == [1, 2, 3]
        with pytest.raises(BrokenExecutor):
            poison.result(timeout=60)
        assert pool.replaced_workers == 1
        assert pool.submit(die_on_poison, b"after").result(timeout=60) == 5


def test_a_pool_broken_between_jobs_is_replaced_before_the_next_one() -> None:
    with ParsePool(1, inline_backlog_bytes=0) as pool:
        assert pool.submit(die_on_poison, b"ok").result(timeout=60) == 2
        with pytest.raises(BrokenExecutor):
            pool.submit(die_on_poison, b"poison").result(timeout=60)
        results = [pool.submit(die_on_poison, b"z" * n) for n in (1, 2)]
        assert [f.result(timeout=60) for f in results] == [1, 2]
