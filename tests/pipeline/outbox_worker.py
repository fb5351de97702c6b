"""A send job to kill: `python outbox_worker.py DATABASE_URL TARGET_URL`.

It imports everything once, then forks one sender per line read on stdin; the sender
prints its pid once connected, and the test kills it with SIGKILL at a random moment.
Forking from this single-threaded process makes each sender start in milliseconds.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import UTC, datetime

from monitor.alerts.send import validate_target
from monitor.pipeline.outbox import send_pending
from monitor.store.db import connect

LEASE_SECONDS = 1
BATCH = 5


def now() -> datetime:
    return datetime.now(UTC)


def send_forever(database_url: str, target_url: str) -> None:
    engine = connect(database_url)
    owner = f"sender-{os.getpid()}"
    print(os.getpid(), flush=True)  # connected: the test may kill it from now on
    while True:
        send_pending(
            engine,
            targets_for=lambda kind: [target_url],
            clock=now,
            max_attempts=100,
            retry_base_seconds=0.05,
            digest_after=10_000,
            digest_window_seconds=600,
            owner=owner,
            lease_seconds=LEASE_SECONDS,
            batch=BATCH,
        )
        time.sleep(0.01)


def main() -> None:
    database_url, target_url = sys.argv[1], sys.argv[2]
    assert validate_target(target_url) is None  # apprise loads its plugins once, here
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed senders are reaped at once
    for _line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                send_forever(database_url, target_url)
            finally:
                os._exit(1)


if __name__ == "__main__":
    main()
