"""Entries: stored once per (feed, guid), updated when their title or summary is edited."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from monitor.errors import StoreError
from monitor.model import NewEntry, StoredEntry
from monitor.store.tables import EntryRow, UTCDateTime

ENTRIES = cast(Table, EntryRow.__table__)
E = ENTRIES.c
# Bound parameters per IN (...) query: well below SQLite's limit, cheap on PostgreSQL.
IN_CHUNK = 500

_COLUMNS = tuple(
    E[name]
    for name in (
        "id", "feed_id", "guid", "title", "summary", "link", "published", "fetched_at",
        "fingerprint",
    )
)  # fmt: skip
# When an entry happened: its published date, or when it was fetched if the feed gave none.
_WHEN = func.coalesce(E.published, E.fetched_at, type_=UTCDateTime())


# Built once: a statement built per call costs more than the query on SQLite.
_KNOWN = (
    select(E.guid, E.id, E.content_hash, E.fetched_at)
    .where(E.feed_id == bindparam("feed_id"))
    .where(E.guid.in_(bindparam("guids", expanding=True)))
)
_INSERT = insert(ENTRIES).returning(E.feed_id, E.guid, E.id)  # matched by (feed, guid)
_EDITABLE = ("link", "title", "summary", "published", "fingerprint")
_UPDATE = (
    update(ENTRIES)
    .where(E.id == bindparam("b_id"))
    .values(
        updated_at=bindparam("b_updated_at"),
        content_hash=bindparam("b_content_hash"),
        **{name: bindparam(f"b_{name}") for name in _EDITABLE},
    )
)
_FIRST_IDS = (
    select(E.fingerprint, func.min(E.id))
    .where(E.fingerprint.in_(bindparam("fingerprints", expanding=True)))
    .group_by(E.fingerprint)
)


def content_hash(title: str, summary: str) -> str:
    """The hash that tells an edited entry from an unchanged one."""
    return hashlib.sha256(f"{title}\x1f{summary}".encode()).hexdigest()


def _to_stored(row: Row[*tuple[Any, ...]]) -> StoredEntry:
    return StoredEntry(
        id=row.id,
        feed_id=row.feed_id,
        guid=row.guid,
        title=row.title,
        summary=row.summary,
        link=row.link,
        published=row.published,
        fetched_at=row.fetched_at,
        fingerprint=row.fingerprint,
    )


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), IN_CHUNK):
        yield items[start : start + IN_CHUNK]


@dataclass(frozen=True, slots=True)
class _Known:
    id: int
    content_hash: str
    fetched_at: datetime


def _known(s: Session, feed_id: int, guids: Sequence[str]) -> dict[str, _Known]:
    """The feed's stored entries among `guids`: one query per IN_CHUNK guids."""
    known: dict[str, _Known] = {}
    for chunk in _chunks(guids):
        rows = s.connection().execute(_KNOWN, {"feed_id": feed_id, "guids": chunk})
        for guid, id_, hash_, fetched_at in rows:
            known[guid] = _Known(id_, hash_, fetched_at)
    return known


def store_entries(
    s: Session, feed_id: int, entries: Sequence[NewEntry], *, fetched_at: datetime
) -> list[StoredEntry]:
    """Insert the new entries and update the edited ones; return both, in the given order.

    An entry is new when its guid is not stored for this feed, edited when its title or
    summary changed. Unchanged entries are not returned. A guid repeated in `entries`
    counts once (the first). One SELECT per 500 guids, one bulk INSERT, one bulk UPDATE.
    """
    return store_entries_many(s, [(feed_id, entries)], fetched_at=fetched_at)[0]


@dataclass(frozen=True, slots=True)
class _FeedBatch:
    """One feed's entries, sorted out: `known` stored before, `new` and `edited` to write."""

    feed_id: int
    entries: list[NewEntry]
    known: dict[str, _Known]
    hashes: dict[str, str]
    new: list[NewEntry]
    edited: list[NewEntry]


def store_entries_many(
    s: Session, batches: Sequence[tuple[int, Sequence[NewEntry]]], *, fetched_at: datetime
) -> list[list[StoredEntry]]:
    """`store_entries` for several feeds at once (each feed once): one SELECT per feed, and
    one INSERT and one UPDATE for them all. Returns each feed's stored entries."""
    sorted_out = [_sort_out(s, feed_id, entries) for feed_id, entries in batches]
    if len({batch.feed_id for batch in sorted_out}) < len(sorted_out):
        raise ValueError("store_entries_many: a feed is given twice")
    ids = _insert(s, [(b.feed_id, e, b.hashes) for b in sorted_out for e in b.new], fetched_at)
    _update(s, [(e, b.known, b.hashes) for b in sorted_out for e in b.edited], fetched_at)
    return [_stored_of(batch, ids, fetched_at) for batch in sorted_out]


def _sort_out(s: Session, feed_id: int, entries: Sequence[NewEntry]) -> _FeedBatch:
    unique: dict[str, NewEntry] = {}
    for entry in entries:
        unique.setdefault(entry.guid, entry)
    batch = list(unique.values())
    known = _known(s, feed_id, [entry.guid for entry in batch])
    hashes = {entry.guid: content_hash(entry.title, entry.summary) for entry in batch}
    new = [entry for entry in batch if entry.guid not in known]
    edited = [
        entry
        for entry in batch
        if entry.guid in known and known[entry.guid].content_hash != hashes[entry.guid]
    ]
    return _FeedBatch(feed_id, batch, known, hashes, new, edited)


def _stored_of(
    batch: _FeedBatch, ids: dict[tuple[int, str], int], fetched_at: datetime
) -> list[StoredEntry]:
    stored = []
    for entry in batch.entries:
        known = batch.known.get(entry.guid)
        if known is None:
            id_ = ids[batch.feed_id, entry.guid]
            stored.append(_stored(entry, id_, batch.feed_id, fetched_at))
        elif known.content_hash != batch.hashes[entry.guid]:
            stored.append(_stored(entry, known.id, batch.feed_id, known.fetched_at))
    return stored


def _stored(entry: NewEntry, id_: int, feed_id: int, fetched_at: datetime) -> StoredEntry:
    return StoredEntry(
        id=id_,
        feed_id=feed_id,
        guid=entry.guid,
        title=entry.title,
        summary=entry.summary,
        link=entry.link,
        published=entry.published,
        fetched_at=fetched_at,
        fingerprint=entry.fingerprint,
    )


def _insert(
    s: Session, entries: Sequence[tuple[int, NewEntry, dict[str, str]]], fetched_at: datetime
) -> dict[tuple[int, str], int]:
    """Insert (feed id, entry, hashes by guid) rows; their ids by (feed id, guid)."""
    if not entries:
        return {}
    values = [
        {
            "feed_id": feed_id,
            "guid": entry.guid,
            "link": entry.link,
            "title": entry.title,
            "summary": entry.summary,
            "published": entry.published,
            "fetched_at": fetched_at,
            "fingerprint": entry.fingerprint,
            "content_hash": hashes[entry.guid],
        }
        for feed_id, entry, hashes in entries
    ]
    rows = s.connection().execute(_INSERT, values)
    return {(feed_id, guid): id_ for feed_id, guid, id_ in rows}


def _update(
    s: Session,
    entries: Sequence[tuple[NewEntry, dict[str, _Known], dict[str, str]]],
    updated_at: datetime,
) -> None:
    if not entries:
        return
    values = [
        {
            "b_id": known[entry.guid].id,
            "b_updated_at": updated_at,
            "b_content_hash": hashes[entry.guid],
            **{f"b_{name}": getattr(entry, name) for name in _EDITABLE},
        }
        for entry, known, hashes in entries
    ]
    s.connection().execute(_UPDATE, values)


def _first_ids(s: Session, fingerprints: Sequence[str]) -> dict[str, int]:
    """The id of the earliest stored entry of each fingerprint."""
    first: dict[str, int] = {}
    for chunk in _chunks(fingerprints):
        rows = s.connection().execute(_FIRST_IDS, {"fingerprints": chunk})
        first.update({fingerprint: id_ for fingerprint, id_ in rows})
    return first


def entries_seen_elsewhere(s: Session, entries: Sequence[StoredEntry]) -> set[int]:
    """Ids of `entries` whose story (fingerprint) an earlier stored entry already told,
    including an earlier entry of the same batch: process the others only."""
    first = _first_ids(s, list({entry.fingerprint for entry in entries}))
    return {entry.id for entry in entries if first.get(entry.fingerprint, entry.id) < entry.id}


def get_entry(s: Session, entry_id: int) -> StoredEntry:
    row = s.connection().execute(select(*_COLUMNS).where(E.id == entry_id)).one_or_none()
    if row is None:
        raise StoreError(f"no such entry: {entry_id}")
    return _to_stored(row)


def iter_entries(s: Session, *, since: datetime | None, batch: int) -> Iterator[StoredEntry]:
    """Every entry (published, or fetched if undated, at or after `since`) in id order,
    read `batch` rows per query (keyset pagination: no OFFSET, no long-held cursor)."""
    last_id = 0
    while True:
        query = select(*_COLUMNS).where(E.id > last_id).order_by(E.id).limit(batch)
        if since is not None:
            query = query.where(_WHEN >= since)
        rows = s.connection().execute(query).all()
        for row in rows:
            yield _to_stored(row)
        if len(rows) < batch:
            return
        last_id = rows[-1].id


def search_entries(s: Session, text: str, *, limit: int) -> list[StoredEntry]:
    """Entries whose title or summary contains `text`, any case, newest first.

    A scan of the whole table (no index serves a substring): fine for a few hundred
    thousand entries. On SQLite, lower() is replaced by a Unicode-aware one (see db.py).
    """
    query = (
        select(*_COLUMNS)
        .where(
            or_(
                E.title.icontains(text, autoescape=True),
                E.summary.icontains(text, autoescape=True),
            )
        )
        .order_by(_WHEN.desc(), E.id.desc())
        .limit(limit)
    )
    return [_to_stored(row) for row in s.connection().execute(query)]


def count_entries(s: Session) -> int:
    count: int = s.connection().scalar(select(func.count()).select_from(ENTRIES)) or 0
    return count
