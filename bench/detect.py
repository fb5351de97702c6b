"""Entries per second through `detect()` on one core, over ~5% relevant, ~95% unrelated news.

    python bench/detect.py [--entries 20000] [--runs 5] [--profile 15] [--compare DIR]

Prints the median rate of several runs and the top items of a cProfile of one run.
The news is generated from templates with a fixed seed, so runs compare.

`--compare DIR` times another checkout of the project side by side with this one (e.g. the
last release: `git worktree add --detach ../monitor-base v0.1`): every run starts a fresh
process per version, the versions take turns, and the medians are printed next to each other.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

COUNTRIES = ["Russia", "Poland", "Finland", "Georgia", "Kazakhstan", "Armenia", "Sudan", "Chad"]
PEOPLE = ["Russians", "Ukrainians", "Sudanese", "Afghans", "Venezuelans", "Syrians"]
RELEVANT = [
    "{c} has called up {n:,} reservists, the defence ministry said on {d}.",
    "More than {n:,} {p} have crossed into {c2} since the start of the month, officials said.",
    "{c} closed its border with {c2} on {d}, citing security concerns.",
    "<p>About {n:,} {p} fled to {c2} last week.</p><p>Queues stretched for {k} km.</p>",
    "{c} will reopen two crossings with {c2} from {d}, the interior ministry said.",
]
# Unrelated news often names countries and uses words that trigger words share ("left",
# "remain", "received", "entry"): these pass the keyword gate and are read in full.
UNRELATED = [
    "Shares in the carmaker rose {k}% on {d} after it reported record quarterly profit.",
    "{c}'s prime minister left for a summit in {c2} on {d} and will remain there for talks.",
    "The {c} team received a warm welcome after a {k}-1 win, with entry free for {n:,} fans.",
    "Exports from {c} to {c2} grew {k}% last year, the trade ministry said on {d}.",
    "{c} hosts the film festival this year; {n:,} tickets were sold in {k} hours.",
    "The home side won {k}-1 in front of {n:,} fans, and the coach said the team had left "
    "nothing on the pitch.",
    "The central bank left interest rates unchanged at {k}% and said inflation would remain "
    "above target until next year.",
    "A new smartphone with a {k}-megapixel camera goes on sale on {d} for ${n:,}.",
    "Heavy rain is expected across the region on {d}, with up to {k} cm in the hills.",
    "The museum received {n:,} visitors in its first month, the director said.",
    "The company said it would hire {n:,} workers at its new plant by the end of the year.",
    "Researchers published a study of {n:,} patients showing the drug cut the risk by {k}%.",
    "The film took ${n:,} at the box office in its opening weekend, the studio said.",
    "Lawmakers debated the budget for {k} hours before the vote on {d}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_entries(count: int, seed: int = 7) -> list[tuple[str, str]]:
    rnd = random.Random(seed)
    entries = []
    for _ in range(count):
        pool = RELEVANT if rnd.random() < 0.05 else UNRELATED
        values = {
            "c": rnd.choice(COUNTRIES),
            "c2": rnd.choice(COUNTRIES),
            "p": rnd.choice(PEOPLE),
            "n": rnd.randrange(1000, 900000),
            "k": rnd.randrange(2, 60),
            "d": rnd.choice(DAYS),
        }
        first, second = rnd.sample(pool, 2)
        summary = first.format(**values) + " " + second.format(**values)
        entries.append((summary.split(",")[0][:70], summary))
    return entries


def _detector() -> Callable[..., Any]:
    from monitor.detect import detect  # imported here: a worker may import another checkout

    return detect


def run_once(entries: list[tuple[str, str]]) -> tuple[float, float, int]:
    """(entries per wall second, entries per CPU second of this process, events)."""
    detect = _detector()
    published = date(2024, 3, 1)
    wall, cpu = time.perf_counter(), time.process_time()
    events = 0
    for title, summary in entries:
        events += len(detect(title, summary, published).events)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(entries) / wall, len(entries) / cpu, events


def measure(entries: list[tuple[str, str]], runs: int) -> dict[str, Any]:
    run_once(entries[:200])  # lexicons, automaton and patterns built once, before timing
    rates, cpu_rates, events = [], [], 0
    for _ in range(runs):
        rate, cpu_rate, events = run_once(entries)
        rates.append(rate)
        cpu_rates.append(cpu_rate)
    return {"wall": rates, "cpu": cpu_rates, "events": events}


def _in_fresh_process(code: Path, entries: int) -> dict[str, Any]:
    """One timed run of the checkout at `code`, in a process that imports only that one."""
    here = Path(__file__).resolve()
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(code), sysconfig.get_paths()["purelib"]])
    )
    # -S: no site hooks, so an editable install of this checkout cannot shadow `code`
    command = [sys.executable, "-S", str(here), "--worker", "--entries", str(entries)]
    out = subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def compare(other: Path, entries: int, runs: int) -> None:
    versions = {"this": Path(__file__).resolve().parent.parent, "other": other.resolve()}
    rates: dict[tuple[str, str], list[float]] = {}
    events: dict[str, int] = {}
    names = list(versions)
    for i in range(runs):
        for name in names[i % 2 :] + names[: i % 2]:  # take turns, so noise hits both alike
            result = _in_fresh_process(versions[name], entries)
            for key in ("wall", "cpu"):
                rates.setdefault((name, key), []).extend(result[key])
            events[name] = result["events"]
    print(f"entries={entries} runs={runs} (each in a fresh process, versions taking turns)")
    for (name, key), series in rates.items():
        print(
            f"{name:5} {key:4}: median {statistics.median(series):8,.0f} entries/s "
            f"(min {min(series):,.0f}, max {max(series):,.0f})  events={events[name]}"
            f"  {versions[name].name}"
        )


def report(entries: list[tuple[str, str]], runs: int, rows: int) -> None:
    found = measure(entries, runs)
    print(f"entries={len(entries)} runs={runs} events={found['events']}")
    for name in ("wall", "cpu"):
        rates = found[name]
        print(
            f"{name}: median {statistics.median(rates):,.0f} entries/s "
            f"(min {min(rates):,.0f}, max {max(rates):,.0f})"
        )
    if rows:
        profiler = cProfile.Profile()
        profiler.runcall(run_once, entries)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(rows)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=int, default=15, help="profile rows to print")
    parser.add_argument("--compare", type=Path, help="another checkout to time side by side")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.compare:
        compare(args.compare, args.entries, args.runs)
        return
    entries = make_entries(args.entries)
    if args.worker:
        print(json.dumps(measure(entries, 1)))
        return
    report(entries, args.runs, args.profile)


if __name__ == "__main__":
    main()
