"""The send job: deliver the outbox's pending alerts to their targets, at most once per
commit.

Order of one run: route new alerts to targets (txn), claim due deliveries under a lease
(txn; SKIP LOCKED on PostgreSQL), then per target plan singles or a digest (rate limit),
and per message: confirm the lease (txn), send through apprise (no txn), record the result
(txn). A message can repeat only if the process dies between a target accepting it and
that last commit; e-mails carry a Message-ID derived from the dedup key for that case.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy import Engine

from monitor.alerts.digest import PendingAlert, PlannedMessage, plan_batch
from monitor.alerts.send import message_id_for, redact_url, send_message
from monitor.model import EventKind
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction
from monitor.store.outbox import ClaimedDelivery, TargetRef

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
TargetsFor = Callable[[EventKind], list[str]]
DEFAULT_LEASE_SECONDS = 300
DEFAULT_BATCH = 200
UNCONFIGURED = "target no longer configured: it was removed from the alert URLs"


@dataclass(frozen=True, slots=True)
class SendSummary:
    """One run: alerts routed to targets, deliveries claimed, messages sent (a digest is
    one), deliveries delivered or failed (an attempt), deferred by the rate limit."""

    routed: int = 0
    claimed: int = 0
    messages: int = 0
    digests: int = 0
    delivered: int = 0
    failed: int = 0
    deferred: int = 0


@dataclass(frozen=True, slots=True)
class _Limits:
    max_attempts: int
    retry_base_seconds: float
    digest_after: int
    digest_window_seconds: int
    lease_seconds: int


def routes_from(default: Sequence[str], per_kind: Mapping[EventKind, Sequence[str]]) -> TargetsFor:
    """`targets_for` from the settings: a kind's own URLs (MONITOR_ALERT_URLS_<KIND>) when
    it has any, else the default ones (MONITOR_ALERT_URLS)."""

    def targets_for(kind: EventKind) -> list[str]:
        return list(per_kind.get(kind) or default)

    return targets_for


def target_ref(url: str) -> TargetRef:
    """A target's stable identity (a hash of its URL) and a label without secrets."""
    digest = hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:32]
    return TargetRef(hash=digest, label=redact_url(url))


def send_pending(
    engine: Engine,
    *,
    targets_for: TargetsFor,
    clock: Clock,
    max_attempts: int,
    retry_base_seconds: float,
    digest_after: int,
    digest_window_seconds: int,
    owner: str,
    lease_seconds: int = DEFAULT_LEASE_SECONDS,
    batch: int = DEFAULT_BATCH,
) -> SendSummary:
    """Deliver what is due now; see the module's docstring for the order of things."""
    limits = _Limits(
        max_attempts, retry_base_seconds, digest_after, digest_window_seconds, lease_seconds
    )
    urls = {target_ref(url).hash: url for kind in EventKind for url in targets_for(kind)}
    with transaction(engine) as s:
        routed = store_outbox.route_alerts(
            s, lambda kind: [target_ref(url) for url in targets_for(kind)], now=clock()
        )
    with transaction(engine) as s:
        claimed = store_outbox.claim_deliveries(
            s, now=clock(), owner=owner, lease_seconds=lease_seconds, limit=batch
        )
    by_target: dict[str, list[ClaimedDelivery]] = defaultdict(list)
    for delivery in claimed:
        by_target[delivery.target_hash].append(delivery)
    totals = SendSummary(routed=routed, claimed=len(claimed))
    for target_hash, deliveries in by_target.items():
        url = urls.get(target_hash)
        if url is None:
            _record_unconfigured(engine, deliveries, clock)
            totals = _add(totals, SendSummary(failed=len(deliveries)))
            continue
        sender = _TargetSender(engine, url, owner, clock, limits)
        totals = _add(totals, sender.send(deliveries))
    if claimed or routed:
        log.info("send", extra=asdict(totals))
    return totals


def retry_alert(engine: Engine, alert_id: int, now: datetime) -> int:
    """Queue a failed alert's deliveries again (`monitor alerts retry ID`); returns how
    many. Raises StoreError for an unknown alert."""
    with transaction(engine) as s:
        return store_outbox.requeue_alert(s, alert_id, now=now)


@dataclass(slots=True)
class _TargetSender:
    """Sends one target's claimed deliveries: singles, or a digest past the rate limit."""

    engine: Engine
    url: str
    owner: str
    clock: Clock
    limits: _Limits

    def send(self, deliveries: Sequence[ClaimedDelivery]) -> SendSummary:
        by_alert = {d.alert_id: d for d in deliveries}
        window_start = self.clock() - timedelta(seconds=self.limits.digest_window_seconds)
        with transaction(self.engine, readonly=True) as s:
            sent = store_outbox.messages_sent_since(s, deliveries[0].target_hash, window_start)
        pending = [PendingAlert(d.alert_id, d.change) for d in deliveries]
        plan = plan_batch(pending, sent, max_per_window=self.limits.digest_after)
        if plan.deferred:
            with transaction(self.engine) as s:
                ids = [by_alert[alert_id].delivery_id for alert_id in plan.deferred]
                store_outbox.release_deliveries(s, ids, owner=self.owner)
        summary = SendSummary(deferred=len(plan.deferred))
        for planned in plan.messages:
            ids = [by_alert[alert_id].delivery_id for alert_id in planned.alert_ids]
            summary = _add(summary, self._send_one(planned, ids))
        return summary

    def _send_one(self, planned: PlannedMessage, ids: list[int]) -> SendSummary:
        with transaction(self.engine) as s:
            held = store_outbox.renew_lease(
                s, ids, owner=self.owner, now=self.clock(), lease_seconds=self.limits.lease_seconds
            )
        if len(held) != len(ids):
            return SendSummary()  # another sender took them over; it sends them
        result = send_message(
            planned.message, self.url, message_id=message_id_for(planned.dedup_key)
        )
        with transaction(self.engine) as s:
            if result.ok:
                store_outbox.record_sent(s, ids, message_key=planned.dedup_key, now=self.clock())
            else:
                store_outbox.record_failed(
                    s,
                    ids,
                    error=result.error or "delivery failed",
                    now=self.clock(),
                    max_attempts=self.limits.max_attempts,
                    retry_base_seconds=self.limits.retry_base_seconds,
                )
        digests = int(planned.is_digest)
        if result.ok:
            return SendSummary(messages=1, digests=digests, delivered=len(ids))
        return SendSummary(failed=len(ids))


def _record_unconfigured(
    engine: Engine, deliveries: Sequence[ClaimedDelivery], clock: Clock
) -> None:
    with transaction(engine) as s:
        store_outbox.record_failed(
            s,
            [d.delivery_id for d in deliveries],
            error=UNCONFIGURED,
            now=clock(),
            max_attempts=1,
            retry_base_seconds=0,
        )


def _add(a: SendSummary, b: SendSummary) -> SendSummary:
    return SendSummary(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(a)})
