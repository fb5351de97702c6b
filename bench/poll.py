"""Time a poll of a local feed farm: monitor against reader and a bare fetch + parse loop.

    python bench/poll.py                      # 1,000 feeds x 20 entries, 3 repetitions
    python bench/poll.py --feeds 50 --entries 5 --repeat 1    # a smoke run

Each contender runs its three rounds in a fresh child process, against a freshly reset
farm: the first poll, the all-304 round, and a round after 5% of the feeds gained an
entry. Contenders take turns within each repetition, so machine noise hits all alike;
the table shows medians. Peak RSS is the largest process of the contender's tree
(getrusage via wait4, children included); "tree" is the sampled sum over the tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from contenders import KINDS, ROUNDS, BenchError, Round, StartupProbe, startup_seconds, work

if TYPE_CHECKING:
    from farm import Farm

DEFAULT_READER_WORKERS = 4
PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True, slots=True)
class Run:
    rounds: tuple[Round, ...]
    peak_rss_mb: float
    tree_rss_mb: float
    note: str = ""
    startup_seconds: float | None = None  # a fresh process that polls nothing


@dataclass(slots=True)
class Outcome:
    runs: list[Run] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def median(self, index: int, of: str = "seconds") -> float | None:
        """The median over the runs of one round's `seconds`, `inner_seconds` or
        `cpu_seconds`; None when no run has it."""
        values = [v for run in self.runs if (v := getattr(run.rounds[index], of)) is not None]
        return statistics.median(values) if values else None

    def median_inner(self, index: int) -> float | None:
        return self.median(index, "inner_seconds")

    def median_cpu(self, index: int) -> float | None:
        return self.median(index, "cpu_seconds")

    def median_startup(self) -> float | None:
        values = [run.startup_seconds for run in self.runs if run.startup_seconds is not None]
        return statistics.median(values) if values else None

    def median_as_command(self, index: int) -> float | None:
        """A peer's round plus its start-up: what a command that runs one round would take
        (monitor's rounds are such commands already, so only the peers are asked)."""
        seconds, startup = self.median(index), self.median_startup()
        if seconds is None or startup is None:
            return None
        return seconds + startup


# --- the parent side: run the children, measure their memory, print the table -----------


def tree_rss(root: int, include_root: bool) -> int:
    """Resident bytes of `root`'s descendants, and its own if asked, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, total = {root}, 0
    for pid in sorted(parents):  # children have higher pids, except after pid wrap-around
        if parents[pid] in tree:
            tree.add(pid)
    if not include_root:
        tree.discard(root)
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except OSError:
            continue
    return total


@contextmanager
def sample_tree_rss(root: int, include_root: bool, every: float = 0.1) -> Iterator[list[int]]:
    """Sample the tree's RSS in a thread; the list holds the peak in bytes."""
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(every):
            peak[0] = max(peak[0], tree_rss(root, include_root))

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def run_contender(name: str, farm: Farm, args: argparse.Namespace) -> Run:
    kind, _, workers = name.partition("-w")
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, "--farm", farm.url]
    command += [f"--fraction={args.fraction}", f"--reader-workers={workers or '1'}"]
    command += [f"--monitor-env={item}" for item in args.monitor_env]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out, err = Path(tmp, "stdout"), Path(tmp, "stderr")
        with out.open("w") as stdout, err.open("w") as stderr:
            command += ["--workdir", tmp]
            process = subprocess.Popen(
                command, stdout=stdout, stderr=stderr, start_new_session=True
            )
            # monitor's worker only starts the CLI: its own memory is the harness's, not monitor's
            with sample_tree_rss(process.pid, not kind.startswith("monitor")) as tree_peak:
                status, usage = wait_for(process)
        lines = out.read_text().strip().splitlines()
        reply = json.loads(lines[-1]) if lines else {}
        if "rounds" not in reply:
            tail = err.read_text().strip().splitlines()
            raise BenchError(reply.get("error") or (tail[-1] if tail else "no output"))
        startup = startup_seconds(StartupProbe(**reply["startup"]))  # the workdir still exists
    rounds = tuple(Round(**r) for r in reply["rounds"])
    peak = usage.ru_maxrss / 1024  # KiB on Linux
    tree = max(tree_peak[0] / 2**20, peak)
    return Run(rounds, peak, tree, reply["note"], startup)


def wait_for(process: subprocess.Popen[bytes]) -> tuple[int, resource.struct_rusage]:
    """Wait for the worker and return its status and rusage (children included); if we
    are interrupted, stop its whole process group, CLI and parse workers too."""
    try:
        _, status, usage = os.wait4(process.pid, 0)
    except BaseException:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    return status, usage


def contender_names(args: argparse.Namespace) -> list[str]:
    names = []
    for kind in args.only:
        if kind != "reader" or len(args.reader_workers) == 1:
            names.append(kind if kind != "reader" else f"reader-w{args.reader_workers[0]}")
        else:
            names += [f"reader-w{w}" for w in args.reader_workers]
    return names


def run_all(args: argparse.Namespace) -> dict[str, Outcome]:
    from farm import Farm  # not in the workers: aiohttp would count towards their memory

    names = contender_names(args)
    outcomes = {name: Outcome() for name in names}
    with Farm(args.feeds, args.entries, args.seed) as farm:
        for repetition in range(args.repeat):
            shift = repetition % len(names)
            for name in names[shift:] + names[:shift]:
                farm.reset()
                prefix = f"[{repetition + 1}/{args.repeat}] {name}:"
                try:
                    run = run_contender(name, farm, args)
                except BenchError as exc:
                    outcomes[name].failures.append(str(exc))
                    say(f"{prefix} FAILED: {exc}")
                    continue
                outcomes[name].runs.append(run)
                say(f"{prefix} {describe(run)}")
    return outcomes


def describe(run: Run) -> str:
    times = [f"{name}={r.seconds:.2f}s" for name, r in zip(ROUNDS, run.rounds, strict=True)]
    return " ".join(times) + f" rss={run.peak_rss_mb:.0f}MB tree={run.tree_rss_mb:.0f}MB"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def speedups(outcomes: dict[str, Outcome]) -> dict[str, list[float | None]]:
    """monitor's speed-up over the best reader and over bare, per round, three ways:

    - "monitor vs X": monitor's whole CLI command against X's round inside a warm process;
    - "... as commands": both as a command that starts, runs one round and exits (X's round
      plus its measured start-up);
    - "monitor in-process vs X": both rounds inside a warm process (monitor's `seconds=`).
    """
    readers = [name for name in outcomes if name.startswith("reader")]
    result: dict[str, list[float | None]] = {}
    views = [("", "median", "median"), (" as commands", "median", "median_as_command")]
    views.append((" in-process", "median_inner", "median"))
    for mine in ("monitor", "monitor-1cpu"):
        if mine not in outcomes:
            continue
        for suffix, our_way, their_way in views:
            ours = getattr(outcomes[mine], our_way)
            for label, others in (("reader (best)", readers), ("bare", ["bare"])):
                ratios: list[float | None] = []
                for index in range(len(ROUNDS)):
                    theirs = [
                        t for o in others if o in outcomes
                        if (t := getattr(outcomes[o], their_way)(index))
                    ]  # fmt: skip
                    mine_seconds = ours(index)
                    ratios.append(min(theirs) / mine_seconds if theirs and mine_seconds else None)
                if any(ratio is not None for ratio in ratios):
                    name = f"{mine} in-process" if suffix == " in-process" else mine
                    result[f"{name} vs {label}{'' if suffix == ' in-process' else suffix}"] = ratios
    return result


def report(outcomes: dict[str, Outcome], args: argparse.Namespace) -> dict[str, Any]:
    contenders = {}
    for name, outcome in outcomes.items():
        contenders[name] = {
            "median_seconds": dict(zip(ROUNDS, map(outcome.median, range(3)), strict=True)),
            "median_inner_seconds": dict(
                zip(ROUNDS, map(outcome.median_inner, range(3)), strict=True)
            ),
            "median_cpu_seconds": dict(zip(ROUNDS, map(outcome.median_cpu, range(3)), strict=True)),
            "peak_rss_mb": max((r.peak_rss_mb for r in outcome.runs), default=None),
            "tree_rss_mb": max((r.tree_rss_mb for r in outcome.runs), default=None),
            "median_startup_seconds": outcome.median_startup(),
            "runs": [asdict(r) for r in outcome.runs],
            "failures": outcome.failures,
        }
    setup = {k: getattr(args, k) for k in ("feeds", "entries", "repeat", "fraction", "seed")}
    setup |= {"cpus": os.cpu_count(), "python": platform.python_version()}
    setup |= {"reader": version("reader"), "feedparser": version("feedparser")}
    setup["commit"] = source_commit()
    ratios = {k: dict(zip(ROUNDS, v, strict=True)) for k, v in speedups(outcomes).items()}
    return {"setup": setup, "contenders": contenders, "speedup": ratios}


def source_commit() -> str | None:
    """The commit of the code measured, marked `+dirty` with uncommitted changes."""
    here = Path(__file__).resolve().parent
    try:
        head = subprocess.run(
            ["git", "-C", str(here), "describe", "--always", "--dirty=+dirty"],
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return head.stdout.strip() or None


def print_table(result: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    setup = result["setup"]
    title = (
        f"{setup['feeds']} feeds x {setup['entries']} entries, median of {setup['repeat']}, "
        f"{setup['cpus']} CPUs, reader {setup['reader']}, monitor at {setup['commit']}"
    )
    table = Table(title=title)
    columns = ["contender", "first s", "304 s", "5% s", "start-up s", "peak RSS MB"]
    columns.append("tree RSS MB")
    for column in columns + [f"{r} CPU s" for r in ROUNDS]:
        table.add_column(column, justify="left" if column == "contender" else "right")
    for name, data in result["contenders"].items():
        cells = [fmt(data["median_seconds"][r], "{:.2f}") for r in ROUNDS]
        cells += [fmt(data["median_startup_seconds"], "{:.2f}")]
        cells += [fmt(data["peak_rss_mb"], "{:.0f}"), fmt(data["tree_rss_mb"], "{:.0f}")]
        cells += [fmt(data["median_cpu_seconds"][r], "{:.1f}") for r in ROUNDS]
        table.add_row(name, *cells)
        inner = data["median_inner_seconds"]
        if any(inner[r] is not None for r in ROUNDS):
            table.add_row(f"  {name} in-process", *(fmt(inner[r], "{:.2f}") for r in ROUNDS))
    table.add_section()
    for label, ratios in result["speedup"].items():
        table.add_row(label, *(fmt(ratios[r], "{:.1f}x") for r in ROUNDS))
    console = Console(width=None if sys.stdout.isatty() else 170)
    console.print(table)
    for line in verdicts(result["speedup"]):
        console.print(line, highlight=False)
    console.print("what each round did (200s/304s/new entries, last run):")
    for name, data in result["contenders"].items():
        console.print(f"  {name}: {checks(data)}", highlight=False)


def verdicts(speedup: dict[str, dict[str, float | None]]) -> list[str]:
    """The targets: 3x reader on the first and the 304 round, and no slower than bare; for
    each way of comparing."""
    lines = []
    targets = [("reader (best)", ("first", "304"), 3.0), ("bare", ROUNDS, 1.0)]
    views = (("monitor", ""), ("monitor", " as commands"), ("monitor in-process", ""))
    for label, rounds, target in (
        (f"{mine} vs {peer}{suffix}", rounds, target)
        for mine, suffix in views
        for peer, rounds, target in targets
    ):
        ratios = speedup.get(label)
        if ratios is None:
            continue
        got = [ratios[r] for r in rounds]
        met = all(r is not None and r >= target for r in got)
        shown = ", ".join(
            f"{name} {fmt(r, '{:.1f}x')}" for name, r in zip(rounds, got, strict=True)
        )
        lines.append(f"target {label} >= {target:.0f}x: {shown}: {'met' if met else 'NOT met'}")
    return lines


def fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def checks(data: dict[str, Any]) -> str:
    """What the last run did per round, and its note; or why it failed."""
    if not data["runs"]:
        return "FAILED: " + (data["failures"][-1] if data["failures"] else "no runs")
    last = data["runs"][-1]
    done = ", ".join(
        f"{name} {r['ok']}/{r['not_modified']}/{r['new_entries']}"
        for name, r in zip(ROUNDS, last["rounds"], strict=True)
    )
    return f"{done}  {last['note']}".rstrip()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", type=names_list, default=list(KINDS), help=",".join(KINDS))
    parser.add_argument(
        "--reader-workers",
        type=ints_list,
        default=[DEFAULT_READER_WORKERS],
        help="reader's worker threads; a list (1,4,8,16) runs each side by side",
    )
    parser.add_argument("--fraction", type=float, default=0.05, help="feeds that gain an entry")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--monitor-env", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--json", action="store_true", help="print the result as JSON on stdout")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--farm", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.entries < 1 or args.repeat < 1:
        parser.error("--feeds, --entries and --repeat must be at least 1")
    if not 0 < args.fraction <= 1:
        parser.error("--fraction must lie in (0, 1]")
    if any("=" not in item for item in args.monitor_env):
        parser.error("--monitor-env takes KEY=VALUE")
    return args


def names_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = sorted(set(names) - set(KINDS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from {','.join(KINDS)}, not {','.join(unknown)}")
    return list(dict.fromkeys(names))


def ints_list(text: str) -> list[int]:
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("worker counts must be at least 1")
    return list(dict.fromkeys(values))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.worker:
        return work(args)
    # SIGTERM unwinds like Ctrl-C, so the farm and the running contender are stopped too
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        result = report(run_all(args), args)
    except RuntimeError as exc:
        say(f"Error: {exc}")
        return 1
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result)
    return 0 if all(c["runs"] for c in result["contenders"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
