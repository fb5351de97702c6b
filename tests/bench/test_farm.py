"""The benchmark's feed farm over real HTTP: valid RSS and Atom, ETag/304, advance, reset."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import feedparser
import pytest

from monitor.feeds.opml import read_opml
from tests.rounds import load_farm

FEEDS, ENTRIES = 8, 4


farm_module = load_farm()


@pytest.fixture(scope="module")
def farm() -> Iterator[Any]:
    with farm_module.Farm(FEEDS, ENTRIES, seed=7) as running:
        yield running


@pytest.fixture
def fresh(farm: Any) -> Any:
    farm.reset()
    return farm


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


@pytest.mark.parametrize(("number", "version"), [(0, "rss20"), (1, "atom10"), (6, "rss20")])
def test_feeds_parse_cleanly_in_their_format(fresh: Any, number: int, version: str) -> None:
    status, headers, body = get(fresh.feed_url(number))
    parsed = feedparser.parse(body)
    assert status == 200
    assert headers["Content-Type"].startswith("application/" + version[:3])
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == version
    assert len(parsed.entries) == ENTRIES
    guids = [entry.id for entry in parsed.entries]
    assert len(set(guids)) == ENTRIES
    for entry in parsed.entries:
        assert entry.title and entry.link.startswith("https://")
        assert entry.published_parsed is not None
        assert "<p>" in entry.summary and "<a href=" in entry.summary


def test_conditional_requests_get_304(fresh: Any) -> None:
    url = fresh.feed_url(3)
    status, headers, _ = get(url)
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag.startswith('"') and not etag.startswith("W/")
    assert get(url, {"If-None-Match": etag})[0] == 304
    assert get(url, {"If-None-Match": f'"other", {etag}'})[0] == 304
    assert get(url, {"If-Modified-Since": modified})[0] == 304
    assert get(url, {"If-None-Match": '"stale"'})[0] == 200
    assert get(url, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    assert fresh.stats() == {"requests": 6, "ok": 3, "not_modified": 3}


def test_advance_adds_one_entry_to_the_chosen_feeds(fresh: Any) -> None:
    before = {n: get(fresh.feed_url(n)) for n in range(FEEDS)}
    chosen = fresh.advance(0.25)
    assert len(chosen) == 2
    for number, (_, headers, body) in before.items():
        status, _, new_body = get(fresh.feed_url(number), {"If-None-Match": headers["ETag"]})
        if number not in chosen:
            assert status == 304
            continue
        assert status == 200
        old, new = feedparser.parse(body).entries, feedparser.parse(new_body).entries
        assert len(new) == ENTRIES  # the oldest entry dropped off
        assert new[0].id not in {entry.id for entry in old}
        assert [entry.id for entry in new[1:]] == [entry.id for entry in old[:-1]]


def test_advance_is_seeded_and_reset_restores_the_first_state(fresh: Any) -> None:
    _, headers, body = get(fresh.feed_url(0))
    first = fresh.advance(0.5)
    fresh.advance(0.5)
    fresh.reset()
    assert fresh.advance(0.5) == first
    fresh.reset()
    assert get(fresh.feed_url(0), {"If-None-Match": headers["ETag"]})[0] == 304
    assert get(fresh.feed_url(0))[2] == body


def test_bad_requests_are_refused(fresh: Any) -> None:
    assert get(fresh.feed_url(FEEDS))[0] == 404
    assert get(f"{fresh.url}/feed/x.xml")[0] == 404
    for fraction in ("2", "nope"):
        request = urllib.request.Request(f"{fresh.url}/advance?fraction={fraction}", method="POST")
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(request, timeout=10)
        caught.value.close()
        assert caught.value.code == 400


def test_opml_lists_every_feed(fresh: Any) -> None:
    feeds = read_opml(fresh.opml())
    assert [feed.url for feed in feeds] == [fresh.feed_url(n) for n in range(FEEDS)]


def test_about_one_entry_in_twenty_reports_an_event() -> None:
    epoch = datetime(2024, 3, 1, tzinfo=UTC)
    items = [farm_module.make_item(1, feed, n, epoch) for feed in range(100) for n in range(20)]
    words = ("mobilization", "closes border", "people left")
    share = sum(any(w in item.title for w in words) for item in items) / len(items)
    assert 0.03 < share < 0.07
    assert farm_module.make_item(1, 5, 3, epoch) == items[5 * 20 + 3]
    assert farm_module.make_item(2, 5, 3, epoch) != items[5 * 20 + 3]


def test_poll_bench_runs_the_peers_against_the_farm() -> None:
    """The harness end to end on a tiny farm: every round did what it claims."""
    script = Path(__file__).resolve().parents[2] / "bench" / "poll.py"
    command = [sys.executable, str(script), "--feeds=6", "--entries=3", "--repeat=1"]
    command += ["--only=reader,bare", "--reader-workers=2", "--fraction=0.5", "--json"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["contenders"]) == {"reader-w2", "bare"}
    for name, new_in_last in (("reader-w2", 3), ("bare", 9)):
        data = result["contenders"][name]
        rounds = data["runs"][0]["rounds"]
        assert [(r["ok"], r["not_modified"]) for r in rounds] == [(6, 0), (0, 6), (3, 3)]
        assert [r["new_entries"] for r in rounds] == [18, 0, new_in_last]
        assert all(r["seconds"] > 0 for r in rounds)
        assert data["peak_rss_mb"] > 10
        assert data["median_seconds"]["first"] == rounds[0]["seconds"]
        assert 0 < data["median_startup_seconds"] < 30
