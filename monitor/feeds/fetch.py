"""Fetch a feed over HTTP: a conditional GET with timeouts, a size cap and polite limits.

One `Fetcher` owns one aiohttp session for a whole run. Every failure, whatever its
cause, comes out as a `FetchError` with a short stable `code`; no aiohttp exception
escapes. Response headers that need "now" (Expires, a Retry-After date) are read
against the response's own Date header, or the `now` clock when it has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType

import aiohttp
from yarl import URL

from monitor.errors import FetchError
from monitor.model import FeedToPoll, FetchResult

_CHUNK = 64 * 1024
_MAX_REDIRECTS = 10
_PERMANENT = frozenset({301, 308})
_RETRY_AFTER_STATUSES = frozenset({429, 503})
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
_MAX_AGE = re.compile(r'(?:^|[,\s])max-age\s*=\s*"?(\d+)"?', re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])no-(?:store|cache)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Timeouts in seconds: connect (DNS and TCP/TLS set-up), read (the longest wait
    for the next bytes), total (the whole exchange, redirects and body included)."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 60.0
    max_body_bytes: int = 5 * 1024 * 1024
    user_agent: str = "monitor/0.1"
    max_concurrency: int = 16
    per_host_concurrency: int = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class _HostSlot:
    semaphore: asyncio.Semaphore
    users: int = 0


@dataclass(slots=True)
class _Exchange:
    """What one `fetch` call knows while it runs."""

    feed: FeedToPoll
    started: float = field(default_factory=time.perf_counter)

    def elapsed_ms(self) -> int:
        return int((time.perf_counter() - self.started) * 1000)


class Fetcher:
    """`async with Fetcher(limits) as f: result = await f.fetch(feed)`.

    At most `max_concurrency` fetches run at once, and at most `per_host_concurrency`
    against one host; a fetch waits for its host first, so a crowd of feeds on one
    host never holds the global slots that other hosts could use.
    """

    def __init__(self, limits: FetchLimits, *, now: Callable[[], datetime] = utc_now) -> None:
        self._limits = limits
        self._now = now
        self._global = asyncio.Semaphore(limits.max_concurrency)
        self._hosts: dict[str, _HostSlot] = {}
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        limits = self._limits
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=limits.max_concurrency, ttl_dns_cache=300),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=limits.connect_timeout, sock_read=limits.read_timeout
            ),
            cookie_jar=aiohttp.DummyCookieJar(),
            auto_decompress=True,
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(self, feed: FeedToPoll) -> FetchResult:
        """One conditional GET of `feed.url`; raises `FetchError` for every failure."""
        url = check_url(feed.url)
        async with self._host_slot(url.host or ""), self._global:
            exchange = _Exchange(feed)
            try:
                async with asyncio.timeout(self._limits.total_timeout):
                    return await self._get(url, exchange)
            except FetchError:
                raise
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise self._wrap(feed.url, exc) from exc

    async def _get(self, url: URL, exchange: _Exchange) -> FetchResult:
        if self._session is None:
            raise RuntimeError("Fetcher used outside 'async with'")
        feed = exchange.feed
        async with self._session.get(
            url,
            headers=request_headers(feed, self._limits.user_agent),
            max_redirects=_MAX_REDIRECTS,
        ) as resp:
            if resp.status == 304:
                return self._not_modified(resp, exchange)
            if not 200 <= resp.status < 300:
                raise self._status_error(resp, feed.url)
            body = await read_body(resp, self._limits.max_body_bytes, feed.url)
            return FetchResult(
                url=str(resp.url),
                status=resp.status,
                body=body,
                etag=resp.headers.get("ETag"),
                last_modified=resp.headers.get("Last-Modified"),
                permanent_redirect=permanent_redirect(resp, feed.url),
                max_age_seconds=max_age_seconds(resp.headers, self._now()),
                content_hash=hash_body(body),
                elapsed_ms=exchange.elapsed_ms(),
            )

    def _not_modified(self, resp: aiohttp.ClientResponse, exchange: _Exchange) -> FetchResult:
        """A 304 keeps the validators we sent unless the server gave new ones."""
        feed = exchange.feed
        return FetchResult(
            url=str(resp.url),
            status=304,
            body=None,
            etag=resp.headers.get("ETag") or feed.etag,
            last_modified=resp.headers.get("Last-Modified") or feed.last_modified,
            permanent_redirect=permanent_redirect(resp, feed.url),
            max_age_seconds=max_age_seconds(resp.headers, self._now()),
            content_hash=feed.content_hash,
            elapsed_ms=exchange.elapsed_ms(),
        )

    def _status_error(self, resp: aiohttp.ClientResponse, url: str) -> FetchError:
        code = f"http_{resp.status}"
        reason = resp.reason or "error"
        if resp.status not in _RETRY_AFTER_STATUSES:
            return FetchError(url, code, f"HTTP {resp.status} {reason}")
        after = retry_after_seconds(resp.headers, self._now())
        hint = f", retry after {after}s" if after is not None else ""
        return FetchError(url, code, f"HTTP {resp.status} {reason}{hint}", after)

    def _wrap(self, url: str, exc: aiohttp.ClientError | TimeoutError) -> FetchError:
        limits = self._limits
        if isinstance(exc, aiohttp.ConnectionTimeoutError):
            return FetchError(url, "timeout", f"no connection within {limits.connect_timeout}s")
        if isinstance(exc, aiohttp.SocketTimeoutError):
            return FetchError(url, "timeout", f"no data for {limits.read_timeout}s")
        if isinstance(exc, TimeoutError):
            return FetchError(url, "timeout", f"not done within {limits.total_timeout}s")
        return wrap_client_error(url, exc)

    @contextlib.asynccontextmanager
    async def _host_slot(self, host: str) -> AsyncIterator[None]:
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = _HostSlot(
                asyncio.Semaphore(self._limits.per_host_concurrency)
            )
        slot.users += 1
        try:
            async with slot.semaphore:
                yield
        finally:
            slot.users -= 1
            if slot.users == 0:
                del self._hosts[host]


# --- the pieces, each testable on its own -----------------------------------------------

# aiohttp's errors, most specific first: (class, code, message prefix).
_CLIENT_ERRORS: tuple[tuple[type[aiohttp.ClientError], str, str], ...] = (
    (aiohttp.ClientConnectorDNSError, "dns", "cannot resolve the host"),
    (aiohttp.ClientSSLError, "tls", "TLS failed"),
    (aiohttp.ClientConnectorError, "connect", "cannot connect"),
    (aiohttp.TooManyRedirects, "too_many_redirects", f"more than {_MAX_REDIRECTS} redirects"),
    (aiohttp.RedirectClientError, "bad_redirect", "redirected to an unusable URL"),
    (aiohttp.InvalidURL, "bad_url", "invalid URL"),
    (aiohttp.NonHttpUrlClientError, "bad_url", "not an HTTP URL"),
    (aiohttp.ClientPayloadError, "bad_body", "broken body"),
    (aiohttp.ClientConnectionError, "connection", "connection lost"),
    (aiohttp.ClientResponseError, "bad_response", "malformed response"),
)


def wrap_client_error(url: str, exc: aiohttp.ClientError) -> FetchError:
    for cls, code, prefix in _CLIENT_ERRORS:
        if isinstance(exc, cls):
            return FetchError(url, code, _one_line(f"{prefix}: {exc}"))
    return FetchError(url, "http_error", _one_line(f"{type(exc).__name__}: {exc}"))


def check_url(url: str) -> URL:
    """The URL to fetch, or `FetchError(code="bad_url")`: only absolute http(s) URLs."""
    try:
        parsed = URL(url)
        host = parsed.host
    except (ValueError, UnicodeError) as exc:
        raise FetchError(url, "bad_url", _one_line(f"invalid URL: {exc}")) from exc
    if parsed.scheme not in ("http", "https"):
        raise FetchError(url, "bad_url", "only http and https URLs can be fetched")
    if not host:
        raise FetchError(url, "bad_url", "the URL has no host")
    return parsed


def request_headers(feed: FeedToPoll, user_agent: str) -> dict[str, str]:
    headers = {"User-Agent": user_agent, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"}
    if feed.etag and _is_header_safe(feed.etag):
        headers["If-None-Match"] = feed.etag
    if feed.last_modified and _is_header_safe(feed.last_modified):
        headers["If-Modified-Since"] = feed.last_modified
    return headers


async def read_body(resp: aiohttp.ClientResponse, limit: int, url: str) -> bytes:
    """The decoded body, refused as soon as it passes `limit` bytes: before reading when
    Content-Length already says so, else while streaming (decompressed bytes count)."""
    declared = resp.content_length
    if declared is not None and declared > limit:
        raise FetchError(url, "too_large", f"Content-Length {declared} exceeds {limit} bytes")
    body = bytearray()
    async for chunk in resp.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise FetchError(url, "too_large", f"body exceeds {limit} bytes")
    return bytes(body)


def permanent_redirect(resp: aiohttp.ClientResponse, requested: str) -> str | None:
    """The final URL when every hop was a 301 or 308, else None."""
    if not resp.history or any(hop.status not in _PERMANENT for hop in resp.history):
        return None
    final = str(resp.url)
    return None if final == requested else final


def max_age_seconds(headers: Mapping[str, str], now: datetime) -> int | None:
    """Freshness from Cache-Control max-age, else Expires (relative to the response's
    Date, else `now`). None when the server gave no usable hint."""
    cache_control = headers.get("Cache-Control", "")
    if _NO_CACHE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    if match:
        return int(match.group(1))
    expires = parse_http_date(headers.get("Expires"))
    if expires is None:
        return None
    return max(0, int((expires - _reference_time(headers, now)).total_seconds()))


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> int | None:
    """Retry-After as seconds: either delta-seconds or an HTTP-date."""
    value = headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    when = parse_http_date(value)
    if when is None:
        return None
    return max(0, int((when - _reference_time(headers, now)).total_seconds()))


def parse_http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def hash_body(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def _reference_time(headers: Mapping[str, str], now: datetime) -> datetime:
    return parse_http_date(headers.get("Date")) or now


def _is_header_safe(value: str) -> bool:
    return "\r" not in value and "\n" not in value


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
