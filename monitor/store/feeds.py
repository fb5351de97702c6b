"""Feeds: the list, the schedule (`next_poll_at`), the lease of a poll and its outcome.

Every function takes a Session from `db.transaction` first; time is passed in as `now`.
Statements run as SQLAlchemy Core on the session's connection: a poll records its outcome
in one UPDATE, with no ORM unit of work (see docs/storage.md for the cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Row, Table, Update, bindparam, case, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from monitor.errors import DuplicateFeedError, StoreError
from monitor.model import Feed, FeedToPoll
from monitor.store.tables import FeedRow

FEEDS = cast(Table, FeedRow.__table__)
C = FEEDS.c


def _to_feed(row: Row[*tuple[Any, ...]]) -> Feed:
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


def _to_feed_to_poll(row: Row[*tuple[Any, ...]]) -> FeedToPoll:
    return FeedToPoll(
        id=row.id,
        url=row.url,
        etag=row.etag,
        last_modified=row.last_modified,
        content_hash=row.content_hash,
        interval_seconds=row.interval_seconds,
        error_count=row.error_count,
    )


def _id_of_url(s: Session, url: str) -> int | None:
    found: int | None = s.connection().scalar(select(C.id).where(C.url == url))
    return found


def add_feed(
    s: Session, url: str, *, title: str | None = None, interval_seconds: int, now: datetime
) -> Feed:
    """Add a feed, due at once. Raises DuplicateFeedError if the URL is already there."""
    if _id_of_url(s, url) is not None:
        raise DuplicateFeedError(f"feed already exists: {url}")
    statement = insert(FEEDS).returning(*C)
    values = {
        "url": url,
        "title": title,
        "enabled": True,
        "interval_seconds": interval_seconds,
        "next_poll_at": now,
        "error_count": 0,
        "created_at": now,
    }
    return _to_feed(s.connection().execute(statement, values).one())


def list_feeds(s: Session) -> list[Feed]:
    return [_to_feed(row) for row in s.connection().execute(select(FEEDS).order_by(C.id))]


def _find(s: Session, id_or_url: int | str) -> Row[*tuple[Any, ...]]:
    if isinstance(id_or_url, int) or id_or_url.isdigit():
        query = select(FEEDS).where(C.id == int(id_or_url))
    else:
        query = select(FEEDS).where(C.url == id_or_url)
    row = s.connection().execute(query).one_or_none()
    if row is None:
        raise StoreError(f"no such feed: {id_or_url} (see `monitor feeds list`)")
    return row


def get_feed(s: Session, id_or_url: int | str) -> Feed:
    """A feed by its id (an int or a string of digits) or its URL."""
    return _to_feed(_find(s, id_or_url))


def remove_feed(s: Session, id_or_url: int | str) -> Feed:
    """Remove a feed with its entries and events (ON DELETE CASCADE)."""
    feed = _to_feed(_find(s, id_or_url))
    s.connection().execute(delete(FEEDS).where(C.id == feed.id))
    return feed


def set_feed_enabled(s: Session, id_or_url: int | str, *, enabled: bool, now: datetime) -> Feed:
    """Enable (due at once, errors cleared) or disable a feed by hand."""
    feed_id = _find(s, id_or_url).id
    if enabled:
        values: dict[str, Any] = {"disabled_reason": None, "error_count": 0, "next_poll_at": now}
    else:
        values = {"disabled_reason": "disabled by hand"}
    s.connection().execute(update(FEEDS).where(C.id == feed_id).values(enabled=enabled, **values))
    return get_feed(s, feed_id)


def claim_due_feeds(
    s: Session,
    *,
    now: datetime,
    owner: str,
    lease_seconds: int,
    limit: int,
    include_not_due: bool = False,
    not_polled_since: datetime | None = None,
) -> list[FeedToPoll]:
    """Lease up to `limit` enabled feeds that are due (or all enabled ones), oldest first.
    `not_polled_since` leaves out feeds polled at or after it: a round claims each feed once.

    A feed is free when it has no lease or its lease has expired. PostgreSQL skips rows that
    another claimer has locked (FOR UPDATE SKIP LOCKED); SQLite's write transaction holds
    the database's write lock from its start, so claims are serialised.
    """
    query = (
        select(FEEDS)
        .where(C.enabled.is_(True))
        .where(or_(C.lease_until.is_(None), C.lease_until <= now))
        .order_by(C.next_poll_at, C.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if not include_not_due:
        query = query.where(C.next_poll_at <= now)
    if not_polled_since is not None:
        query = query.where(or_(C.last_polled_at.is_(None), C.last_polled_at < not_polled_since))
    connection = s.connection()
    rows = connection.execute(query).all()
    if rows:
        connection.execute(
            update(FEEDS)
            .where(C.id.in_([row.id for row in rows]))
            .values(lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds))
        )
    return [_to_feed_to_poll(row) for row in rows]


def _outcome(s: Session, feed_id: int, owner: str, values: dict[str, Any]) -> None:
    """One UPDATE of a poll's outcome that releases the lease only if `owner` holds it."""
    ours = C.lease_owner == owner
    statement = (
        update(FEEDS)
        .where(C.id == feed_id)
        .values(
            lease_owner=case((ours, None), else_=C.lease_owner),
            lease_until=case((ours, None), else_=C.lease_until),
            **values,
        )
    )
    if s.connection().execute(statement).rowcount == 0:
        raise StoreError(f"no such feed: {feed_id} (removed while it was polled?)")


@dataclass(frozen=True, slots=True)
class PollSuccess:
    """A poll that worked, as `record_success` takes it (see there)."""

    feed_id: int
    status: int
    next_poll_at: datetime
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    new_url: str | None = None
    title: str | None = None
    warning: str | None = None  # the feed parsed with a flaw (feedparser's bozo)


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
    warning: str | None = None,
) -> None:
    """Record a poll that worked: errors reset, lease released (if still ours).

    On a 304 a validator given as None keeps the stored one (a 304 need not repeat it).
    A permanent redirect moves the feed to `new_url`, unless another feed already has that
    URL: then the old URL stays and last_error says why. A `warning` (the feed parsed, with a
    flaw) is kept in last_error as "warning: ...".
    """
    poll = PollSuccess(
        feed_id, status, next_poll_at, etag, last_modified, content_hash, new_url, title, warning
    )
    _outcome(s, feed_id, owner, _success_values(s, poll, now))


def record_successes(
    s: Session, polls: Sequence[PollSuccess], *, owner: str, now: datetime
) -> None:
    """`record_success` for many feeds: one UPDATE per set of columns written, each run
    for all its feeds at once (executemany)."""
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for poll in polls:
        values = _success_values(s, poll, now)
        params = {f"b_{name}": value for name, value in values.items()}
        shapes.setdefault(tuple(values), []).append({"b_id": poll.feed_id, **params})
    connection = s.connection()
    updated = 0
    for columns, rows in shapes.items():
        result = connection.execute(
            _outcome_statement(columns), [r | {"b_owner": owner} for r in rows]
        )
        updated += result.rowcount
    if updated < len(polls):
        _check_feeds_exist(s, [poll.feed_id for poll in polls])


def _success_values(s: Session, poll: PollSuccess, now: datetime) -> dict[str, Any]:
    values: dict[str, Any] = {
        "last_polled_at": now,
        "last_status": poll.status,
        "next_poll_at": poll.next_poll_at,
        "error_count": 0,
        "last_error": f"warning: {poll.warning}" if poll.warning else None,
    }
    validators = {
        "etag": poll.etag,
        "last_modified": poll.last_modified,
        "content_hash": poll.content_hash,
    }
    for name, value in validators.items():
        if poll.status != 304 or value is not None:
            values[name] = value
    if poll.title:
        values["title"] = poll.title
    if poll.new_url:
        values.update(_redirect(s, poll.feed_id, poll.new_url))
    return values


# Built once per set of columns: an outcome UPDATE for executemany, by the parameter b_id.
_OUTCOMES: dict[tuple[str, ...], Update] = {}


def _outcome_statement(columns: tuple[str, ...]) -> Update:
    statement = _OUTCOMES.get(columns)
    if statement is None:
        ours = C.lease_owner == bindparam("b_owner")
        statement = (
            update(FEEDS)
            .where(C.id == bindparam("b_id"))
            .values(
                lease_owner=case((ours, None), else_=C.lease_owner),
                lease_until=case((ours, None), else_=C.lease_until),
                **{name: bindparam(f"b_{name}") for name in columns},
            )
        )
        _OUTCOMES[columns] = statement
    return statement


def _check_feeds_exist(s: Session, feed_ids: Sequence[int]) -> None:
    found = set(s.connection().scalars(select(C.id).where(C.id.in_(feed_ids))))
    missing = [feed_id for feed_id in feed_ids if feed_id not in found]
    if missing:
        raise StoreError(f"no such feed: {missing[0]} (removed while it was polled?)")


def _redirect(s: Session, feed_id: int, new_url: str) -> dict[str, Any]:
    taken = _id_of_url(s, new_url)
    if taken is None:
        return {"url": new_url}
    if taken == feed_id:
        return {}
    return {
        "last_error": f"permanent redirect to {new_url} not followed: feed {taken} has that URL"
    }


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
    error = f"{code}: {message}"
    values: dict[str, Any] = {
        "last_polled_at": now,
        "last_status": status,
        "next_poll_at": next_poll_at,
        "error_count": C.error_count + 1,
        "last_error": error,
    }
    if disable:
        values |= {"enabled": False, "disabled_reason": error}
    _outcome(s, feed_id, owner, values)


def release_leases(s: Session, owner: str) -> int:
    """Release every lease `owner` holds (on shutdown); returns how many."""
    statement = (
        update(FEEDS).where(C.lease_owner == owner).values(lease_owner=None, lease_until=None)
    )
    return s.connection().execute(statement).rowcount
