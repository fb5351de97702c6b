"""The alert outbox: one row per Change, and its deliveries, one per (alert, target).

`add_alert` runs in the poll round's transaction, so an alert exists exactly when its
change was stored. The send job routes alerts to targets, claims due deliveries under a
lease (SKIP LOCKED on PostgreSQL), sends outside any transaction, then records each
result in a short transaction of its own. Time is passed in as `now`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import TypeAdapter
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from monitor.errors import StoreError
from monitor.model import Change, EventKind
from monitor.store.indicators import insert_ignoring
from monitor.store.tables import AlertRow, DeliveryRow

_CHANGE_JSON = TypeAdapter(Change)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class TargetRef:
    """A target as the store knows it: a stable hash of its URL and a redacted label."""

    hash: str
    label: str


@dataclass(frozen=True, slots=True)
class ClaimedDelivery:
    """A due delivery, leased to one sender."""

    delivery_id: int
    alert_id: int
    target_hash: str
    target_label: str
    attempts: int
    change: Change


@dataclass(frozen=True, slots=True)
class DeliveryView:
    target: str  # the redacted label
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True, slots=True)
class AlertView:
    """One line of `monitor alerts`: the change and its delivery per target."""

    id: int
    status: DeliveryStatus
    created_at: datetime
    change: Change
    deliveries: tuple[DeliveryView, ...]


def encode_change(change: Change) -> str:
    return _CHANGE_JSON.dump_json(change).decode("utf-8")


def decode_change(payload: str) -> Change:
    return _CHANGE_JSON.validate_json(payload)


# --- the poll round's side --------------------------------------------------------------


def add_alert(s: Session, change: Change, *, indicator_id: int | None, now: datetime) -> int | None:
    """Put a change in the outbox; None when its dedup key is there already (a re-run)."""
    return insert_ignoring(
        s,
        AlertRow,
        {
            "dedup_key": change.dedup_key,
            "indicator_id": indicator_id,
            "kind": change.key.kind.value,
            "change_type": change.change_type.value,
            "payload": encode_change(change),
            "status": DeliveryStatus.PENDING.value,
            "created_at": now,
        },
        ["dedup_key"],
    )


# --- the send job's side ------------------------------------------------------------------


def route_alerts(
    s: Session,
    targets_for: Callable[[EventKind], Sequence[TargetRef]],
    *,
    now: datetime,
    limit: int = 500,
) -> int:
    """Create a pending delivery per target for alerts that have none yet; returns how many
    alerts were routed. An alert of a kind with no target stays unrouted (and pending)."""
    rows = s.execute(
        select(AlertRow.id, AlertRow.kind)
        .where(AlertRow.routed_at.is_(None))
        .order_by(AlertRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    routed = 0
    for alert_id, kind in rows:
        targets = targets_for(EventKind(kind))
        if not targets:
            continue
        for target in targets:
            insert_ignoring(
                s,
                DeliveryRow,
                {
                    "alert_id": alert_id,
                    "target_hash": target.hash,
                    "target_label": target.label,
                    "status": DeliveryStatus.PENDING.value,
                    "attempts": 0,
                    "next_attempt_at": now,
                },
                ["alert_id", "target_hash"],
            )
        s.execute(update(AlertRow).where(AlertRow.id == alert_id).values(routed_at=now))
        routed += 1
    return routed


def claim_deliveries(
    s: Session, *, now: datetime, owner: str, lease_seconds: int, limit: int
) -> list[ClaimedDelivery]:
    """Lease the due deliveries, oldest first. Rows another sender holds (locked now, or
    leased and not expired) are skipped, so no delivery is claimed twice."""
    rows = s.execute(
        select(DeliveryRow.id)
        .where(
            DeliveryRow.status == DeliveryStatus.PENDING.value,
            DeliveryRow.next_attempt_at <= now,
            or_(DeliveryRow.lease_until.is_(None), DeliveryRow.lease_until <= now),
        )
        .order_by(DeliveryRow.next_attempt_at, DeliveryRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).scalars()
    ids = list(rows)
    if not ids:
        return []
    s.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(ids))
        .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
    )
    claimed = s.execute(
        select(DeliveryRow, AlertRow.payload)
        .join(AlertRow, AlertRow.id == DeliveryRow.alert_id)
        .where(DeliveryRow.id.in_(ids))
        .order_by(DeliveryRow.id)
    ).all()
    return [
        ClaimedDelivery(
            delivery_id=row.id,
            alert_id=row.alert_id,
            target_hash=row.target_hash,
            target_label=row.target_label,
            attempts=row.attempts,
            change=decode_change(payload),
        )
        for row, payload in claimed
    ]


def renew_lease(
    s: Session, delivery_ids: Sequence[int], *, owner: str, now: datetime, lease_seconds: int
) -> list[int]:
    """Extend this sender's lease on pending deliveries, just before it sends them; returns
    the ids it still holds (a lease that ran out may have gone to another sender)."""
    held = s.scalars(
        update(DeliveryRow)
        .where(
            DeliveryRow.id.in_(delivery_ids),
            DeliveryRow.lease_owner == owner,
            DeliveryRow.status == DeliveryStatus.PENDING.value,
        )
        .values(lease_until=now + timedelta(seconds=lease_seconds))
        .returning(DeliveryRow.id)
    )
    return list(held)


def messages_sent_since(s: Session, target_hash: str, since: datetime) -> int:
    """Messages (a digest counts once) that reached a target since `since`."""
    count = s.scalar(
        select(func.count(func.distinct(DeliveryRow.message_key))).where(
            DeliveryRow.target_hash == target_hash,
            DeliveryRow.status == DeliveryStatus.SENT.value,
            DeliveryRow.sent_at >= since,
        )
    )
    return count or 0


def record_sent(
    s: Session, delivery_ids: Sequence[int], *, message_key: str, now: datetime
) -> None:
    """The target accepted the message that carried these deliveries."""
    s.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(delivery_ids))
        .values(
            status=DeliveryStatus.SENT.value,
            sent_at=now,
            attempts=DeliveryRow.attempts + 1,
            message_key=message_key,
            last_error=None,
            lease_owner=None,
            lease_until=None,
        )
    )
    _refresh_alert_status(s, delivery_ids)


def record_failed(
    s: Session,
    delivery_ids: Sequence[int],
    *,
    error: str,
    now: datetime,
    max_attempts: int,
    retry_base_seconds: float,
) -> None:
    """Count a failed attempt; retry after retry_base * 2^(attempts-1) seconds, or give up
    (status failed) after `max_attempts`."""
    rows = s.scalars(select(DeliveryRow).where(DeliveryRow.id.in_(delivery_ids))).all()
    for row in rows:
        attempts = row.attempts + 1
        delay = retry_base_seconds * 2 ** min(attempts - 1, 30)
        row.attempts = attempts
        row.last_error = error[:2000]
        row.next_attempt_at = now + timedelta(seconds=delay)
        row.lease_owner = row.lease_until = None
        if attempts >= max_attempts:
            row.status = DeliveryStatus.FAILED.value
    s.flush()
    _refresh_alert_status(s, delivery_ids)


def release_deliveries(s: Session, delivery_ids: Sequence[int], *, owner: str) -> None:
    """Give back leases not used this time (deferred by the rate limit)."""
    s.execute(
        update(DeliveryRow)
        .where(DeliveryRow.id.in_(delivery_ids), DeliveryRow.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
    )


def _refresh_alert_status(s: Session, delivery_ids: Sequence[int]) -> None:
    """An alert is sent when every delivery is, failed when any failed, else pending."""
    alert_ids = set(s.scalars(select(DeliveryRow.alert_id).where(DeliveryRow.id.in_(delivery_ids))))
    for alert_id in alert_ids:
        statuses = set(
            s.scalars(select(DeliveryRow.status).where(DeliveryRow.alert_id == alert_id))
        )
        if DeliveryStatus.FAILED.value in statuses:
            status = DeliveryStatus.FAILED
        elif statuses == {DeliveryStatus.SENT.value}:
            status = DeliveryStatus.SENT
        else:
            status = DeliveryStatus.PENDING
        s.execute(update(AlertRow).where(AlertRow.id == alert_id).values(status=status.value))


def requeue_alert(s: Session, alert_id: int, *, now: datetime) -> int:
    """Send a failed alert again: its failed deliveries become pending with a fresh count of
    attempts. Returns how many were re-queued; raises StoreError for an unknown alert."""
    if s.get(AlertRow, alert_id) is None:
        raise StoreError(f"no alert {alert_id}: see `monitor alerts`")
    failed = list(
        s.scalars(
            select(DeliveryRow.id).where(
                DeliveryRow.alert_id == alert_id,
                DeliveryRow.status == DeliveryStatus.FAILED.value,
            )
        )
    )
    if failed:
        s.execute(
            update(DeliveryRow)
            .where(DeliveryRow.id.in_(failed))
            .values(
                status=DeliveryStatus.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                lease_owner=None,
                lease_until=None,
            )
        )
        _refresh_alert_status(s, failed)
    return len(failed)


# --- the history CLI's side ---------------------------------------------------------------


def list_alerts(
    s: Session, *, status: DeliveryStatus | None = None, limit: int = 50
) -> list[AlertView]:
    """The newest alerts first, each with its delivery state per target."""
    query = select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)
    if status is not None:
        query = query.where(AlertRow.status == status.value)
    alerts = s.scalars(query).all()
    deliveries: dict[int, list[DeliveryView]] = {alert.id: [] for alert in alerts}
    if alerts:
        rows = s.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.alert_id.in_(list(deliveries)))
            .order_by(DeliveryRow.id)
        )
        for row in rows:
            deliveries[row.alert_id].append(_delivery_view(row))
    return [
        AlertView(
            id=alert.id,
            status=DeliveryStatus(alert.status),
            created_at=alert.created_at,
            change=decode_change(alert.payload),
            deliveries=tuple(deliveries[alert.id]),
        )
        for alert in alerts
    ]


def _delivery_view(row: DeliveryRow) -> DeliveryView:
    return DeliveryView(
        target=row.target_label,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


# --- added for `monitor alerts retry`: one alert by id ---------------------------------------


def get_alert(s: Session, alert_id: int) -> AlertView:
    """One alert with its delivery state per target; raises StoreError if it is unknown."""
    alert = s.get(AlertRow, alert_id)
    if alert is None:
        raise StoreError(f"no alert {alert_id}: see `monitor alerts`")
    rows = s.scalars(
        select(DeliveryRow).where(DeliveryRow.alert_id == alert_id).order_by(DeliveryRow.id)
    )
    return AlertView(
        id=alert.id,
        status=DeliveryStatus(alert.status),
        created_at=alert.created_at,
        change=decode_change(alert.payload),
        deliveries=tuple(_delivery_view(row) for row in rows),
    )
