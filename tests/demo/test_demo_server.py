"""The demo feed server over real HTTP on 127.0.0.1:0, read back with urllib and feedparser."""

from __future__ import annotations

import http.client
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message

import feedparser
import pytest

from monitor.demo.catalog import load_demo_feeds
from monitor.demo.server import DemoServer, is_not_modified, start_demo_server
from monitor.errors import MonitorError

FEED_NAMES = ("demo-east", "demo-europe", "demo-wire", "demo-world")
TYPES = {
    "demo-east": "application/atom+xml; charset=utf-8",
    "demo-europe": "application/atom+xml; charset=utf-8",
    "demo-wire": "application/rss+xml; charset=utf-8",
    "demo-world": "application/rss+xml; charset=utf-8",
}


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[DemoServer, str]]:
    server, base_url = start_demo_server()
    yield server, base_url
    server.stop()


@pytest.fixture
def fresh() -> Iterator[tuple[DemoServer, str]]:
    """A server of its own, for tests that move the edition on."""
    server, base_url = start_demo_server()
    yield server, base_url
    server.stop()


def get(
    url: str, headers: dict[str, str] | None = None, method: str = "GET"
) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


def test_base_url_is_loopback_with_a_real_port(demo: tuple[DemoServer, str]) -> None:
    _, base_url = demo
    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/", base_url)
    assert match and int(match.group(1)) > 0


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feed_is_served_with_validators(demo: tuple[DemoServer, str], name: str) -> None:
    status, headers, body = get(f"{demo[1]}feeds/{name}.xml")
    assert status == 200
    assert headers["Content-Type"] == TYPES[name]
    assert int(headers["Content-Length"]) == len(body)
    assert re.fullmatch(r'"[0-9a-f]{20}"', headers["ETag"])
    assert headers["Last-Modified"].endswith(" GMT")


@pytest.mark.parametrize("name", FEED_NAMES)
def test_conditional_get_answers_304(demo: tuple[DemoServer, str], name: str) -> None:
    url = f"{demo[1]}feeds/{name}.xml"
    _, headers, _ = get(url)
    status, again, body = get(url, {"If-None-Match": headers["ETag"]})
    assert (status, body) == (304, b"")
    assert again["ETag"] == headers["ETag"]
    status, _, body = get(url, {"If-Modified-Since": headers["Last-Modified"]})
    assert (status, body) == (304, b"")


def test_stale_validators_get_the_body(demo: tuple[DemoServer, str]) -> None:
    url = f"{demo[1]}feeds/demo-wire.xml"
    status, _, body = get(url, {"If-None-Match": '"not-this-one"'})
    assert status == 200 and body.startswith(b"<?xml")
    status, _, body = get(url, {"If-Modified-Since": "Mon, 19 Sep 2022 00:00:00 GMT"})
    assert status == 200 and body.startswith(b"<?xml")


@pytest.mark.parametrize("name", FEED_NAMES)
def test_feedparser_reads_every_feed_cleanly(demo: tuple[DemoServer, str], name: str) -> None:
    _, _, body = get(f"{demo[1]}feeds/{name}.xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert 10 <= len(parsed.entries) <= 15
    assert "synthetic" in (parsed.feed.get("subtitle") or "").lower()
    for entry in parsed.entries:
        assert entry.id and entry.link.startswith("https://demo.example.org/")
        assert entry.title and entry.summary and entry.published_parsed


def test_opml_lists_every_feed(demo: tuple[DemoServer, str]) -> None:
    server, base_url = demo
    status, headers, body = get(f"{base_url}feeds.opml")
    assert status == 200 and headers["Content-Type"].startswith("text/x-opml")
    outlines = ET.fromstring(body).findall("body/outline")
    urls = sorted(o.attrib["xmlUrl"] for o in outlines)
    assert urls == [f"{base_url}feeds/{name}.xml" for name in FEED_NAMES]
    assert {o.attrib["text"] for o in outlines} == {feed.title for feed in server.feeds}
    for url in urls:
        assert get(url)[0] == 200


def test_index_head_and_errors(demo: tuple[DemoServer, str]) -> None:
    base_url = demo[1]
    status, _, body = get(base_url)
    assert status == 200 and body.decode().count("/feeds/") == len(FEED_NAMES)
    status, headers, body = get(f"{base_url}feeds/demo-wire.xml", method="HEAD")
    assert (status, body) == (200, b"") and int(headers["Content-Length"]) > 1000
    assert get(f"{base_url}feeds/nope.xml")[0] == 404
    assert get(f"{base_url}feeds/demo-wire.xml?edition=two")[0] == 400
    assert get(f"{base_url}feeds.opml", method="POST")[0] == 405


def test_edition_two_adds_a_changed_figure(demo: tuple[DemoServer, str]) -> None:
    url = f"{demo[1]}feeds/demo-europe.xml"
    _, first_headers, first = get(url)
    status, headers, second = get(url + "?edition=2", {"If-None-Match": first_headers["ETag"]})
    assert status == 200 and headers["ETag"] != first_headers["ETag"]
    old = feedparser.parse(first).entries
    new = feedparser.parse(second).entries
    assert {e.id for e in old} < {e.id for e in new} and len(new) == len(old) + 2
    assert "Almost 97,000 Russians" in new[0].summary
    assert any("Almost 66,000 Russians" in e.summary for e in old)
    assert get(url + "?edition=9")[2] == second  # past the last edition: the last one


def test_advance_moves_every_client_to_the_next_edition(fresh: tuple[DemoServer, str]) -> None:
    server, base_url = fresh
    url = f"{base_url}feeds/demo-europe.xml"
    _, headers, first = get(url)
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(f"{base_url}advance", method="POST")[2] == b"edition 2\n"
    assert server.edition == 2
    status, _, body = get(url, {"If-None-Match": headers["ETag"]})
    assert status == 200 and len(body) > len(first)
    unchanged = f"{base_url}feeds/demo-wire.xml"
    wire_etag = get(unchanged + "?edition=1")[1]["ETag"]
    assert get(unchanged, {"If-None-Match": wire_etag})[0] == 304  # only demo-europe changed
    assert get(f"{base_url}advance", method="POST")[2] == b"edition 2\n"  # the last one stays
    assert get(f"{base_url}reset", method="POST")[2] == b"edition 1\n"
    assert get(url, {"If-None-Match": headers["ETag"]})[0] == 304


def test_keep_alive_requests_do_not_stall(demo: tuple[DemoServer, str]) -> None:
    """Headers and body are two writes: without TCP_NODELAY each response waits ~40 ms
    for the client's delayed ACK (measured: 22 requests/s instead of about 2,000)."""
    port = demo[0].server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    try:
        for _ in range(50):
            connection.request("GET", "/feeds/demo-europe.xml")
            response = connection.getresponse()
            assert response.status == 200 and len(response.read()) > 1000
    finally:
        connection.close()
    assert time.perf_counter() - started < 1.0


def test_same_story_is_carried_by_two_feeds() -> None:
    seen: dict[tuple[str, str], list[str]] = {}
    for feed in load_demo_feeds():
        for entry in feedparser.parse(feed.edition(1).body).entries:
            text = re.sub(r"<[^>]+>", "", entry.summary)
            seen.setdefault((entry.title, text), []).append(feed.name)
    shared = [feeds for feeds in seen.values() if len(feeds) > 1]
    assert len(shared) >= 2 and all(len(set(feeds)) == 2 for feeds in shared)


def test_guids_are_unique_across_feeds() -> None:
    ids = [
        entry.id
        for feed in load_demo_feeds()
        for entry in feedparser.parse(feed.editions[-1].body).entries
    ]
    assert len(ids) == len(set(ids)) >= 45


T = datetime(2022, 10, 4, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("if_none_match", "if_modified_since", "expected"),
    [
        ('"abc"', None, True),
        ('W/"abc"', None, True),
        ('"x", "abc"', None, True),
        ("*", None, True),
        ('"x"', "Tue, 04 Oct 2022 11:00:00 GMT", False),  # the ETag decides
        (None, "Tue, 04 Oct 2022 11:00:00 GMT", True),
        (None, "Tue, 04 Oct 2022 12:00:00 GMT", True),
        (None, "Tue, 04 Oct 2022 10:59:59 GMT", False),
        (None, "yesterday", False),
        (None, None, False),
    ],
)
def test_is_not_modified(
    if_none_match: str | None, if_modified_since: str | None, expected: bool
) -> None:
    assert is_not_modified(if_none_match, if_modified_since, '"abc"', T) is expected


def test_busy_port_is_one_clear_error(demo: tuple[DemoServer, str]) -> None:
    port = demo[0].server_address[1]
    with pytest.raises(MonitorError, match=rf"^cannot listen on 127\.0\.0\.1:{port}: "):
        start_demo_server(port=port)


def run_main(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor.demo.server", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_command_prints_one_line_then_stops_on_sigterm() -> None:
    proc = run_main("--port", "0", "--quiet")
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.fullmatch(r"serving 4 feeds at (http://127\.0\.0\.1:\d+/)\n", line)
        assert match, line
        assert get(match.group(1) + "feeds.opml")[0] == 200
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
    finally:
        proc.kill()
        proc.communicate()
    assert proc.returncode == 0 and out == "" and err == ""


def test_command_reports_a_busy_port_in_one_line() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        proc = run_main("--port", str(busy.getsockname()[1]))
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 1 and out == ""
    assert re.fullmatch(r"Error: cannot listen on 127\.0\.0\.1:\d+: .+\n", err), err


def test_command_rejects_a_bad_port() -> None:
    proc = run_main("--port", "99999")
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 2 and "not a port number" in err
