"""CPU-bound work that runs in worker processes: parse the fetched bytes, detect events.

Both cores parse: feedparser dominates the cost of a poll. Detection runs beside the parse
on every entry, because its prefilter passes unrelated text in microseconds and shipping the
events back is cheaper than a second round trip for the entries the store finds new.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from dataclasses import dataclass

from monitor.detect import detect
from monitor.errors import ParseError
from monitor.feeds.parse import parse_feed
from monitor.model import Event, NewEntry, ParsedFeed, StoredEntry


@dataclass(frozen=True, slots=True)
class ParsedWithEvents:
    feed: ParsedFeed | None
    events: dict[str, tuple[Event, ...]]  # by entry guid; entries without events are absent
    skipped_language: int  # entries in a language the detector does not read yet
    error: str | None = None  # the ParseError message, when the body is not a feed


_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """A worker's initializer: on Linux the kernel ends the worker when the daemon dies, even
    by SIGKILL, so no orphaned parser outlives it. A daemon that died while the worker was
    still starting is caught by the parent check."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent_pid:
        os._exit(1)


def detect_entry(entry: NewEntry | StoredEntry) -> tuple[tuple[Event, ...], bool]:
    """Events of one entry and whether its language was skipped."""
    published = entry.published.date() if entry.published else None
    found = detect(entry.title, entry.summary, published)
    return found.events, found.skipped


def parse_and_detect(body: bytes, url: str) -> ParsedWithEvents:
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
