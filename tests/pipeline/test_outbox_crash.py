"""Crash safety of the send job: SIGKILL senders at random moments (after a claim, before a
send, in the middle of one), restart, and count what was lost and what was repeated."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.pipeline.outbox import send_pending, target_ref
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction
from monitor.store.outbox import DeliveryStatus
from tests.pipeline.test_outbox import Sink, add_alerts, serve_sink

WORKER = Path(__file__).with_name("outbox_worker.py")
ALERTS = 60
KILLS = 20


@pytest.fixture
def sink() -> Iterator[Sink]:
    with serve_sink() as state:
        yield state


def pending(engine: sa.Engine) -> int:
    with transaction(engine, readonly=True) as s:
        views = store_outbox.list_alerts(s, limit=ALERTS * 2)
    return sum(view.status is not DeliveryStatus.SENT for view in views)


def test_kills_lose_nothing_and_repeat_only_unrecorded_sends(
    engine: sa.Engine, database_url: str, sink: Sink
) -> None:
    add_alerts(engine, range(ALERTS))
    # A send takes a while, so kills land inside sends too, and 60 sends (6 s) outlast the
    # 20 kill windows (4 s on average): the restart always has work left.
    sink.delay = 0.1
    target = sink.url()
    with transaction(engine) as s:  # routed: every sender goes straight to sending
        store_outbox.route_alerts(s, lambda kind: [target_ref(target)], now=datetime.now(UTC))
    rng = random.Random(20261127)
    zygote = subprocess.Popen(
        [sys.executable, str(WORKER), database_url, target],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert zygote.stdin is not None and zygote.stdout is not None
    try:
        for _ in range(KILLS):
            zygote.stdin.write("go\n")
            zygote.stdin.flush()
            pid = int(zygote.stdout.readline())
            time.sleep(rng.uniform(0.02, 0.4))
            os.kill(pid, signal.SIGKILL)
    finally:
        zygote.kill()
        zygote.wait(timeout=10)
        zygote.stdin.close()
        zygote.stdout.close()
    received_before_restart = len(set(sink.keys()))
    time.sleep(1.1)  # the killed senders' leases run out

    for _ in range(20):  # the restarted daemon
        send_pending(
            engine,
            targets_for=lambda kind: [target],
            clock=lambda: datetime.now(UTC),
            max_attempts=100,
            retry_base_seconds=0.05,
            digest_after=10_000,
            digest_window_seconds=600,
            owner="restarted",
        )
        if not pending(engine):
            break
        time.sleep(0.1)

    counts = Counter(sink.keys())
    lost = ALERTS - len(counts)
    repeated = sum(n - 1 for n in counts.values())
    print(f"kills={KILLS} received_before_restart={received_before_restart} "
          f"lost={lost} repeated={repeated}")  # fmt: skip
    assert 0 < received_before_restart < ALERTS  # the kills interrupted real work
    assert lost == 0 and pending(engine) == 0
    assert repeated <= KILLS  # at most the one message in flight per kill
