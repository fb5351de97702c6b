"""Rate limit planning: which alerts go singly, which fold into a digest, which wait."""

from __future__ import annotations

from datetime import timedelta

import pytest

from monitor.alerts.digest import PendingAlert, digest_key, plan_batch
from monitor.alerts.render import render_change, render_digest
from tests.alerts.alert_samples import DETECTED, emigration_change


def _pending(count: int) -> list[PendingAlert]:
    # ids 1..count; detected one minute apart, handed over newest first
    alerts = [
        PendingAlert(
            alert_id=i,
            change=emigration_change(
                1_000, 1_000 + i, dedup_key=f"key-{i}", detected_at=DETECTED + timedelta(minutes=i)
            ),
        )
        for i in range(1, count + 1)
    ]
    return list(reversed(alerts))


@pytest.mark.parametrize(
    ("pending", "sent", "limit", "singles", "digest", "deferred"),
    [
        (0, 0, 5, [], [], []),
        (1, 0, 5, [1], [], []),
        (5, 0, 5, [1, 2, 3, 4, 5], [], []),
        (6, 0, 5, [1, 2, 3, 4], [5, 6], []),
        (20, 0, 5, [1, 2, 3, 4], list(range(5, 21)), []),
        (3, 3, 5, [1], [2, 3], []),
        (2, 3, 5, [1, 2], [], []),
        (3, 4, 5, [], [1, 2, 3], []),
        (1, 4, 5, [1], [], []),
        (3, 5, 5, [], [], [1, 2, 3]),
        (3, 9, 5, [], [], [1, 2, 3]),
        (2, 0, 1, [], [1, 2], []),
        (1, 0, 1, [1], [], []),
        (4, -2, 3, [1, 2], [3, 4], []),
    ],
)
def test_plan_batch(
    pending: int,
    sent: int,
    limit: int,
    singles: list[int],
    digest: list[int],
    deferred: list[int],
) -> None:
    plan = plan_batch(_pending(pending), sent, max_per_window=limit)
    got_singles = [m.alert_ids[0] for m in plan.messages if not m.is_digest]
    got_digests = [list(m.alert_ids) for m in plan.messages if m.is_digest]
    assert got_singles == singles
    assert got_digests == ([digest] if digest else [])
    assert list(plan.deferred) == deferred
    assert len(plan.messages) <= max(limit - max(sent, 0), 0)
    # every alert is accounted for exactly once
    delivered = [i for m in plan.messages for i in m.alert_ids]
    assert sorted(delivered + list(plan.deferred)) == list(range(1, pending + 1))


def test_planned_messages_carry_keys_and_bodies() -> None:
    pending = _pending(4)
    plan = plan_batch(pending, 0, max_per_window=2)
    single, folded = plan.messages
    by_id = {alert.alert_id: alert.change for alert in pending}
    assert single.dedup_key == "key-1"
    assert single.message == render_change(by_id[1])
    assert folded.dedup_key == digest_key(["key-2", "key-3", "key-4"])
    assert folded.message == render_digest([by_id[2], by_id[3], by_id[4]])
    assert folded.message.subject.startswith("[monitor] 3 changes")


def test_digest_key_is_stable_and_distinct() -> None:
    assert digest_key(["a", "b"]) == digest_key(["b", "a", "a"])
    assert digest_key(["a", "b"]) != digest_key(["a", "c"])
    assert digest_key(["a"]).startswith("digest:")


def test_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        plan_batch(_pending(1), 0, max_per_window=0)
