"""OPML import and export."""

from __future__ import annotations

import pytest

from monitor.errors import ParseError
from monitor.feeds.opml import OpmlFeed, read_opml, write_opml

from .samples import read_sample


def test_reads_nested_outlines_once_each_and_http_only() -> None:
    assert read_opml(read_sample("subscriptions.opml")) == [
        OpmlFeed("https://news.example.org/world/rss.xml", "World Desk – Europe"),
        OpmlFeed("https://wire.example.net/europe.atom", "Europe Wire"),
        OpmlFeed("http://regional.example.com/feed", None),
    ]


def test_round_trip() -> None:
    feeds = [
        ("https://news.example.org/world/rss.xml", "World Desk – Europe"),
        ("https://wire.example.net/europe.atom?lang=en&region=east", 'Wire "East" <beta>'),
        ("http://regional.example.com/feed", None),
    ]
    text = write_opml(feeds)
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert [(f.url, f.title) for f in read_opml(text.encode())] == feeds


def test_an_empty_list_round_trips() -> None:
    assert read_opml(write_opml([]).encode()) == []


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "empty"),
        (b"this is not xml", "invalid XML"),
        (b"<opml><body><outline", "invalid XML"),
        (read_sample("world_rss.xml"), "root element is <rss>"),
        (read_sample("billion_laughs.xml").replace(b"DOCTYPE rss", b"DOCTYPE opml"), "refused"),
    ],
)
def test_garbage_is_a_one_line_parse_error(data: bytes, says: str) -> None:
    with pytest.raises(ParseError, match=says) as info:
        read_opml(data, source="feeds.opml")
    assert str(info.value).startswith("feeds.opml: ")
    assert "\n" not in str(info.value)


def test_external_entities_are_refused() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml version="2.0"><body><outline text="&x;" xmlUrl="https://a.example/f"/></body>'
        b"</opml>"
    )
    with pytest.raises(ParseError, match="refused"):
        read_opml(data)
