"""The daemon end to end: real processes, a real feed server, real databases."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.daemon.conftest import Farm, monitor_env, rss, run_monitor, start_daemon


def add_feeds(farm: Farm, count: int, env: dict[str, str], cwd: Path) -> None:
    opml = "".join(f'<outline type="rss" xmlUrl="{farm.url(i)}"/>' for i in range(1, count + 1))
    document = f'<?xml version="1.0"?><opml version="2.0"><body>{opml}</body></opml>'
    done = run_monitor("feeds", "import-opml", "-", env=env, cwd=cwd, input=document.encode())
    assert done.returncode == 0, done.stderr


def wait_for(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def stop(daemon: subprocess.Popen[str], sig: int = signal.SIGTERM) -> tuple[int, str]:
    daemon.send_signal(sig)
    _, err = daemon.communicate(timeout=30)
    return daemon.returncode, err


def test_poll_once_polls_due_feeds_then_nothing(
    farm: Farm, database_url: str, tmp_path: Path
) -> None:
    env = monitor_env(database_url, batch_size="4")  # a round claims several batches
    add_feeds(farm, 10, env, tmp_path)
    first = run_monitor("poll", "--once", env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "feeds=10 new_entries=30" in first.stdout
    again = run_monitor("poll", "--once", env=env, cwd=tmp_path)
    assert "feeds=0 new_entries=0" in again.stdout  # nothing is due for 15 minutes
    forced = run_monitor("poll", "--once", "--all", env=env, cwd=tmp_path)
    assert "feeds=10 new_entries=0" in forced.stdout
    listed = run_monitor("feeds", "list", "--json", env=env, cwd=tmp_path)
    feeds = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(feeds) == 10 and all(
        f["last_status"] == 200 and f["error_count"] == 0 for f in feeds
    )


def test_errors_back_off_and_only_gone_disables(
    farm: Farm, database_url: str, tmp_path: Path
) -> None:
    env = monitor_env(database_url)
    add_feeds(farm, 5, env, tmp_path)
    farm.answers = {
        1: (429, {"Retry-After": "3600"}),
        2: (503, {}),
        3: (500, {}),
        4: (410, {}),
        5: (301, {"Location": farm.url(6)}),
    }
    for _ in range(4):  # Miniflux stops polling after three errors; monitor never does
        done = run_monitor("poll", "--once", "--all", env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    listed = run_monitor("feeds", "list", "--json", env=env, cwd=tmp_path)
    feeds = {f["id"]: f for f in map(json.loads, listed.stdout.splitlines())}
    assert [feeds[i]["enabled"] for i in (1, 2, 3, 4)] == [True, True, True, False]
    assert [feeds[i]["error_count"] for i in (1, 2, 3)] == [4, 4, 4]
    assert "http_429" in feeds[1]["last_error"] and "http_503" in feeds[2]["last_error"]
    assert "410" in feeds[4]["disabled_reason"]
    assert feeds[5]["url"] == farm.url(6) and feeds[5]["error_count"] == 0  # moved for good
    assert farm.hits["/feed/4.xml"] == 1  # a gone feed is not polled again
    retry = datetime.fromisoformat(feeds[1]["next_poll_at"]) - datetime.now(UTC)
    assert retry > timedelta(minutes=50)  # Retry-After honoured


def test_sigterm_stops_gracefully(farm: Farm, database_url: str, tmp_path: Path) -> None:
    env = monitor_env(database_url, poll_tick="0.3", log_format="json")
    add_feeds(farm, 5, env, tmp_path)
    daemon = start_daemon(env, tmp_path)
    wait_for(lambda: len(farm.hits) == 5, 30)
    code, err = stop(daemon)
    assert code == 0, err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    polls = [e for e in events if e["msg"] == "poll"]
    assert sorted(p["feed"] for p in polls) == [1, 2, 3, 4, 5]
    assert all(p["status"] == 200 and p["new"] == 3 for p in polls)
    assert events[-1]["msg"] == "stopped" and "released_leases" in events[-1]


def test_two_daemons_never_poll_a_feed_twice(farm: Farm, database_url: str, tmp_path: Path) -> None:
    farm.delay = 0.05
    env = monitor_env(database_url, poll_tick="0.2", batch_size="4", log_format="json")
    add_feeds(farm, 40, env, tmp_path)
    daemons = [start_daemon(env, tmp_path), start_daemon(env, tmp_path)]
    wait_for(lambda: len(farm.hits) == 40, 60)
    time.sleep(1.0)  # a second round would show up as a second hit
    results = [stop(d) for d in daemons]
    assert all(code == 0 for code, _ in results), results
    assert set(farm.hits.values()) == {1}
    polled_by = [
        sum(
            1
            for line in err.splitlines()
            if line.startswith("{") and json.loads(line)["msg"] == "poll"
        )
        for _, err in results
    ]
    assert sum(polled_by) == 40
    assert all(n > 0 for n in polled_by), polled_by  # both took part


def test_tells_systemd_ready_and_pings_the_watchdog(
    farm: Farm, database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(path))
        listener.settimeout(20)
        env = monitor_env(database_url, poll_tick="0.3")
        env |= {"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000000"}
        add_feeds(farm, 1, env, tmp_path)
        daemon = start_daemon(env, tmp_path)
        try:
            seen: set[str] = set()
            while not {"READY=1", "WATCHDOG=1", "STATUS=round"} <= seen:
                for field in listener.recv(4096).decode().split("\n"):
                    seen.add(field.split(" ")[0] if field.startswith("STATUS=round") else field)
        finally:
            code, err = stop(daemon)
        assert code == 0, err


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for an init that may never reap it)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal is Linux's")
def test_a_killed_daemon_leaves_no_parse_workers(
    farm: Farm, database_url: str, tmp_path: Path
) -> None:
    # workers start with the first body to parse, and at least two, on any machine
    env = monitor_env(database_url, poll_tick="0.3", parse_inline_bytes="0", parse_workers="2")
    add_feeds(farm, 3, env, tmp_path)
    daemon = start_daemon(env, tmp_path)
    wait_for(lambda: len(farm.hits) == 3 and len(children_of(daemon.pid)) >= 2, 30)
    workers = children_of(daemon.pid)
    daemon.kill()
    daemon.wait(timeout=10)
    wait_for(lambda: not any(map(running, workers)), 10)
    daemon.communicate(timeout=10)  # the workers held its pipes; they are closed now


def test_a_flawed_feed_keeps_its_entries_and_the_warning(
    farm: Farm, database_url: str, tmp_path: Path
) -> None:
    env = monitor_env(database_url)
    add_feeds(farm, 1, env, tmp_path)
    farm.bodies[1] = rss(1).replace(b"Markets were calm", b"Markets &nbsp; were calm")
    done = run_monitor("poll", "--once", env=env, cwd=tmp_path)
    assert "new_entries=3" in done.stdout, done.stderr
    listed = run_monitor("feeds", "list", "--json", env=env, cwd=tmp_path)
    (feed,) = map(json.loads, listed.stdout.splitlines())
    assert feed["error_count"] == 0 and feed["last_error"].startswith("warning: ")
