"""A real HTTP server on 127.0.0.1:0 (aiohttp.web in a thread) that misbehaves on demand."""

from __future__ import annotations

import asyncio
import functools
import gzip
import hashlib
import socket
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from .samples import DATA, make_rss

LAST_MODIFIED = "Mon, 02 Mar 2026 10:00:00 GMT"
SERVER_DATE = "Tue, 03 Mar 2026 12:00:00 GMT"


@functools.cache
def big_feed() -> bytes:
    """A valid RSS feed of about 10 MB."""
    return make_rss(items=17_500, summary_bytes=400)


@functools.cache
def gzip_bomb() -> bytes:
    """64 MiB of spaces, gzipped to about 64 KB."""
    return gzip.compress(b" " * (64 * 1024 * 1024), compresslevel=9)


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


@dataclass
class FeedServer:
    base: str = ""
    garbage_base: str = ""  # a TCP server that answers anything with a non-HTTP line
    requests: list[Seen] = field(default_factory=list)
    in_flight: dict[str, int] = field(default_factory=dict)
    peak: dict[str, int] = field(default_factory=dict)
    peak_total: int = 0

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        return [seen.path for seen in self.requests]

    def reset(self) -> None:
        self.requests.clear()
        self.in_flight.clear()
        self.peak.clear()
        self.peak_total = 0


SERVER = web.AppKey("server", FeedServer)


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha1(body).hexdigest()[:16] + '"'


def _sample(request: web.Request) -> bytes:
    name = request.match_info["name"]
    path = DATA / name
    if "/" in name or not path.is_file():
        raise web.HTTPNotFound()
    return path.read_bytes()


async def feed(request: web.Request) -> web.Response:
    """ETag and Last-Modified, and a 304 when either validator matches."""
    body = _sample(request)
    headers = {"ETag": _etag(body), "Last-Modified": LAST_MODIFIED}
    if request.headers.get("If-None-Match") == headers["ETag"]:
        return web.Response(status=304, headers=headers)
    if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
        return web.Response(status=304, headers=headers)
    return web.Response(body=body, headers=headers, content_type="application/rss+xml")


async def lastmod(request: web.Request) -> web.Response:
    """Last-Modified only, and a 304 carrying no validators at all."""
    body = _sample(request)
    if request.headers.get("If-Modified-Since") == LAST_MODIFIED:
        return web.Response(status=304)
    return web.Response(body=body, headers={"Last-Modified": LAST_MODIFIED})


async def compressed(request: web.Request) -> web.Response:
    body = _sample(request)
    if request.match_info["coding"] == "gzip":
        data, coding = gzip.compress(body), "gzip"
    else:
        data, coding = zlib.compress(body), "deflate"
    return web.Response(body=data, headers={"Content-Encoding": coding})


async def status(request: web.Request) -> web.Response:
    headers = {"Date": SERVER_DATE}
    after = request.query.get("after")
    if after is not None:
        headers["Retry-After"] = after
    return web.Response(status=int(request.match_info["code"]), headers=headers, text="no")


async def redirect(request: web.Request) -> web.Response:
    """/redirect?codes=301,308&to=/x answers 301 to /redirect?codes=308&to=/x, and so on."""
    codes = [int(c) for c in request.query["codes"].split(",")]
    target = request.query["to"]
    if len(codes) > 1:
        rest = ",".join(str(c) for c in codes[1:])
        target = str(request.url.with_query({"codes": rest, "to": target}).relative())
    return web.Response(status=codes[0], headers={"Location": target})


async def loop(request: web.Request) -> web.Response:
    return web.Response(status=302, headers={"Location": "/loop"})


async def to_ftp(request: web.Request) -> web.Response:
    return web.Response(status=301, headers={"Location": "ftp://files.example.com/feed"})


async def slow_headers(request: web.Request) -> web.Response:
    await asyncio.sleep(float(request.query.get("delay", "2")))
    return web.Response(text="late")


async def slow_body(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    await resp.prepare(request)
    await resp.write(b"<rss version='2.0'><channel>")
    await asyncio.sleep(float(request.query.get("delay", "2")))
    await resp.write(b"</channel></rss>")
    return resp


async def drip(request: web.Request) -> web.StreamResponse:
    """A byte every 50 ms, for ever: never a read timeout, only the total one."""
    resp = web.StreamResponse()
    await resp.prepare(request)
    for _ in range(1000):
        await resp.write(b" ")
        await asyncio.sleep(0.05)
    return resp


async def big(request: web.Request) -> web.StreamResponse:
    """The ~10 MB feed, with Content-Length or (with ?chunked) streamed without it."""
    body = big_feed()
    if "chunked" not in request.query:
        return web.Response(body=body)
    resp = web.StreamResponse()
    resp.enable_chunked_encoding()
    await resp.prepare(request)
    for start in range(0, len(body), 256 * 1024):
        await resp.write(body[start : start + 256 * 1024])
    return resp


async def truncated(request: web.Request) -> web.StreamResponse:
    """Promises 100 kB, sends 10 bytes and hangs up."""
    resp = web.StreamResponse(headers={"Content-Length": "100000"})
    await resp.prepare(request)
    await resp.write(b"<rss>     ")
    assert request.transport is not None
    request.transport.close()
    return resp


async def answer_garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"SPEAKING GOPHER TODAY\r\n\r\n")
    await writer.drain()
    writer.close()


async def bomb(request: web.Request) -> web.Response:
    return web.Response(body=gzip_bomb(), headers={"Content-Encoding": "gzip"})


async def cache(request: web.Request) -> web.Response:
    headers = {"Date": SERVER_DATE}
    headers.update({k: v for k, v in request.query.items() if k in ("Cache-Control", "Expires")})
    return web.Response(body=(DATA / "world_rss.xml").read_bytes(), headers=headers)


async def gate(request: web.Request) -> web.Response:
    """Counts how many requests are in flight, per Host header and in all."""
    server = request.app[SERVER]
    host = request.host
    server.in_flight[host] = server.in_flight.get(host, 0) + 1
    server.peak[host] = max(server.peak.get(host, 0), server.in_flight[host])
    server.peak_total = max(server.peak_total, sum(server.in_flight.values()))
    try:
        await asyncio.sleep(0.15)
    finally:
        server.in_flight[host] -= 1
    return web.Response(body=(DATA / "world_rss.xml").read_bytes())


def _app(server: FeedServer) -> web.Application:
    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        server.requests.append(Seen(request.path_qs, dict(request.headers)))
        return await handler(request)

    app = web.Application(middlewares=[record])
    app[SERVER] = server
    app.router.add_get("/feeds/{name}", feed)
    app.router.add_get("/lastmod/{name}", lastmod)
    app.router.add_get("/{coding:gzip|deflate}/{name}", compressed)
    app.router.add_get("/status/{code:\\d+}", status)
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/loop", loop)
    app.router.add_get("/to-ftp", to_ftp)
    app.router.add_get("/slow-headers", slow_headers)
    app.router.add_get("/slow-body", slow_body)
    app.router.add_get("/drip", drip)
    app.router.add_get("/big", big)
    app.router.add_get("/bomb", bomb)
    app.router.add_get("/truncated", truncated)
    app.router.add_get("/cache", cache)
    app.router.add_get("/gate", gate)
    return app


@pytest.fixture(scope="session")
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer()
    loop = asyncio.new_event_loop()
    ready = threading.Event()

    async def start() -> tuple[web.AppRunner, asyncio.Server]:
        runner = web.AppRunner(_app(server), access_log=None, handler_cancellation=True)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        host, port = runner.addresses[0][:2]
        server.base = f"http://{host}:{port}"
        garbage = await asyncio.start_server(answer_garbage, "127.0.0.1", 0)
        server.garbage_base = f"http://127.0.0.1:{garbage.sockets[0].getsockname()[1]}"
        ready.set()
        return runner, garbage

    async def stop(runner: web.AppRunner, garbage: asyncio.Server) -> None:
        garbage.close()
        await garbage.wait_closed()
        await runner.cleanup()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            runner, garbage = loop.run_until_complete(start())
            loop.run_forever()
            loop.run_until_complete(stop(runner, garbage))
        finally:
            loop.close()

    thread = threading.Thread(target=serve, name="feed-server", daemon=True)
    thread.start()
    assert ready.wait(10), "the test feed server did not start"
    yield server
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def server(feed_server: FeedServer) -> FeedServer:
    feed_server.reset()
    return feed_server


@pytest.fixture
def dead_url() -> str:
    """A URL on a port that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.xml"


@pytest.fixture
def blackhole_url() -> Iterator[str]:
    """A port whose accept queue is full, so a new connection never completes."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield f"http://127.0.0.1:{port}/feed.xml"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
