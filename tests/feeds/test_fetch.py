"""Fetching against a real local HTTP server: validators, codings, errors, limits."""

from __future__ import annotations

import asyncio
import hashlib
import time
import tracemalloc
from datetime import UTC, datetime

import pytest

from monitor.errors import FetchError
from monitor.feeds.fetch import (
    Fetcher,
    FetchLimits,
    max_age_seconds,
    request_headers,
    retry_after_seconds,
)
from monitor.model import FeedToPoll, FetchResult

from .conftest import LAST_MODIFIED, FeedServer, big_feed, gzip_bomb
from .samples import read_sample

UA = "monitor-test/1.0 (+https://example.org/monitor)"
LIMITS = FetchLimits(
    connect_timeout=2.0,
    read_timeout=2.0,
    total_timeout=5.0,
    max_body_bytes=1024 * 1024,
    user_agent=UA,
    max_concurrency=4,
    per_host_concurrency=2,
)
NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
WORLD = read_sample("world_rss.xml")


def to_poll(url: str, etag: str | None = None, last_modified: str | None = None) -> FeedToPoll:
    return FeedToPoll(
        id=1,
        url=url,
        etag=etag,
        last_modified=last_modified,
        content_hash="previous-hash",
        interval_seconds=900,
        error_count=0,
    )


def fetch(feed: FeedToPoll | str, limits: FetchLimits = LIMITS) -> FetchResult:
    poll = to_poll(feed) if isinstance(feed, str) else feed

    async def run() -> FetchResult:
        async with Fetcher(limits, now=lambda: NOW) as fetcher:
            return await fetcher.fetch(poll)

    return asyncio.run(run())


def fetch_error(feed: FeedToPoll | str, limits: FetchLimits = LIMITS) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(feed, limits)
    assert "\n" not in str(info.value)
    return info.value


# --- success, validators, codings ------------------------------------------------------


def test_a_fetch_returns_body_validators_and_hash(server: FeedServer) -> None:
    url = server.url("/feeds/world_rss.xml")
    result = fetch(url)
    assert (result.status, result.body, result.url) == (200, WORLD, url)
    assert result.etag and result.etag.startswith('"')
    assert result.last_modified == LAST_MODIFIED
    assert result.content_hash == hashlib.blake2b(WORLD, digest_size=16).hexdigest()
    assert result.permanent_redirect is None and result.max_age_seconds is None
    assert 0 <= result.elapsed_ms < 5000
    sent = server.requests[-1].headers
    assert sent["User-Agent"] == UA
    assert "gzip" in sent["Accept-Encoding"] and "deflate" in sent["Accept-Encoding"]
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent


def test_a_matching_etag_gives_304_without_body(server: FeedServer) -> None:
    url = server.url("/feeds/world_rss.xml")
    etag = fetch(url).etag
    result = fetch(to_poll(url, etag=etag))
    assert (result.status, result.body, result.etag) == (304, None, etag)
    assert result.content_hash == "previous-hash"
    assert server.requests[-1].headers["If-None-Match"] == etag


def test_a_stale_etag_gets_the_full_body(server: FeedServer) -> None:
    result = fetch(to_poll(server.url("/feeds/world_rss.xml"), etag='"stale"'))
    assert (result.status, result.body) == (200, WORLD)


def test_last_modified_gives_304_and_keeps_the_validators(server: FeedServer) -> None:
    feed = to_poll(server.url("/lastmod/world_rss.xml"), etag='"old"', last_modified=LAST_MODIFIED)
    result = fetch(feed)
    assert (result.status, result.body) == (304, None)
    assert (result.etag, result.last_modified) == ('"old"', LAST_MODIFIED)
    assert server.requests[-1].headers["If-Modified-Since"] == LAST_MODIFIED


@pytest.mark.parametrize("coding", ["gzip", "deflate"])
def test_compressed_bodies_are_decoded(server: FeedServer, coding: str) -> None:
    result = fetch(server.url(f"/{coding}/europe_atom.xml"))
    assert result.body == read_sample("europe_atom.xml")


def test_validators_with_line_breaks_are_not_sent() -> None:
    feed = to_poll("http://a.example/feed", etag='"x"\r\nX-Evil: 1', last_modified="Mon\nX: y")
    headers = request_headers(feed, UA)
    assert "If-None-Match" not in headers and "If-Modified-Since" not in headers
    assert headers["User-Agent"] == UA


# --- HTTP errors -----------------------------------------------------------------------


@pytest.mark.parametrize("code", [404, 410, 500, 502])
def test_an_http_error_has_its_status_as_code(server: FeedServer, code: int) -> None:
    error = fetch_error(server.url(f"/status/{code}"))
    assert error.code == f"http_{code}"
    assert error.retry_after_seconds is None
    assert error.url == server.url(f"/status/{code}")


@pytest.mark.parametrize(
    ("code", "after", "seconds"),
    [
        (429, "120", 120),
        (503, "Tue, 03 Mar 2026 12:10:00 GMT", 600),  # the server's Date is 12:00:00
        (429, "Tue, 03 Mar 2026 11:00:00 GMT", 0),
        (503, "soon", None),
    ],
)
def test_retry_after_is_read_on_429_and_503(
    server: FeedServer, code: int, after: str, seconds: int | None
) -> None:
    error = fetch_error(server.url(f"/status/{code}?after={after}"))
    assert (error.code, error.retry_after_seconds) == (f"http_{code}", seconds)


# --- redirects -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codes", "permanent"),
    [("301", True), ("308", True), ("301,308", True), ("302", False), ("307", False),
     ("301,302", False), ("302,301", False)],
)  # fmt: skip
def test_a_permanent_redirect_needs_every_hop_permanent(
    server: FeedServer, codes: str, permanent: bool
) -> None:
    final = server.url("/feeds/world_rss.xml")
    result = fetch(server.url(f"/redirect?codes={codes}&to=/feeds/world_rss.xml"))
    assert (result.status, result.body, result.url) == (200, WORLD, final)
    assert result.permanent_redirect == (final if permanent else None)


def test_a_permanent_redirect_is_reported_on_304_too(server: FeedServer) -> None:
    etag = fetch(server.url("/feeds/world_rss.xml")).etag
    result = fetch(to_poll(server.url("/redirect?codes=301&to=/feeds/world_rss.xml"), etag=etag))
    assert result.status == 304
    assert result.permanent_redirect == server.url("/feeds/world_rss.xml")


def test_a_redirect_loop_is_an_error(server: FeedServer) -> None:
    assert fetch_error(server.url("/loop")).code == "too_many_redirects"


def test_a_redirect_to_another_scheme_is_an_error(server: FeedServer) -> None:
    assert fetch_error(server.url("/to-ftp")).code == "bad_redirect"


# --- bad URLs, dead servers, timeouts --------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://files.example.com/feed.xml", "file:///etc/passwd", "javascript:alert(1)",
     "feed.xml", "http://", "http://[::1/feed", "https://exa_mple.com:99999/feed"],
)  # fmt: skip
def test_only_http_urls_are_fetched(server: FeedServer, url: str) -> None:
    error = fetch_error(url)
    assert error.code == "bad_url"
    assert server.requests == []


def test_a_dead_port_is_a_connect_error(dead_url: str) -> None:
    assert fetch_error(dead_url).code == "connect"


def test_a_connection_that_never_completes_is_a_connect_timeout(blackhole_url: str) -> None:
    limits = FetchLimits(connect_timeout=0.3, read_timeout=5.0, total_timeout=5.0)
    started = time.monotonic()
    error = fetch_error(blackhole_url, limits)
    assert (error.code, "no connection within 0.3s" in str(error)) == ("timeout", True)
    assert time.monotonic() - started < 2.0


def test_a_body_cut_short_is_an_error(server: FeedServer) -> None:
    assert fetch_error(server.url("/truncated")).code in ("bad_body", "connection")


def test_a_server_that_does_not_speak_http_is_an_error(server: FeedServer) -> None:
    assert fetch_error(server.garbage_base + "/feed.xml").code == "bad_response"


def test_a_fetcher_outside_its_context_is_a_bug() -> None:
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(Fetcher(LIMITS).fetch(to_poll("http://127.0.0.1:9/feed.xml")))


@pytest.mark.parametrize(
    ("path", "says"),
    [("/slow-headers?delay=3", "no data for 0.3s"), ("/slow-body?delay=3", "no data for 0.3s"),
     ("/drip", "not done within 0.6s")],
)  # fmt: skip
def test_read_and_total_timeouts(server: FeedServer, path: str, says: str) -> None:
    limits = FetchLimits(connect_timeout=1.0, read_timeout=0.3, total_timeout=0.6)
    started = time.monotonic()
    error = fetch_error(server.url(path), limits)
    assert (error.code, says in str(error)) == ("timeout", True), str(error)
    assert time.monotonic() - started < 2.0


# --- the size cap ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "says"),
    [("/big", "Content-Length"), ("/big?chunked", "body exceeds"), ("/bomb", "body exceeds")],
)
def test_the_size_cap_refuses_huge_bodies(server: FeedServer, path: str, says: str) -> None:
    """The 10 MB feed (announced or streamed) and a 64 MiB gzip bomb, against a 5 MiB cap."""
    limits = FetchLimits(max_body_bytes=5 * 1024 * 1024)
    big_feed(), gzip_bomb()  # the server's own copies are not ours to count
    tracemalloc.start()
    try:
        error = fetch_error(server.url(path), limits)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (error.code, says in str(error)) == ("too_large", True), str(error)
    assert peak < 24 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB"


def test_a_big_body_under_the_cap_is_read_whole(server: FeedServer) -> None:
    result = fetch(server.url("/big?chunked"), FetchLimits(max_body_bytes=len(big_feed())))
    assert result.body == big_feed()


# --- cache hints -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "seconds"),
    [
        ("Cache-Control=max-age%3D600", 600),
        ("Cache-Control=public,%20max-age%3D1800,%20must-revalidate", 1800),
        ("Cache-Control=no-cache,%20max-age%3D600", None),
        ("Expires=Tue,%2003%20Mar%202026%2013:00:00%20GMT", 3600),
        ("Expires=Tue,%2003%20Mar%202026%2011:00:00%20GMT", 0),
        ("Expires=0", None),
        ("", None),
    ],
)
def test_cache_hints_become_max_age(server: FeedServer, query: str, seconds: int | None) -> None:
    assert fetch(server.url(f"/cache?{query}")).max_age_seconds == seconds


def test_expires_and_retry_after_dates_use_now_without_a_date_header() -> None:
    expires = {"Expires": "Tue, 03 Mar 2026 12:30:00 GMT"}
    retry = {"Retry-After": "Tue, 03 Mar 2026 12:05:00 GMT"}
    assert max_age_seconds(expires, NOW) == 1800
    assert retry_after_seconds(retry, NOW) == 300
    assert retry_after_seconds({"Retry-After": "-5"}, NOW) is None


# --- concurrency -----------------------------------------------------------------------


def test_global_and_per_host_limits_hold(server: FeedServer) -> None:
    limits = FetchLimits(max_concurrency=3, per_host_concurrency=2)
    port = server.base.rsplit(":", 1)[1]
    urls = [f"http://{host}:{port}/gate" for host in ("127.0.0.1", "localhost") for _ in range(4)]

    async def run() -> list[FetchResult]:
        async with Fetcher(limits) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(to_poll(u)) for u in urls))

    results = asyncio.run(run())
    assert [r.status for r in results] == [200] * 8
    assert 2 <= server.peak_total <= 3, server.peak_total
    assert all(1 <= peak <= 2 for peak in server.peak.values()), server.peak
