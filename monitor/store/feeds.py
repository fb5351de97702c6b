"""Feeds: the list, the schedule (`next_poll_at`), the lease of a poll and its outcome.

Every function takes a Session from `db.transaction` first; time is passed in as `now`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from monitor.errors import DuplicateFeedError, StoreError
from monitor.model import Feed, FeedToPoll
from monitor.store.tables import FeedRow


def _to_feed(row: FeedRow) -> Feed:
    return Feed(
        id=row.id,
        url=row.url,
        title=row.title,
        enabled=row.enabled,
        interval_seconds=row.interval_seconds,
        next_poll_at=row.next_poll_at,
        last_polled_at=row.last_polled_at,
        last_status=row.last_status,
        error_count=row.error_count,
        last_error=row.last_error,
        disabled_reason=row.disabled_reason,
    )


def _to_feed_to_poll(row: FeedRow) -> FeedToPoll:
    return FeedToPoll(
        id=row.id,
        url=row.url,
        etag=row.etag,
        last_modified=row.last_modified,
        content_hash=row.content_hash,
        interval_seconds=row.interval_seconds,
        error_count=row.error_count,
    )


def add_feed(
    s: Session, url: str, *, title: str | None = None, interval_seconds: int, now: datetime
) -> Feed:
    """Add a feed, due at once. Raises DuplicateFeedError if the URL is already there."""
    if s.scalar(select(FeedRow.id).where(FeedRow.url == url)) is not None:
        raise DuplicateFeedError(f"feed already exists: {url}")
    row = FeedRow(
        url=url,
        title=title,
        enabled=True,
        interval_seconds=interval_seconds,
        next_poll_at=now,
        error_count=0,
        created_at=now,
    )
    s.add(row)
    try:
        s.flush()
    except IntegrityError as exc:  # added by someone else since the check above
        raise DuplicateFeedError(f"feed already exists: {url}") from exc
    return _to_feed(row)


def list_feeds(s: Session) -> list[Feed]:
    return [_to_feed(row) for row in s.scalars(select(FeedRow).order_by(FeedRow.id))]


def _find(s: Session, id_or_url: int | str) -> FeedRow:
    if isinstance(id_or_url, int) or id_or_url.isdigit():
        row = s.get(FeedRow, int(id_or_url))
    else:
        row = s.scalar(select(FeedRow).where(FeedRow.url == id_or_url))
    if row is None:
        raise StoreError(f"no such feed: {id_or_url} (see `monitor feeds list`)")
    return row


def get_feed(s: Session, id_or_url: int | str) -> Feed:
    """A feed by its id (an int or a string of digits) or its URL."""
    return _to_feed(_find(s, id_or_url))


def remove_feed(s: Session, id_or_url: int | str) -> Feed:
    """Remove a feed with its entries and events (ON DELETE CASCADE)."""
    row = _find(s, id_or_url)
    feed = _to_feed(row)
    s.delete(row)
    s.flush()
    return feed


def set_feed_enabled(s: Session, id_or_url: int | str, *, enabled: bool, now: datetime) -> Feed:
    """Enable (due at once, errors cleared) or disable a feed by hand."""
    row = _find(s, id_or_url)
    row.enabled = enabled
    if enabled:
        row.disabled_reason = None
        row.error_count = 0
        row.next_poll_at = now
    else:
        row.disabled_reason = "disabled by hand"
    s.flush()
    return _to_feed(row)


def claim_due_feeds(
    s: Session,
    *,
    now: datetime,
    owner: str,
    lease_seconds: int,
    limit: int,
    include_not_due: bool = False,
) -> list[FeedToPoll]:
    """Lease up to `limit` enabled feeds that are due (or all enabled ones), oldest first.

    A feed is free when it has no lease or its lease has expired. PostgreSQL skips rows that
    another claimer has locked (FOR UPDATE SKIP LOCKED); SQLite's write transaction holds
    the database's write lock from its start, so claims are serialised.
    """
    query = (
        select(FeedRow)
        .where(FeedRow.enabled.is_(True))
        .where(or_(FeedRow.lease_until.is_(None), FeedRow.lease_until <= now))
        .order_by(FeedRow.next_poll_at, FeedRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if not include_not_due:
        query = query.where(FeedRow.next_poll_at <= now)
    rows = list(s.scalars(query))
    if rows:
        s.execute(
            update(FeedRow)
            .where(FeedRow.id.in_([row.id for row in rows]))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
            .execution_options(synchronize_session=False)
        )
    return [_to_feed_to_poll(row) for row in rows]


def _release(row: FeedRow, owner: str) -> None:
    if row.lease_owner == owner:
        row.lease_owner = None
        row.lease_until = None


def _poll_row(s: Session, feed_id: int) -> FeedRow:
    row = s.get(FeedRow, feed_id)
    if row is None:
        raise StoreError(f"no such feed: {feed_id} (removed while it was polled?)")
    return row


def record_success(
    s: Session,
    feed_id: int,
    *,
    owner: str,
    now: datetime,
    status: int,
    next_poll_at: datetime,
    etag: str | None,
    last_modified: str | None,
    content_hash: str | None,
    new_url: str | None,
    title: str | None,
) -> None:
    """Record a poll that worked: errors reset, lease released (if still ours).

    On a 304 a validator given as None keeps the stored one (a 304 need not repeat it).
    A permanent redirect moves the feed to `new_url`, unless another feed already has that
    URL: then the old URL stays and last_error says why.
    """
    row = _poll_row(s, feed_id)
    row.last_polled_at = now
    row.last_status = status
    row.next_poll_at = next_poll_at
    row.error_count = 0
    row.last_error = None
    if status != 304 or etag is not None:
        row.etag = etag
    if status != 304 or last_modified is not None:
        row.last_modified = last_modified
    if content_hash is not None or status != 304:
        row.content_hash = content_hash
    if title:
        row.title = title
    if new_url and new_url != row.url:
        _move(s, row, new_url)
    _release(row, owner)
    s.flush()


def _move(s: Session, row: FeedRow, new_url: str) -> None:
    taken = s.scalar(select(FeedRow.id).where(FeedRow.url == new_url))
    if taken is None:
        row.url = new_url
    else:
        row.last_error = f"permanent redirect to {new_url} not followed: feed {taken} has that URL"


def record_failure(
    s: Session,
    feed_id: int,
    *,
    owner: str,
    now: datetime,
    code: str,
    message: str,
    next_poll_at: datetime,
    disable: bool,
    status: int | None = None,
) -> None:
    """Record a failed poll: error_count + 1, last_error "<code>: <message>", lease released.
    `disable` (a 410 Gone, say) switches the feed off and keeps the reason."""
    row = _poll_row(s, feed_id)
    row.last_polled_at = now
    row.last_status = status
    row.next_poll_at = next_poll_at
    row.error_count += 1
    row.last_error = f"{code}: {message}"
    if disable:
        row.enabled = False
        row.disabled_reason = row.last_error
    _release(row, owner)
    s.flush()


def release_leases(s: Session, owner: str) -> int:
    """Release every lease `owner` holds (on shutdown); returns how many."""
    result = s.execute(
        update(FeedRow)
        .where(FeedRow.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    return cast(CursorResult[Any], result).rowcount
