"""The contenders of the poll benchmark, each run in a child process of `poll.py`.

A child runs one contender's three rounds against the farm (the first poll, the all-304
round, a round after some feeds gained an entry), then times the contender's start-up
alone, and prints everything as one JSON line.
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from resource import RUSAGE_CHILDREN, RUSAGE_SELF
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

ROUNDS = ("first", "304", "5%")
KINDS = ("monitor", "monitor-1cpu", "reader", "bare")
STARTUP_RUNS = 3
MONITOR_PACKAGE = str(Path(__file__).resolve().parents[1] / "monitor")


class BenchError(Exception):
    """A contender could not run its rounds; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Round:
    seconds: float
    ok: int  # 200 responses the farm served in the round
    not_modified: int  # 304 responses
    new_entries: int  # what the contender says it found (bare: entries parsed)
    inner_seconds: float | None = None  # the round as the contender timed it, if it says
    cpu_seconds: float = 0.0  # user + system, of the contender and its child processes


@dataclass(frozen=True, slots=True)
class StartupProbe:
    """A fresh process that starts the contender and polls nothing. The parent times it
    once the rounds are over, so that it counts towards no round and no memory figure."""

    command: list[str]
    env: dict[str, str] | None = None
    one_cpu: bool = False


# a contender's rounds, a note for the table, and how to time its start-up
Contended = tuple[list[Round], str, StartupProbe]


def feed_urls(farm_url: str) -> list[str]:
    with urllib.request.urlopen(farm_url + "/feeds.opml", timeout=30) as response:
        root = ET.fromstring(response.read())
    return [outline.attrib["xmlUrl"] for outline in root.iter("outline")]


def farm_call(farm_url: str, path: str, method: str = "GET") -> dict[str, Any]:
    request = urllib.request.Request(farm_url + path, method=method)
    with urllib.request.urlopen(request, timeout=30) as response:
        reply: dict[str, Any] = json.loads(response.read())
        return reply


def timed_rounds(
    farm_url: str, fraction: float, poll: Callable[[], tuple[int, float | None]]
) -> list[Round]:
    """Run `poll` three times, advancing the farm before the third; time each call.
    `poll` returns the new entries and, if it knows, its own time for the round."""
    rounds = []
    for name in ROUNDS:
        if name == "5%":
            farm_call(farm_url, f"/advance?fraction={fraction}", "POST")
        before = farm_call(farm_url, "/stats")
        cpu, started = cpu_time(), time.perf_counter()
        new_entries, inner = poll()
        seconds, cpu = time.perf_counter() - started, cpu_time() - cpu
        after = farm_call(farm_url, "/stats")
        ok, not_modified = (after[k] - before[k] for k in ("ok", "not_modified"))
        rounds.append(Round(seconds, ok, not_modified, new_entries, inner, cpu))
    return rounds


def cpu_time() -> float:
    """CPU seconds of this process and of the children it has waited for."""
    own, children = (resource.getrusage(who) for who in (RUSAGE_SELF, RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_bare(farm_url: str, fraction: float) -> Contended:
    """The lower bound: one thread, httpx GET with If-None-Match, feedparser on the bytes."""
    import feedparser
    import httpx

    urls = feed_urls(farm_url)
    etags: dict[str, str] = {}

    def poll() -> tuple[int, None]:
        parsed = 0
        for url in urls:
            headers = {"If-None-Match": etags[url]} if url in etags else {}
            response = client.get(url, headers=headers)
            if response.status_code == 304:
                continue
            response.raise_for_status()
            parsed += len(feedparser.parse(response.content).entries)
            if etag := response.headers.get("ETag"):
                etags[url] = etag
        return parsed, None

    with httpx.Client(timeout=30) as client:
        rounds = timed_rounds(farm_url, fraction, poll)
    script = "import feedparser, httpx; httpx.Client().close()"
    return rounds, "", StartupProbe([sys.executable, "-c", script])


def run_reader(farm_url: str, fraction: float, workdir: Path, workers: int) -> Contended:
    from reader import make_reader

    database = str(workdir / "reader.sqlite")
    reader = make_reader(database)
    for url in feed_urls(farm_url):
        reader.add_feed(url)

    def poll() -> tuple[int, None]:
        new, errors = 0, []
        for result in reader.update_feeds_iter(scheduled=False, workers=workers):
            if isinstance(result.value, Exception):
                errors.append(f"{result.url}: {result.value}")
            elif result.value is not None:
                new += result.value.new
        if errors:
            raise BenchError(f"reader failed on {len(errors)} feeds, first {errors[0]}")
        return new, None

    with reader:
        rounds = timed_rounds(farm_url, fraction, poll)
    script = f"from reader import make_reader; make_reader({database!r}).close()"
    return rounds, f"workers={workers}", StartupProbe([sys.executable, "-c", script])


def run_checked(
    command: list[str],
    *,
    env: dict[str, str] | None,
    what: str,
    preexec_fn: Callable[[], None] | None = None,
) -> str:
    """stdout of `command`; a BenchError naming `what` and the last line it printed if it
    fails."""
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, check=False, preexec_fn=preexec_fn
    )
    if done.returncode != 0:
        lines = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()
        raise BenchError(f"{what} exited {done.returncode}: {lines[-1]}")
    return done.stdout


def monitor_cli(*args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "monitor", *args]
    return run_checked(command, env=env, what=f"`monitor {' '.join(args)}`")


def run_monitor(
    farm_url: str, fraction: float, workdir: Path, one_cpu: bool, extra_env: dict[str, str]
) -> Contended:
    """`monitor poll --once --all` as a user runs it: a fresh CLI process per round."""
    env = dict(os.environ)
    env |= {
        "MONITOR_DATABASE_URL": f"sqlite:///{workdir / 'monitor.db'}",
        "MONITOR_PER_HOST_CONCURRENCY": "16",  # the farm is one host standing in for many
        "MONITOR_ALERT_URLS": "",
    }
    if one_cpu:
        # the CLI inherits the affinity, and on one CPU it starts no parse worker
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    env |= extra_env
    opml = workdir / "feeds.opml"
    with urllib.request.urlopen(farm_url + "/feeds.opml", timeout=30) as response:
        opml.write_bytes(response.read())
    # pip leaves compiled modules behind for reader and bare; an editable install of monitor
    # where Python may not write bytecode (PYTHONDONTWRITEBYTECODE) would compile every start
    subprocess.run([sys.executable, "-m", "compileall", "-q", MONITOR_PACKAGE], check=True)
    monitor_cli("db", "upgrade", env=env)
    monitor_cli("feeds", "import-opml", str(opml), env=env)

    def poll() -> tuple[int, float]:
        summary = monitor_cli("poll", "--once", "--all", env=env)
        new = re.search(r"\bnew_entries=(\d+)", summary)
        seconds = re.search(r"\bseconds=([\d.]+)", summary)
        if new is None or seconds is None:
            raise BenchError(f"no summary from `monitor poll`: {summary.strip()[:200]!r}")
        return int(new.group(1)), float(seconds.group(1))

    rounds = timed_rounds(farm_url, fraction, poll)
    inner = " ".join(
        f"{name}={r.inner_seconds:.2f}s" for name, r in zip(ROUNDS, rounds, strict=True)
    )
    empty = env | {"MONITOR_DATABASE_URL": f"sqlite:///{workdir / 'empty.db'}"}
    monitor_cli("db", "upgrade", env=empty)
    command = [sys.executable, "-m", "monitor", "poll", "--once"]
    return rounds, f"in-process {inner}", StartupProbe(command, empty, one_cpu)


def startup_seconds(probe: StartupProbe) -> float:
    """The median wall time of the probe's command in a fresh process: the interpreter, the
    imports, opening the store, and (for monitor) a poll that finds no feed."""

    def pin() -> None:
        if probe.one_cpu:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    times = []
    for _ in range(STARTUP_RUNS):
        started = time.perf_counter()
        run_checked(probe.command, env=probe.env, what="the start-up command", preexec_fn=pin)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def work(args: argparse.Namespace) -> int:
    """The child's side: run one contender's rounds, print them as one JSON line."""
    workdir = Path(args.workdir)
    kind = args.worker
    try:
        if kind == "bare":
            rounds, note, probe = run_bare(args.farm, args.fraction)
        elif kind == "reader":
            workers = args.reader_workers[0]
            rounds, note, probe = run_reader(args.farm, args.fraction, workdir, workers)
        else:
            extra = dict(item.split("=", 1) for item in args.monitor_env)
            one_cpu = kind == "monitor-1cpu"
            rounds, note, probe = run_monitor(args.farm, args.fraction, workdir, one_cpu, extra)
    except BenchError as exc:
        print(json.dumps({"error": str(exc)}))
        return 1
    reply = {"rounds": [asdict(r) for r in rounds], "note": note, "startup": asdict(probe)}
    print(json.dumps(reply))
    return 0
