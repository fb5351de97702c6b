"""Domain types shared by every layer. Plain frozen values; nothing here knows SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class EventKind(StrEnum):
    MOBILIZATION = "mobilization"
    BORDER_CLOSURE = "border_closure"
    EMIGRATION = "emigration"


class Qualifier(StrEnum):
    EXACT = "exact"
    APPROX = "approx"
    AT_LEAST = "at_least"
    UP_TO = "up_to"


class BorderStatus(StrEnum):
    CLOSED = "closed"
    RESTRICTED = "restricted"
    REOPENED = "reopened"


PEOPLE = "people"  # the unit of every figure the detector reads


@dataclass(frozen=True, slots=True)
class Figure:
    """A count of people as reported: 'up to 300,000' is Figure(300000, UP_TO)."""

    value: int
    qualifier: Qualifier = Qualifier.EXACT
    unit: str = PEOPLE


@dataclass(frozen=True, slots=True)
class Event:
    """One fact an entry reports. `country` is the actor (ISO 3166-1 alpha-2)."""

    kind: EventKind
    country: str
    evidence: str
    counterpart: str | None = None
    figure: Figure | None = None
    status: BorderStatus | None = None
    period_start: date | None = None
    period_end: date | None = None
    confidence: float = 1.0


# --- feeds -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed as stored, for listing and export."""

    id: int
    url: str
    title: str | None
    enabled: bool
    interval_seconds: int
    next_poll_at: datetime
    last_polled_at: datetime | None
    last_status: int | None
    error_count: int
    last_error: str | None
    disabled_reason: str | None


@dataclass(frozen=True, slots=True)
class FeedToPoll:
    """A feed claimed for one poll, with the validators of its last fetch."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    interval_seconds: int
    error_count: int


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A completed HTTP exchange. `body` is None on 304 Not Modified."""

    url: str
    status: int
    body: bytes | None
    etag: str | None = None
    last_modified: str | None = None
    permanent_redirect: str | None = None  # the new URL after a 301/308
    max_age_seconds: int | None = None  # from Cache-Control max-age or Expires
    content_hash: str | None = None  # of the body, to skip parsing bytes seen before
    elapsed_ms: int = 0


@dataclass(frozen=True, slots=True)
class NewEntry:
    """One parsed feed item, not stored yet."""

    guid: str
    link: str | None
    title: str
    summary: str  # raw HTML as the feed gave it
    published: datetime | None
    fingerprint: str  # hash of the normalised title+text, finds one story in two feeds


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    entries: tuple[NewEntry, ...]
    ttl_minutes: int | None = None  # RSS <ttl>
    warning: str | None = None  # feedparser's bozo exception, when the entries still parsed


@dataclass(frozen=True, slots=True)
class StoredEntry:
    """An entry as stored: what detection needs, plus its ids."""

    id: int
    feed_id: int
    title: str
    summary: str
    link: str | None
    published: datetime | None
    fetched_at: datetime
    fingerprint: str
    guid: str


@dataclass(frozen=True, slots=True)
class StoredEvent:
    """An event as stored, with where it came from."""

    id: int
    entry_id: int
    feed_id: int
    event: Event
    published: datetime | None
    detected_at: datetime
    link: str | None


# --- indicators, changes and alerts -----------------------------------------


class ChangeType(StrEnum):
    FIRST_SEEN = "first_seen"
    INCREASE = "increase"
    DECREASE = "decrease"
    STATUS = "status"


@dataclass(frozen=True, slots=True)
class IndicatorKey:
    """A tracked series: a figure per (kind, country, counterpart, unit), or a border's
    status per (country, counterpart), where kind is border_closure and unit is None."""

    kind: EventKind
    country: str
    counterpart: str | None
    unit: str | None


@dataclass(frozen=True, slots=True)
class Source:
    """Where a value was read: the article and the sentence."""

    title: str
    link: str | None
    published: datetime | None
    evidence: str
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, slots=True)
class Change:
    """An indicator moved. Becomes one alert, identified by `dedup_key`."""

    key: IndicatorKey
    change_type: ChangeType
    new_source: Source
    detected_at: datetime
    dedup_key: str
    old_figure: Figure | None = None
    new_figure: Figure | None = None
    old_status: BorderStatus | None = None
    new_status: BorderStatus | None = None
    old_source: Source | None = None
