"""The sample feed list at the top of the repository, and the demo's OPML, as monitor reads them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from monitor.demo.catalog import load_demo_feeds, render_opml

SAMPLE = Path(__file__).resolve().parents[2] / "feeds.opml"


def outlines() -> list[dict[str, str]]:
    return [o.attrib for o in ET.parse(SAMPLE).getroot().iter("outline")]


def test_sample_list_has_about_a_dozen_distinct_https_feeds() -> None:
    urls = [o["xmlUrl"] for o in outlines()]
    assert 12 <= len(urls) <= 16 and len(set(urls)) == len(urls)
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc and "example" not in parts.netloc


def test_sample_list_covers_world_russia_ukraine_and_europe() -> None:
    categories = {o["category"] for o in outlines()}
    assert categories == {"world", "russia", "ukraine", "europe"}
    assert all(o["text"] and o["title"] and o["type"] == "rss" for o in outlines())


def test_project_reader_imports_both_lists() -> None:
    opml = pytest.importorskip("monitor.feeds.opml")
    sample = opml.read_opml(SAMPLE.read_bytes(), source="feeds.opml")
    assert [f.url for f in sample] == [o["xmlUrl"] for o in outlines()]
    demo = opml.read_opml(render_opml(load_demo_feeds(), "http://127.0.0.1:8080/"))
    assert [(f.url, f.title) for f in demo] == [
        ("http://127.0.0.1:8080/feeds/demo-east.xml", "Demo East"),
        ("http://127.0.0.1:8080/feeds/demo-europe.xml", "Demo Europe"),
        ("http://127.0.0.1:8080/feeds/demo-wire.xml", "Demo Wire"),
        ("http://127.0.0.1:8080/feeds/demo-world.xml", "Demo World"),
    ]


def test_project_parser_reads_the_demo_and_pairs_the_shared_stories() -> None:
    parse = pytest.importorskip("monitor.feeds.parse")
    by_fingerprint: dict[str, list[str]] = {}
    for feed in load_demo_feeds():
        parsed = parse.parse_feed(feed.editions[-1].body, f"http://127.0.0.1:8080{feed.path}")
        assert parsed.warning is None and parsed.title == feed.title
        for entry in parsed.entries:
            by_fingerprint.setdefault(entry.fingerprint, []).append(entry.guid)
    shared = sorted(sorted(guids) for guids in by_fingerprint.values() if len(guids) > 1)
    assert shared == [
        ["demo-wire-0005", "demo-world-0004"],
        ["demo-wire-0012", "tag:demo.example.org,2022:europe/0011"],
    ]
