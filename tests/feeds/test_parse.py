"""Parsing feed bytes: samples, fallbacks, fingerprints and hostile XML."""

from __future__ import annotations

import json
import multiprocessing
import string
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.errors import ParseError
from monitor.feeds.parse import fingerprint, normalise_text, parse_feed
from monitor.model import ParsedFeed

from .conftest import FeedServer
from .samples import make_rss, read_sample

WORLD_URL = "https://news.example.org/world/rss.xml"


def parse_sample(name: str, url: str = WORLD_URL) -> ParsedFeed:
    return parse_feed(read_sample(name), url)


def rss(items: str, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>T</title><link>https://t.example/</link>{channel}{items}</channel></rss>"
    ).encode()


# --- the samples ----------------------------------------------------------------------


def test_rss_sample() -> None:
    feed = parse_sample("world_rss.xml")
    assert (feed.title, feed.ttl_minutes, feed.warning) == ("World Desk – Europe", 30, None)
    assert len(feed.entries) == 5
    first = feed.entries[0]
    assert first.guid == "world-desk-20260303-0001"
    assert first.link == "https://news.example.org/world/2026/03/03/call-up"
    assert first.title == "Parliament approves call-up of 150,000 reservists"
    assert first.summary.startswith("<p>The <b>defence ministry</b>")  # raw HTML kept
    assert first.published == datetime(2026, 3, 3, 6, 30, tzinfo=UTC)  # +0200 -> UTC


def test_atom_sample() -> None:
    feed = parse_sample("europe_atom.xml", "https://wire.example.net/europe.atom")
    assert (feed.title, feed.ttl_minutes, len(feed.entries)) == ("Europe Wire", None, 2)
    call_up, asylum = feed.entries
    assert call_up.published == datetime(2026, 3, 3, 6, 31, tzinfo=UTC)
    assert asylum.summary == "<p>Ministers discussed the new asylum rules in Brussels.</p>"
    assert asylum.published == datetime(2026, 3, 2, 14, 45, tzinfo=UTC)  # from <updated>


def test_guid_falls_back_to_link_then_to_a_hash() -> None:
    entries = parse_sample("world_rss.xml").entries
    assert entries[1].guid == entries[1].link == "https://news.example.org/world/2026/03/02/border"
    assert entries[2].link is None and entries[2].guid.startswith("hash:")
    assert entries[4].guid.startswith("hash:") and entries[4].published is None
    assert len({e.guid for e in entries}) == 5


def test_the_hash_guid_is_stable_and_follows_title_and_date() -> None:
    def guid(title: str, date: str) -> str:
        item = f"<item><title>{title}</title><pubDate>{date}</pubDate></item>"
        return parse_feed(rss(item), WORLD_URL).entries[0].guid

    monday = "Mon, 02 Mar 2026 10:00:00 GMT"
    assert guid("Queues", monday) == guid("Queues", monday)
    assert guid("Queues", monday) != guid("Queues grow", monday)
    assert guid("Queues", monday) != guid("Queues", "Tue, 03 Mar 2026 10:00:00 GMT")


def test_entries_without_title_or_date_are_told_apart_by_their_text() -> None:
    items = "<item><description>one</description></item><item><description>two</description></item>"
    first, second = parse_feed(rss(items), WORLD_URL).entries
    assert first.guid != second.guid


def test_relative_links_resolve_against_the_feed_url() -> None:
    entries = parse_sample("world_rss.xml", "https://news.example.org/world/rss.xml").entries
    assert entries[3].link == "https://news.example.org/sport/cup-final"


def test_non_http_links_are_dropped() -> None:
    item = "<item><title>x</title><link>javascript:alert(1)</link><guid>g</guid></item>"
    assert parse_feed(rss(item), WORLD_URL).entries[0].link is None


def test_a_huge_guid_is_hashed() -> None:
    item = f"<item><title>x</title><guid>{'g' * 5000}</guid></item>"
    guid = parse_feed(rss(item), WORLD_URL).entries[0].guid
    assert guid.startswith("hash:") and len(guid) < 100


@pytest.mark.parametrize(
    ("channel", "ttl"),
    [("<ttl>60</ttl>", 60), ("<ttl>0</ttl>", None), ("<ttl>soon</ttl>", None),
     ("<ttl>-5</ttl>", None), ("", None)],
)  # fmt: skip
def test_ttl(channel: str, ttl: int | None) -> None:
    assert parse_feed(rss("", channel), WORLD_URL).ttl_minutes == ttl


@pytest.mark.parametrize(
    ("date", "published"),
    [
        ("Mon, 02 Mar 2026 10:00:00 GMT", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        ("2026-03-02T12:00:00+02:00", datetime(2026, 3, 2, 10, 0, tzinfo=UTC)),
        ("yesterday-ish", None),
        ("", None),
    ],
)
def test_published_is_utc_aware_or_none(date: str, published: datetime | None) -> None:
    item = f"<item><title>x</title><guid>g</guid><pubDate>{date}</pubDate></item>"
    assert parse_feed(rss(item), WORLD_URL).entries[0].published == published


# --- fingerprints ---------------------------------------------------------------------


def test_the_same_story_in_two_feeds_has_one_fingerprint() -> None:
    rss_entry = parse_sample("world_rss.xml").entries[0]
    atom_entry = parse_sample("europe_atom.xml").entries[0]
    assert rss_entry.summary != atom_entry.summary  # different markup and spacing
    assert rss_entry.fingerprint == atom_entry.fingerprint
    others = [e.fingerprint for e in parse_sample("world_rss.xml").entries[1:]]
    assert rss_entry.fingerprint not in others


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("<p>Call-up of <b>150,000</b></p>", "call-up of 150,000"),
        ("Queues &amp; delays&nbsp;at&#160;the BORDER", "queues & delays at the border"),
        ("  many\n\t spaces  ", "many spaces"),
        ("<script>alert(1)</script>text<style>p{}</style>", "text"),
        ("a<!-- hidden -->b", "a b"),
        ("ﬁnal Straße", "final strasse"),  # NFKC ligature, case-folded sharp s
    ],
)
def test_normalise_text(markup: str, text: str) -> None:
    assert normalise_text(markup) == text


def test_fingerprint_separates_title_from_summary() -> None:
    assert fingerprint("a b", "c") != fingerprint("a", "b c")
    assert fingerprint("<b>A</b>", "x") == fingerprint("a", "  X ")


@given(
    words=st.lists(st.text(string.ascii_letters + string.digits, min_size=1), min_size=1),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n", "\t ", "&nbsp;", "<br/>", "</p><p>"])),
)
def test_fingerprint_ignores_spacing_markup_and_case(words: list[str], gaps: list[str]) -> None:
    plain = " ".join(words)
    marked = "".join(w + (gaps[i % len(gaps)] if gaps else " ") for i, w in enumerate(words))
    assert fingerprint(plain.upper(), plain) == fingerprint(plain, f"<div>{marked}</div>")


# --- bad input ------------------------------------------------------------------------


def test_a_bozo_feed_keeps_its_entries_and_the_warning() -> None:
    feed = parse_sample("bozo_usable.xml")
    assert [e.title for e in feed.entries] == [
        "Thousands queue at the border & wait for hours",
        "Local elections postponed",
    ]
    assert feed.warning is not None and "not well-formed" in feed.warning


@pytest.mark.parametrize(
    "body",
    [read_sample("not_a_feed.html"), b"", b"   \n", b'{"items": []}', b"\x00\xff\xfe garbage",
     b"<html><body>no feed here</body></html>"],
)  # fmt: skip
def test_not_a_feed_is_a_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError, match="not a feed|empty body") as info:
        parse_feed(body, WORLD_URL)
    assert info.value.url == WORLD_URL
    assert "\n" not in str(info.value)


def test_an_empty_but_valid_feed_has_no_entries() -> None:
    assert parse_feed(rss(""), WORLD_URL) == ParsedFeed(title="T", entries=())


def test_a_body_that_looks_like_a_url_or_path_is_never_opened(
    server: FeedServer, tmp_path: Path
) -> None:
    local = tmp_path / "feed.xml"
    local.write_bytes(read_sample("world_rss.xml"))
    for body in (server.url("/feeds/world_rss.xml").encode(), str(local).encode()):
        with pytest.raises(ParseError):
            parse_feed(body, WORLD_URL)
    assert server.requests == []


# --- hostile XML ----------------------------------------------------------------------


def test_billion_laughs_stays_small_and_fast() -> None:
    started = time.monotonic()
    try:
        feed = parse_sample("billion_laughs.xml")
    except ParseError:
        feed = None
    assert time.monotonic() - started < 1.0
    assert len(repr(feed)) < 5000
    assert "lollollol" not in repr(feed)


def test_quadratic_blowup_stays_small_and_fast() -> None:
    """One 50 kB entity used 20,000 times would expand to 1 GB."""
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "{"x" * 50_000}">]>'
        '<rss version="2.0"><channel><title>t</title><item><title>i</title><guid>g</guid>'
        f"<description>{'&a;' * 20_000}</description></item></channel></rss>"
    ).encode()
    started = time.monotonic()
    try:
        outcome = repr(parse_feed(body, WORLD_URL))
    except ParseError as exc:
        outcome = str(exc)
    assert time.monotonic() - started < 2.0
    assert len(outcome) < 2 * len(body)


def test_an_external_file_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-7f3a9c")
    body = read_sample("xxe_file.xml").replace(b"SECRET_PATH", str(secret).encode())
    try:
        outcome = repr(parse_feed(body, WORLD_URL))
    except ParseError as exc:
        outcome = str(exc)
    assert "TOP-SECRET" not in outcome


def test_external_dtds_and_entities_are_never_fetched(server: FeedServer) -> None:
    body = read_sample("xxe_http.xml").replace(b"SERVER_URL", server.base.encode())
    try:
        parse_feed(body, WORLD_URL)
    except ParseError:
        pass
    time.sleep(0.1)  # a fetch, had one started, would have reached the server by now
    assert server.requests == []


def test_a_big_feed_parses_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """In a fresh process, so the peak RSS is this parse's own."""
    path = tmp_path / "big.xml"
    path.write_bytes(make_rss(items=3_600, summary_bytes=400))  # ~2 MB
    script = (
        "import json, resource, sys, time\n"
        "from monitor.feeds.parse import parse_feed\n"
        "body = open(sys.argv[1], 'rb').read()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "started = time.process_time()\n"
        "feed = parse_feed(body, 'https://big.example.com/feed')\n"
        "grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before\n"
        "print(json.dumps([len(feed.entries), time.process_time() - started, grew * 1024]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, check=True, timeout=60
    )
    entries, cpu_seconds, grew_bytes = json.loads(done.stdout)
    size = path.stat().st_size
    assert entries == 3_600
    assert cpu_seconds < 10.0
    assert grew_bytes < 20 * size, f"RSS grew {grew_bytes / size:.1f}x the body"


# --- process pool ---------------------------------------------------------------------


def test_parse_feed_runs_in_a_process_pool() -> None:
    body = read_sample("world_rss.xml")
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=spawn) as pool:
        remote = pool.submit(parse_feed, body, WORLD_URL).result(timeout=60)
    assert remote == parse_feed(body, WORLD_URL)
