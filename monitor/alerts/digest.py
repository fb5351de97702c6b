"""Rate limit per target: a burst of alerts becomes one digest instead of a flood.

Pure: the caller says how many messages this target already got in the current window;
the plan says which alerts go singly, which are folded into one digest, and which wait
for the next window. Every planned message names the alert ids it delivers, so the
caller records each folded alert as delivered by the digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.alerts.render import RenderedMessage, render_change, render_digest
from monitor.model import Change


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An outbox row waiting for one target."""

    alert_id: int
    change: Change


@dataclass(frozen=True, slots=True)
class PlannedMessage:
    """One message to send to the target; it delivers every alert in `alert_ids`.

    `dedup_key` is the change's own key for a single alert and a key derived from all
    folded keys for a digest; pass it to `message_id_for` for e-mail.
    """

    alert_ids: tuple[int, ...]
    dedup_key: str
    message: RenderedMessage

    @property
    def is_digest(self) -> bool:
        return len(self.alert_ids) > 1


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """What to send to one target now; `deferred` alerts stay pending for a later window."""

    messages: tuple[PlannedMessage, ...]
    deferred: tuple[int, ...] = ()


def plan_batch(
    pending: Sequence[PendingAlert], sent_in_window: int, *, max_per_window: int
) -> BatchPlan:
    """Plan the messages for one target, at most `max_per_window` per window.

    `sent_in_window` counts messages (a digest counts once) already sent to this target in
    the current window. While the pending alerts fit the remaining budget each goes
    singly; otherwise the oldest go singly and the rest fold into one digest, which takes
    the last slot. With no slot left everything waits for the next window.
    """
    if max_per_window < 1:
        raise ValueError(f"max_per_window must be at least 1, got {max_per_window}")
    ordered = sorted(pending, key=lambda alert: alert.change.detected_at)
    budget = max_per_window - max(sent_in_window, 0)
    if not ordered:
        return BatchPlan(messages=())
    if budget <= 0:
        return BatchPlan(messages=(), deferred=tuple(a.alert_id for a in ordered))
    if len(ordered) <= budget:
        return BatchPlan(messages=tuple(_single(alert) for alert in ordered))
    singles = tuple(_single(alert) for alert in ordered[: budget - 1])
    return BatchPlan(messages=(*singles, _digest(ordered[budget - 1 :])))


def _single(alert: PendingAlert) -> PlannedMessage:
    return PlannedMessage(
        alert_ids=(alert.alert_id,),
        dedup_key=alert.change.dedup_key,
        message=render_change(alert.change),
    )


def _digest(alerts: Sequence[PendingAlert]) -> PlannedMessage:
    return PlannedMessage(
        alert_ids=tuple(alert.alert_id for alert in alerts),
        dedup_key=digest_key([alert.change.dedup_key for alert in alerts]),
        message=render_digest([alert.change for alert in alerts]),
    )


def digest_key(dedup_keys: Sequence[str]) -> str:
    """A stable key for a digest: the same folded alerts give the same key, in any order."""
    joined = "\n".join(sorted(set(dedup_keys)))
    return "digest:" + hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]
