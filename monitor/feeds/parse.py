"""Parse fetched feed bytes with feedparser into plain `ParsedFeed` values.

`parse_feed` is a top-level function of bytes and a string, so it can run in a
process pool. feedparser only ever sees the bytes (wrapped in a stream, so a body
that looks like a URL or a path is never opened). Its HTML sanitizer and relative-URI
resolver are off: `summary` keeps the raw HTML and parsing costs about half.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import io
import re
import time
import unicodedata
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from monitor.errors import ParseError
from monitor.model import NewEntry, ParsedFeed

_HTTP = ("http://", "https://")
_MAX_GUID = 512  # longer guids are hashed, so they fit a unique index
_HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def parse_feed(body: bytes, url: str) -> ParsedFeed:
    """The feed in `body`, fetched from `url` (the base for relative links).

    Raises `ParseError` when nothing usable parsed. When feedparser reports a problem
    ("bozo") but still found a feed, the entries are kept and the problem is in
    `ParsedFeed.warning`.
    """
    if not body.strip():
        raise ParseError(url, "empty body, not a feed")
    parsed = feedparser.parse(
        io.BytesIO(body),
        # lets the XML prolog name the charset (with no type every feed would be "bozo");
        # no Content-Location: resolving every element against it costs 40%, so only
        # entry links are resolved, below
        response_headers={"content-type": "application/xml"},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = tuple(_new_entry(raw, url) for raw in parsed.entries)
    warning = _describe(_field(parsed, "bozo_exception")) if parsed.bozo else None
    if not entries and not _field(parsed, "version"):
        raise ParseError(url, f"not a feed ({warning or 'no RSS, Atom or RDF root'})")
    feed = parsed.feed
    return ParsedFeed(
        title=_text(_field(feed, "title")) or None,
        entries=entries,
        ttl_minutes=_ttl(_field(feed, "ttl")),
        warning=warning,
    )


def normalise_text(markup: str) -> str:
    """Plain, comparable text: HTML stripped, entities decoded, Unicode NFKC,
    case-folded, whitespace collapsed."""
    text = _TAG.sub(" ", _HIDDEN.sub(" ", _COMMENT.sub(" ", markup)))
    text = unicodedata.normalize("NFKC", html.unescape(text)).casefold()
    return " ".join(text.split())


def fingerprint(title: str, summary: str) -> str:
    """One hash for one story: the same title and text in two feeds give the same value,
    whatever their markup, entities, case or spacing."""
    text = normalise_text(title) + "\n" + normalise_text(summary)
    return _hash(text)


def _new_entry(raw: Any, base: str) -> NewEntry:
    title = _text(_field(raw, "title"))
    summary = _summary(raw)
    link = _http_link(_field(raw, "link"), base)
    published = _published(raw)
    return NewEntry(
        guid=_guid(raw, link, title, summary),
        link=link,
        title=title,
        summary=summary,
        published=published,
        fingerprint=fingerprint(title, summary),
    )


def _guid(raw: Any, link: str | None, title: str, summary: str) -> str:
    """The entry's id, else its link, else a hash of its title and date (and of its text
    when it has neither)."""
    guid = _text(_field(raw, "id")) or link
    if not guid:
        date = _text(_field(raw, "published") or _field(raw, "updated"))
        guid = "hash:" + _hash(f"{title}\n{date}" if title or date else summary)
    if len(guid) > _MAX_GUID:
        guid = "hash:" + _hash(guid)
    return guid


def _summary(raw: Any) -> str:
    summary = _text(_field(raw, "summary"))
    if summary:
        return summary
    for content in _field(raw, "content") or ():
        value = _text(_field(content, "value"))
        if value:
            return value
    return ""


def _published(raw: Any) -> datetime | None:
    """feedparser's parsed date (UTC struct_time) as an aware datetime, when sane."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = _field(raw, key)
        if isinstance(value, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, OSError, ValueError):
                return None
    return None


def _http_link(value: Any, base: str) -> str | None:
    """The link made absolute against the feed's URL; None unless it is http(s)."""
    link = _text(value)
    if not link:
        return None
    if not link.lower().startswith(_HTTP):
        link = urljoin(base, link)
    return link if link.lower().startswith(_HTTP) else None


def _ttl(value: Any) -> int | None:
    text = _text(value)
    if not text.isdigit():
        return None
    minutes = int(text)
    return minutes if minutes > 0 else None


def _describe(exc: Any) -> str:
    if exc is None:
        return "malformed feed"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}"[:300]


def _field(record: Any, key: str) -> Any:
    """A stored key only: feedparser's own `get` maps some missing keys to others
    (updated_parsed -> published_parsed) and warns about it."""
    return dict.get(record, key)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
