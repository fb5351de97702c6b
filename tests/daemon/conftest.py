"""A local feed farm that counts the requests it gets, and helpers to run `monitor` itself."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def rss(index: int, entries: int = 3) -> bytes:
    items = "".join(
        f"<item><title>Story {index}-{n}</title><link>http://example.org/{index}/{n}</link>"
        f"<guid>urn:story:{index}:{n}</guid>"
        f"<pubDate>Mon, 0{1 + n % 9} Sep 2025 10:00:00 GMT</pubDate>"
        f"<description>Markets were calm in city {index} on day {n}.</description></item>"
        for n in range(entries)
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {index}</title>'
        f"<link>http://example.org/{index}</link><description>d</description>{items}</channel></rss>"
    ).encode()


@dataclass
class Farm:
    base_url: str
    hits: Counter[str] = field(default_factory=Counter)
    delay: float = 0.0
    # feed index -> (status, headers) to answer instead of the feed
    answers: dict[int, tuple[int, dict[str, str]]] = field(default_factory=dict)
    bodies: dict[int, bytes] = field(default_factory=dict)  # feed index -> body to serve

    def url(self, index: int) -> str:
        return f"{self.base_url}/feed/{index}.xml"


@pytest.fixture
def farm() -> Iterator[Farm]:
    state = Farm("")
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            with lock:
                state.hits[self.path] += 1
            if state.delay:
                threading.Event().wait(state.delay)
            index = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            if index in state.answers:
                status, headers = state.answers[index]
                self.send_response(status)
                for name, value in {**headers, "Content-Length": "0"}.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            body = state.bodies.get(index) or rss(index)
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def monitor_env(database_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
    env["MONITOR_DATABASE_URL"] = database_url
    env["COLUMNS"] = "200"  # rich wraps tables to the terminal width
    env.update({f"MONITOR_{k.upper()}": v for k, v in settings.items()})
    return env


def run_monitor(
    *args: str, env: dict[str, str], cwd: Path, input: bytes | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        input=input.decode() if input else None,
    )


def start_daemon(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "run"],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
