"""An offline feed server for the demo: the bundled synthetic feeds over HTTP.

    python -m monitor.demo.server [--host 127.0.0.1] [--port 0] [--edition 1] [--quiet]

Prints one line, ``serving N feeds at http://HOST:PORT/``, when it is ready. Routes:

    GET  /                      a plain-text index of the routes below
    GET  /feeds.opml            OPML list of every feed, to import into monitor
    GET  /feeds/<name>.xml      a feed (ETag, Last-Modified, 304 on a conditional GET)
         ?edition=N             that edition of it, whatever the server's current one
    POST /advance               serve the next edition from now on (demo-europe changes)
    POST /reset                 serve edition 1 again, to repeat the demo

Standard library only, so the demo runs on any machine without network access.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
import threading
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from urllib.parse import parse_qs, urlsplit

from monitor.demo.catalog import OPML_CONTENT_TYPE, DemoFeed, load_demo_feeds, render_opml
from monitor.errors import MonitorError

log = logging.getLogger(__name__)

_HOST_HEADER = re.compile(r"^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$")


class DemoServer(ThreadingHTTPServer):
    """Serves `feeds`; holds the current edition, which `advance()` moves on."""

    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], feeds: tuple[DemoFeed, ...], edition: int = 1
    ) -> None:
        super().__init__(address, DemoHandler)
        self.feeds = feeds
        self.by_path = {feed.path: feed for feed in feeds}
        self.max_edition = max((len(feed.editions) for feed in feeds), default=1)
        self._edition = min(max(edition, 1), self.max_edition)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self.socket.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    @property
    def edition(self) -> int:
        with self._lock:
            return self._edition

    def advance(self) -> int:
        """Move to the next edition (the last one stays); return the current one."""
        with self._lock:
            self._edition = min(self._edition + 1, self.max_edition)
            return self._edition

    def reset(self) -> int:
        with self._lock:
            self._edition = 1
            return self._edition

    def start_in_thread(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="demo-server")
        self._thread.daemon = True
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the socket (from another thread than serve_forever)."""
        self.shutdown()
        self.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    server_version = "monitor-demo/0.1"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_POST(self) -> None:
        length = self.headers.get("Content-Length", "0")
        self.rfile.read(int(length) if length.isdigit() else 0)  # keep-alive stays in step
        path = urlsplit(self.path).path
        if path not in ("/advance", "/reset"):
            self._send_text(HTTPStatus.METHOD_NOT_ALLOWED, "only POST /advance or /reset\n")
            return
        edition = self.server.advance() if path == "/advance" else self.server.reset()
        log.info("%s edition=%d", path[1:], edition)
        self._send_text(HTTPStatus.OK, f"edition {edition}\n")

    def _answer(self, send_body: bool) -> None:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.txt"):
            self._send_text(HTTPStatus.OK, self._index(), send_body)
        elif url.path == "/feeds.opml":
            opml = render_opml(self.server.feeds, self._public_base_url())
            self._send(HTTPStatus.OK, OPML_CONTENT_TYPE, opml, send_body)
        elif url.path in self.server.by_path:
            self._send_feed(self.server.by_path[url.path], url.query, send_body)
        else:
            self._send_text(HTTPStatus.NOT_FOUND, f"no such page: {url.path}\n", send_body)

    def _send_feed(self, feed: DemoFeed, query: str, send_body: bool) -> None:
        wanted = parse_qs(query).get("edition", [str(self.server.edition)])[-1]
        if not wanted.isdigit():
            self._send_text(HTTPStatus.BAD_REQUEST, "edition must be a number\n", send_body)
            return
        edition = feed.edition(int(wanted))
        headers = {
            "ETag": edition.etag,
            "Last-Modified": format_datetime(edition.last_modified, usegmt=True),
        }
        if is_not_modified(
            self.headers.get("If-None-Match"),
            self.headers.get("If-Modified-Since"),
            edition.etag,
            edition.last_modified,
        ):
            self._send(HTTPStatus.NOT_MODIFIED, None, b"", False, headers)
            return
        self._send(HTTPStatus.OK, feed.content_type, edition.body, send_body, headers)

    def _index(self) -> str:
        base = self._public_base_url().rstrip("/")
        lines = [
            f"monitor demo: {len(self.server.feeds)} feeds of synthetic news, "
            f"edition {self.server.edition} of {self.server.max_edition}",
            f"{base}/feeds.opml",
            *(f"{base}{feed.path}  {feed.title}" for feed in self.server.feeds),
            f"POST {base}/advance  serves the next edition",
            f"POST {base}/reset  serves edition 1 again",
        ]
        return "\n".join(lines) + "\n"

    def _public_base_url(self) -> str:
        """The base URL the client used, so the OPML works behind 0.0.0.0 too."""
        host = self.headers.get("Host", "")
        return f"http://{host}/" if _HOST_HEADER.match(host) else self.server.base_url

    def _send_text(self, status: HTTPStatus, text: str, send_body: bool = True) -> None:
        self._send(status, "text/plain; charset=utf-8", text.encode(), send_body)

    def _send(
        self,
        status: HTTPStatus,
        content_type: str | None,
        body: bytes,
        send_body: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.info("%s %s", self.address_string(), format % args)


def is_not_modified(
    if_none_match: str | None,
    if_modified_since: str | None,
    etag: str,
    last_modified: datetime,
) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match wins; If-Modified-Since only without it."""
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # an unreadable date is ignored, as the RFC says
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    return last_modified <= since


def start_demo_server(
    host: str = "127.0.0.1", port: int = 0, edition: int = 1
) -> tuple[DemoServer, str]:
    """Serve the bundled feeds from a background thread; stop with `server.stop()`."""
    server = bind_demo_server(host, port, edition)
    server.start_in_thread()
    return server, server.base_url


def bind_demo_server(host: str, port: int, edition: int = 1) -> DemoServer:
    try:
        return DemoServer((host, port), load_demo_feeds(), edition)
    except OSError as exc:
        raise MonitorError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m monitor.demo.server",
        description="Serve the bundled synthetic demo feeds over HTTP (offline).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=_port, default=0, help="0 picks a free port")
    parser.add_argument("--edition", type=int, default=1, help="edition to start with")
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser.parse_args(argv)


def _port(text: str) -> int:
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}")
    return int(text)


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(message)s",
        stream=sys.stderr,
    )
    try:
        server = bind_demo_server(args.host, args.port, args.edition)
    except MonitorError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    print(f"serving {len(server.feeds)} feeds at {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
