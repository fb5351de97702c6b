"""Subscribe to the feeds of an OPML list: `monitor feeds import-opml` and the demo."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Engine

from monitor.errors import DuplicateFeedError
from monitor.feeds.opml import OpmlFeed
from monitor.store.db import transaction
from monitor.store.feeds import add_feed


def add_feeds(
    engine: Engine, outlines: Sequence[OpmlFeed], *, interval_seconds: int, now: datetime
) -> int:
    """Add each feed not present yet, each in its own transaction; returns how many were new."""
    added = 0
    for outline in outlines:
        try:
            with transaction(engine) as session:
                add_feed(
                    session,
                    outline.url,
                    title=outline.title,
                    interval_seconds=interval_seconds,
                    now=now,
                )
        except DuplicateFeedError:
            continue
        added += 1
    return added
