"""Time the history CLI's queries on a large database: 1M events by default.

    python bench/query.py                                 # 1M events, fresh SQLite file
    python bench/query.py --events 100000 --repeat 3      # a smoke run
    python bench/query.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench
    python bench/query.py --database-url sqlite:///big.db --reuse   # time again, no refill

The database is migrated to head (so it has every index the migrations add), then filled
with core INSERTs in big batches: feeds, entries (one per two events), events spread over
~60 countries (a few large, a long tail), 3 kinds and 2 years, the indicators of those
series and one observation (a reading in `monitor history`) per event. Then it times the
store functions the CLI calls, each in a fresh read-only transaction as the CLI opens it
(median of --repeat runs), and one end-to-end run of each command in a new process.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, event, func, insert, select, text

from monitor.model import EventKind, IndicatorKey
from monitor.store import entries as store_entries
from monitor.store import events as store_events
from monitor.store import indicators as store_indicators
from monitor.store.db import connect, redact_url, transaction, upgrade_schema
from monitor.store.tables import (
    EntryRow,
    EventRow,
    FeedRow,
    IndicatorRow,
    ObservationRow,
)

START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=730)
END = START + SPAN
BATCH = 20_000
FEEDS = 600
# A few countries report most; a long tail reports little (weights ~ 1 / rank).
COUNTRIES = (
    "RU UA IL PS BY IR SY AF VE SD MM ET TR GE AM AZ KZ KG TJ UZ MD RS XK PL LT LV EE FI "
    "NO SE DE FR IT ES GR HU RO BG CN TW KP KR JP IN PK BD LK NG ML NE BF CD SO YE IQ LB LY "
    "EG TN DZ MA HT CU MX CO"
).split()
DESTINATIONS = ("EU", "GE", "KZ", "AM", "TR", "RS", "FI", "MN", "KG", "AE", "IL", "US")
KINDS = (
    (EventKind.EMIGRATION, 0.5),
    (EventKind.MOBILIZATION, 0.3),
    (EventKind.BORDER_CLOSURE, 0.2),
)
STATUSES = ("closed", "restricted", "reopened")
QUALIFIERS = ("exact", "approx", "at_least", "up_to")
OUTCOMES = (("corroborated", 55), ("changed", 12), ("below_threshold", 18), ("stale", 10),
            ("restated", 5))  # fmt: skip


def table(model: type[Any]) -> Table:
    found: Table = model.__table__
    return found


# --- the data -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One generated event, with what its entry and observation need."""

    id: int
    entry_id: int
    feed_id: int
    kind: EventKind
    country: str
    counterpart: str | None
    value: int | None
    qualifier: str | None
    status: str | None
    published: datetime


def generate(count: int, seed: int) -> Iterator[Row]:
    """`count` events, two per entry, spread as the module docstring says."""
    rng = random.Random(seed)
    weights = [1 / rank for rank in range(1, len(COUNTRIES) + 1)]
    kinds, kind_weights = zip(*KINDS, strict=True)
    for n in range(count):
        kind = rng.choices(kinds, kind_weights)[0]
        country = rng.choices(COUNTRIES, weights)[0]
        counterpart, value, qualifier, status = None, None, None, None
        if kind is EventKind.EMIGRATION:
            counterpart = rng.choice([d for d in DESTINATIONS if d != country])
        elif kind is EventKind.BORDER_CLOSURE:
            counterpart = rng.choice([c for c in COUNTRIES[:12] if c != country])
            status = rng.choice(STATUSES)
        if kind is not EventKind.BORDER_CLOSURE:
            value = int(rng.lognormvariate(9, 1.5))
            qualifier = rng.choice(QUALIFIERS)
        published = START + SPAN * rng.random()
        yield Row(n + 1, n // 2 + 1, n // 2 % FEEDS + 1, kind, country, counterpart, value,
                  qualifier, status, published)  # fmt: skip


def evidence(row: Row) -> str:
    what = f"{row.value:,} people" if row.value is not None else f"the border ({row.status})"
    return f"Officials in {row.country} reported {what} with {row.counterpart or 'no one'}."


def entry_values(row: Row) -> dict[str, Any]:
    return {
        "id": row.entry_id,
        "feed_id": row.feed_id,
        "guid": f"urn:bench:{row.entry_id}",
        "link": f"https://news{row.feed_id}.example/{row.entry_id}",
        "title": f"Story {row.entry_id}: {row.kind.value} in {row.country}",
        "summary": f"<p>{evidence(row)} More details follow in the full report.</p>",
        "published": row.published,
        "fetched_at": row.published + timedelta(minutes=7),
        "fingerprint": f"{row.entry_id:064x}",
        "content_hash": f"{row.entry_id:064x}",
    }


def event_values(row: Row) -> dict[str, Any]:
    return {
        "id": row.id,
        "entry_id": row.entry_id,
        "feed_id": row.feed_id,
        "kind": row.kind.value,
        "country": row.country,
        "counterpart": row.counterpart,
        "value": row.value,
        "unit": "people" if row.value is not None else None,
        "qualifier": row.qualifier,
        "status": row.status,
        "period_start": None,
        "period_end": None,
        "evidence": evidence(row),
        "confidence": 0.9,
        "published": row.published,
        "detected_at": row.published + timedelta(minutes=7),
    }


def series_key(row: Row) -> IndicatorKey:
    unit = None if row.kind is EventKind.BORDER_CLOSURE else "people"
    return IndicatorKey(row.kind, row.country, row.counterpart, unit)


class Series:
    """Indicator ids by key, handed out as the events come."""

    def __init__(self) -> None:
        self.ids: dict[IndicatorKey, int] = {}

    def id_of(self, key: IndicatorKey) -> tuple[int, bool]:
        known = key in self.ids
        if not known:
            self.ids[key] = len(self.ids) + 1
        return self.ids[key], not known


def observation_values(row: Row, indicator_id: int, first: bool, rng: random.Random) -> dict:
    outcome = "first_seen" if first else rng.choices(*zip(*OUTCOMES, strict=True))[0]
    return {
        "id": row.id,
        "indicator_id": indicator_id,
        "entry_id": row.entry_id,
        "ref": f"e{row.entry_id}",
        "outcome": outcome,
        "backs_current": outcome in ("first_seen", "changed", "corroborated"),
        "value": row.value,
        "qualifier": row.qualifier,
        "unit": "people" if row.value is not None else None,
        "status": row.status,
        "published": row.published,
        "observed_at": row.published + timedelta(minutes=7),
        "title": f"Story {row.entry_id}: {row.kind.value} in {row.country}",
        "link": f"https://news{row.feed_id}.example/{row.entry_id}",
        "evidence": evidence(row),
        "period_start": None,
        "period_end": None,
        "alert_id": None,
    }


# --- filling --------------------------------------------------------------------------------


def fill(engine: Engine, count: int, seed: int) -> float:
    """Insert everything in batches of BATCH rows; returns the seconds it took."""
    started = time.perf_counter()
    with engine.begin() as connection:
        feeds = [
            {"id": n, "url": f"https://news{n}.example/feed.xml", "title": f"News {n}",
             "enabled": True, "interval_seconds": 900, "next_poll_at": END, "error_count": 0,
             "created_at": START}
            for n in range(1, FEEDS + 1)
        ]  # fmt: skip
        connection.execute(insert(table(FeedRow)), feeds)
    series, rng, done = Series(), random.Random(seed + 1), 0
    batch: list[Row] = []
    with indexes_dropped(engine):
        for row in generate(count, seed):
            batch.append(row)
            if len(batch) >= BATCH:
                insert_batch(engine, batch, series, rng)
                done += len(batch)
                batch = []
                progress(done, count, started)
        insert_batch(engine, batch, series, rng)
    point_indicators(engine)
    finish(engine)
    return time.perf_counter() - started


@contextmanager
def indexes_dropped(engine: Engine) -> Iterator[None]:
    """Bulk-load without the big tables' secondary indexes, then build them again (the
    same indexes as the migrations make: they are the tables' own Index objects)."""
    indexes = [i for m in (EntryRow, EventRow, ObservationRow) for i in table(m).indexes]
    with engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    yield
    started = time.perf_counter()
    with engine.begin() as connection:
        for index in indexes:
            index.create(connection)
    print(
        f"  built {len(indexes)} indexes in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )


def insert_batch(engine: Engine, batch: list[Row], series: Series, rng: random.Random) -> None:
    """The batch's entries, events, new indicators and observations, in one transaction."""
    if not batch:
        return
    entries = {row.entry_id: entry_values(row) for row in batch}
    indicators, observations = [], []
    for row in batch:
        key = series_key(row)
        indicator_id, first = series.id_of(key)
        if first:
            indicators.append(indicator_values(key, indicator_id))
        observations.append(observation_values(row, indicator_id, first, rng))
    with engine.begin() as connection:
        connection.execute(insert(table(EntryRow)), list(entries.values()))
        connection.execute(insert(table(EventRow)), [event_values(row) for row in batch])
        if indicators:
            connection.execute(insert(table(IndicatorRow)), indicators)
        connection.execute(insert(table(ObservationRow)), observations)


def point_indicators(engine: Engine) -> None:
    """Each indicator's current reading: its latest observation."""
    indicators, observations = table(IndicatorRow), table(ObservationRow)
    latest = (
        select(func.max(observations.c.id))
        .where(observations.c.indicator_id == indicators.c.id)
        .scalar_subquery()
    )
    with engine.begin() as connection:
        connection.execute(indicators.update().values(current_observation_id=latest))


def indicator_values(key: IndicatorKey, id_: int) -> dict[str, Any]:
    return {
        "id": id_,
        "series": store_indicators.series_of(key),
        "kind": key.kind.value,
        "country": key.country,
        "counterpart": key.counterpart,
        "unit": key.unit,
        "value": 1000 if key.unit else None,
        "qualifier": "approx" if key.unit else None,
        "status": None if key.unit else "closed",
        "as_of": END,
        "source_count": 1,
        "current_observation_id": None,
        "threshold": None,
        "first_seen_at": START,
        "changed_at": END,
        "updated_at": END,
    }


def finish(engine: Engine) -> None:
    """Move PostgreSQL's id sequences past the ids given, then refresh the statistics (and
    on PostgreSQL the visibility map, as autovacuum would after a million inserts)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        for model in (FeedRow, EntryRow, EventRow, IndicatorRow, ObservationRow) * postgres:
            name = table(model).name
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )  # fmt: skip
            )
        if not postgres:
            connection.execute(text("ANALYZE"))
    if postgres:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))


def progress(done: int, total: int, started: float) -> None:
    seconds = time.perf_counter() - started
    print(f"\r  filled {done:,} of {total:,} events in {seconds:.0f} s", end="", file=sys.stderr)
    if done >= total:
        print(file=sys.stderr)


# --- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """A store call the CLI makes, and the command that makes it."""

    command: str
    run: Callable[[Any], int]  # a Session in, the number of rows out


def day(moment: datetime) -> str:
    return moment.date().isoformat()


def queries() -> list[Query]:
    recent, year, quarter = END - timedelta(days=30), END - timedelta(days=365), END - timedelta(90)
    ru_eu = IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people")
    ua_mob = IndicatorKey(EventKind.MOBILIZATION, "UA", None, "people")
    events = store_events.list_events
    history = store_indicators.indicator_history
    page = store_indicators.history_page
    return [
        Query(f"events --country RU --since {day(recent)}",
              lambda s: len(events(s, country="RU", since=recent, limit=50))),
        Query(f"events --country RU --since {day(year)}",
              lambda s: len(events(s, country="RU", since=year, limit=50))),
        Query("events", lambda s: len(events(s, limit=50))),
        Query("events --kind emigration --country UA",
              lambda s: len(events(s, kind=EventKind.EMIGRATION, country="UA", limit=50))),
        Query(f"events --counterpart EU --since {day(quarter)}",
              lambda s: len(events(s, counterpart="EU", since=quarter, limit=50))),
        Query("events --country CO", lambda s: len(events(s, country="CO", limit=50))),
        Query("events --feed 7", lambda s: len(events(s, feed_id=7, limit=50))),
        Query("history emigration RU --counterpart EU", lambda s: readings(page(s, ru_eu))),
        Query(f"history emigration RU --counterpart EU --as-of {day(year)}",
              lambda s: readings(page(s, ru_eu, as_of=year))),
        Query("history mobilization UA", lambda s: readings(page(s, ua_mob))),
        Query("history emigration RU --counterpart EU --json", lambda s: len(history(s, ru_eu))),
        Query("indicators", lambda s: len(store_indicators.list_indicators(s))),
        Query("entries --search 'Story 4242:'",
              lambda s: len(store_entries.search_entries(s, "Story 4242:", limit=50))),
    ]  # fmt: skip


def readings(page: store_indicators.HistoryPage) -> int:
    """Rows read for `monitor history`: the latest readings and the value changes."""
    return len(page.latest) + len(page.values)


@dataclass(frozen=True, slots=True)
class Timing:
    command: str
    rows: int
    median_ms: float
    min_ms: float
    max_ms: float
    plan: str


def time_query(engine: Engine, query: Query, repeat: int) -> Timing:
    """Median of `repeat` runs, each in a fresh read-only transaction (as the CLI runs)."""
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        with transaction(engine, readonly=True) as s:
            rows = query.run(s)
        times.append((time.perf_counter() - started) * 1000)
    return Timing(
        query.command, rows, statistics.median(times), min(times), max(times),
        explain(engine, query),
    )  # fmt: skip


def explain(engine: Engine, query: Query) -> str:
    """The plan of the query's last statement, on one line."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with transaction(engine, readonly=True) as s:
            query.run(s)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    statement, params = seen[-1]
    prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as connection:
        plan = connection.exec_driver_sql(prefix + statement, params).all()
    lines = [str(row[-1]).strip() for row in plan]
    return "; ".join(line for line in lines if line)[:300]


def time_cli(database_url: str, args: list[str]) -> float:
    """Seconds for one run of `monitor ARGS` in a new process, output rendered to a pipe."""
    env = {"MONITOR_DATABASE_URL": database_url, "COLUMNS": "150", "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args], env=env, capture_output=True, text=True,
        check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"monitor {' '.join(args)} failed: {done.stderr.strip()}")
    return seconds


# --- the report -----------------------------------------------------------------------------


def report(timings: list[Timing], cli: dict[str, float], target_ms: float) -> None:
    from rich.console import Console
    from rich.table import Table as RichTable

    console = Console(width=200)
    table = RichTable("store call behind", "rows", "median ms", "min", "max", "ok")
    for t in timings:
        ok = "yes" if t.median_ms < target_ms else "NO"
        table.add_row(t.command, str(t.rows), f"{t.median_ms:.1f}", f"{t.min_ms:.1f}",
                      f"{t.max_ms:.1f}", ok)  # fmt: skip
    console.print(table)
    ends = RichTable("end to end, one new process", "seconds")
    for command, seconds in cli.items():
        ends.add_row(command, f"{seconds:.2f}")
    console.print(ends)
    for t in timings:
        console.print(f"plan of `{t.command}`: {t.plan}", markup=False, highlight=False)


def counts(engine: Engine) -> dict[str, int]:
    models = (FeedRow, EntryRow, EventRow, IndicatorRow, ObservationRow)
    with engine.connect() as connection:
        return {
            table(m).name: connection.scalar(select(func.count()).select_from(table(m))) or 0
            for m in models
        }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary dir")
    parser.add_argument("--reuse", action="store_true", help="time a database filled before")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--target-ms", type=float, default=200.0)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="monitor-bench-") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'bench.db'}"
        engine = connect(url)
        try:
            return run(engine, url, args)
        finally:
            engine.dispose()


def run(engine: Engine, url: str, args: argparse.Namespace) -> int:
    started = time.perf_counter()
    upgrade_schema(engine)
    print(f"schema upgraded in {time.perf_counter() - started:.1f} s")
    present = counts(engine)
    if not args.reuse:
        if present["events"]:
            raise SystemExit(f"{redact_url(url)} has events already: use --reuse or a new one")
        seconds = fill(engine, args.events, args.seed)
        present = counts(engine)
        print(f"filled in {seconds:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in present.items()))
    print(f"database: {redact_url(url)} ({engine.dialect.name}); {present['events']:,} events")
    timings = [time_query(engine, query, args.repeat) for query in queries()]
    recent = day(END - timedelta(days=30))
    cli = {
        "monitor --help (start-up alone)": time_cli(url, ["--help"]),
        f"monitor events --country RU --since {recent}": time_cli(
            url, ["events", "--country", "RU", "--since", recent]
        ),
        "monitor history emigration RU --counterpart EU": time_cli(
            url, ["history", "emigration", "RU", "--counterpart", "EU"]
        ),
    }
    report(timings, cli, args.target_ms)
    slow = [t.command for t in timings if t.median_ms >= args.target_ms]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
