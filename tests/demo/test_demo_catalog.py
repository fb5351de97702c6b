"""Loading feeds and editions from a directory, on small files written here."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.demo.catalog import FeedFormat, load_demo_feeds, make_etag

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>
<item><title>a</title><guid>1</guid><pubDate>{date}</pubDate></item></channel></rss>"""
ATOM = """<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>
<updated>{date}</updated></feed>"""


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_editions_fall_back_to_the_previous_one(tmp_path: Path) -> None:
    write(tmp_path / "b.xml", RSS.format(title="B", date="Mon, 19 Sep 2022 06:00:00 GMT"))
    write(tmp_path / "a.xml", ATOM.format(title=" A ", date="2022-09-19T08:00:00+02:00"))
    write(tmp_path / "edition2/a.xml", ATOM.format(title="A", date="2022-09-20T06:00:00Z"))
    write(tmp_path / "edition4/a.xml", ATOM.format(title="A", date="2022-09-21T06:00:00Z"))
    write(tmp_path / "notes.txt", "not a feed")
    a, b = load_demo_feeds(tmp_path)
    assert (a.name, a.title, a.format, a.path) == ("a", "A", FeedFormat.ATOM, "/feeds/a.xml")
    assert (b.name, b.title, b.format) == ("b", "B", FeedFormat.RSS)
    assert len(a.editions) == len(b.editions) == 2  # edition4 without edition3 is ignored
    assert a.edition(1).last_modified == datetime(2022, 9, 19, 6, tzinfo=UTC)
    assert a.edition(2).last_modified == datetime(2022, 9, 20, 6, tzinfo=UTC)
    assert a.edition(1).etag != a.edition(2).etag
    assert b.edition(2) == b.edition(1) == b.edition(0) == b.edition(7)
    assert b.content_type == "application/rss+xml; charset=utf-8"


def test_etag_is_a_quoted_hash_of_the_body() -> None:
    assert make_etag(b"x") == make_etag(b"x") != make_etag(b"y")
    assert make_etag(b"x").startswith('"') and make_etag(b"x").endswith('"')


def test_a_feed_without_dates_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.xml", "<rss><channel><title>A</title></channel></rss>")
    with pytest.raises(ValueError, match="at least one date"):
        load_demo_feeds(tmp_path)


def test_bundled_feeds_are_dated_in_autumn_2022() -> None:
    for feed in load_demo_feeds():
        for edition in feed.editions:
            assert datetime(2022, 9, 1, tzinfo=UTC) < edition.last_modified
            assert edition.last_modified < datetime(2022, 11, 1, tzinfo=UTC)
