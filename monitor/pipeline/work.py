"""CPU-bound work: parse the fetched bytes, detect events.

feedparser dominates the cost of a poll; `parse_pool.ParsePool` decides whether this runs in
a thread or in worker processes. Detection runs beside the parse on every entry, because its
prefilter passes unrelated text in microseconds and shipping the events back is cheaper than
a second round trip for the entries the store finds new.
"""

from __future__ import annotations

from dataclasses import dataclass

from monitor.errors import ParseError
from monitor.model import Event, NewEntry, ParsedFeed, StoredEntry

# feedparser and the detector load where the first body is parsed (a worker, or the parse
# thread), so a round that parses nothing never pays for their imports.


@dataclass(frozen=True, slots=True)
class ParsedWithEvents:
    feed: ParsedFeed | None
    events: dict[str, tuple[Event, ...]]  # by entry guid; entries without events are absent
    skipped_language: int  # entries in a language the detector does not read yet
    error: str | None = None  # the ParseError message, when the body is not a feed


def detect_entry(entry: NewEntry | StoredEntry) -> tuple[tuple[Event, ...], bool]:
    """Events of one entry and whether its language was skipped."""
    from monitor.detect import detect

    published = entry.published.date() if entry.published else None
    found = detect(entry.title, entry.summary, published)
    return found.events, found.skipped


def parse_and_detect(body: bytes, url: str) -> ParsedWithEvents:
    from monitor.feeds.parse import parse_feed

    try:
        parsed = parse_feed(body, url)
    except ParseError as exc:
        return ParsedWithEvents(None, {}, 0, str(exc))
    events: dict[str, tuple[Event, ...]] = {}
    skipped = 0
    for entry in parsed.entries:
        found, was_skipped = detect_entry(entry)
        skipped += was_skipped
        if found:
            events[entry.guid] = found
    return ParsedWithEvents(parsed, events, skipped)
