"""Entries per second through `detect()` on one core, over ~5% relevant, ~95% unrelated news.

    python bench/detect.py [--entries 20000] [--runs 5] [--profile 15]

Prints the median rate of several runs and the top items of a cProfile of one run.
The news is generated from templates with a fixed seed, so runs compare.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import statistics
import time
from datetime import date

from monitor.detect import detect

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


def run_once(entries: list[tuple[str, str]]) -> tuple[float, float, int]:
    """(entries per wall second, entries per CPU second of this process, events)."""
    published = date(2024, 3, 1)
    wall, cpu = time.perf_counter(), time.process_time()
    events = 0
    for title, summary in entries:
        events += len(detect(title, summary, published).events)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(entries) / wall, len(entries) / cpu, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--profile", type=int, default=15, help="profile rows to print")
    args = parser.parse_args()
    entries = make_entries(args.entries)
    run_once(entries[:200])  # lexicons, automaton and patterns built once, before timing
    rates, cpu_rates = [], []
    for _ in range(args.runs):
        rate, cpu_rate, events = run_once(entries)
        rates.append(rate)
        cpu_rates.append(cpu_rate)
    print(f"entries={args.entries} runs={args.runs} events={events}")
    for name, found in (("wall", rates), ("cpu", cpu_rates)):
        print(
            f"{name}: median {statistics.median(found):,.0f} entries/s "
            f"(min {min(found):,.0f}, max {max(found):,.0f})"
        )
    profiler = cProfile.Profile()
    profiler.runcall(run_once, entries)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.profile)
    print(out.getvalue())


if __name__ == "__main__":
    main()
