"""A local alert sink for the demo: an HTTP endpoint that apprise's json:// target posts to."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class AlertSink(ThreadingHTTPServer):
    """Keeps every alert posted to it and hands each to `on_alert` (title, body)."""

    daemon_threads = True

    def __init__(self, on_alert: Callable[[str, str], None]) -> None:
        super().__init__(("127.0.0.1", 0), _SinkHandler)
        self.on_alert = on_alert
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    @property
    def target_url(self) -> str:
        return f"json://127.0.0.1:{self.server_address[1]}/alerts"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()


class _SinkHandler(BaseHTTPRequestHandler):
    server: AlertSink

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", "0"))
        try:
            payload = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            payload = {}
        title, body = str(payload.get("title", "")), str(payload.get("message", ""))
        with self.server.lock:
            self.server.received.append((title, body))
        self.server.on_alert(title, body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass
