"""`monitor events`, `indicators`, `history`, `entries` on SQLite and PostgreSQL, over what
the real poll round stored from the demo feed server: the first edition at T1, the
update (RU->EU ~66,000 -> ~97,000) at T2."""

from __future__ import annotations

import csv
import io
import json
import logging
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from monitor.cli import main
from monitor.cli.commands import app
from monitor.demo.catalog import load_demo_feeds
from monitor.demo.server import DemoServer
from monitor.model import EventKind
from monitor.pipeline.tracking import policies_from
from monitor.store import feeds as store_feeds
from monitor.store.db import transaction
from tests.daemon.conftest import monitor_env, run_monitor
from tests.rounds import run_round

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
POLICY = policies_from(
    {EventKind.EMIGRATION: "10%", EventKind.MOBILIZATION: "10%"}, alert_first_seen=True
)


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """The commands set up logging on the stream the runner lends them; put it back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def poll(engine: sa.Engine, at: datetime) -> None:
    summary = run_round(engine, clock=lambda: at, policy_for=POLICY)
    assert summary.errors == 0, summary.error_codes


@pytest.fixture
def polled(engine: sa.Engine) -> Iterator[sa.Engine]:
    """Every demo feed polled at T1, and again after the demo's update at T2."""
    server = DemoServer(("127.0.0.1", 0), load_demo_feeds())
    server.start_in_thread()
    try:
        with transaction(engine) as s:
            for feed in server.feeds:
                url = server.base_url + feed.path.lstrip("/")
                store_feeds.add_feed(s, url, interval_seconds=900, now=T0)
        poll(engine, T1)
        server.advance()
        poll(engine, T2)
        yield engine
    finally:
        server.stop()


def invoke(database_url: str, *args: str) -> Result:
    env = {"MONITOR_DATABASE_URL": database_url, "COLUMNS": "200"}
    return CliRunner().invoke(app, list(args), env=env)


def json_lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return [json.loads(line) for line in result.stdout.splitlines()]


# --- monitor events -------------------------------------------------------------------------


def test_events_filters_and_outputs(polled: sa.Engine, database_url: str) -> None:
    rows = json_lines(invoke(database_url, "events", "--json", "--limit", "1000"))
    assert len(rows) >= 10
    published = [row["published"] for row in rows]
    assert published == sorted(published, reverse=True)  # newest first
    assert {row["kind"] for row in rows} == set(EventKind)

    ru_eu = json_lines(
        invoke(database_url, "events", "--json", "--kind", "EMIGRATION", "--country", "ru",
               "--counterpart", "EU")
    )  # fmt: skip
    assert [(r["value"], r["qualifier"]) for r in ru_eu] == [(97_000, "approx"), (66_000, "approx")]
    assert ru_eu[0]["period_start"] == "2022-09-26" and ru_eu[0]["link"].startswith("https://")
    assert "97,000" in ru_eu[0]["evidence"]

    by_name = json_lines(invoke(database_url, "events", "--json", "--country", "rus"))
    assert by_name and {r["country"] for r in by_name} == {"RU"}

    window = json_lines(
        invoke(database_url, "events", "--json", "--since", "2022-10-04", "--until", "2022-10-04")
    )
    assert window and all(r["published"].startswith("2022-10-04") for r in window)
    older = json_lines(invoke(database_url, "events", "--json", "--until", "2022-09-20"))
    assert all(r["published"] < "2022-09-21" for r in older)
    assert len(older) < len(rows)

    ages = json_lines(invoke(database_url, "events", "--json", "--since", "36500d"))
    assert len(ages) == len(rows)
    assert json_lines(invoke(database_url, "events", "--json", "--since", "2W")) == []  # 2022

    feed_id = ru_eu[0]["feed_id"]
    of_feed = json_lines(invoke(database_url, "events", "--json", "--feed", str(feed_id)))
    assert of_feed and {r["feed_id"] for r in of_feed} == {feed_id}
    assert len(json_lines(invoke(database_url, "events", "--json", "--limit", "2"))) == 2


def test_events_csv_and_table(polled: sa.Engine, database_url: str) -> None:
    result = invoke(database_url, "events", "--csv", "--kind", "border_closure")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and {r["kind"] for r in rows} == {"border_closure"}
    assert "FI" in {r["country"] for r in rows}  # the demo closes Finland's border
    assert all(r["status"] in ("closed", "restricted", "reopened") for r in rows)

    table = invoke(database_url, "events", "--country", "RU", "--counterpart", "EU")
    assert table.exit_code == 0, table.stderr
    assert "RU→EU" in table.stdout and "~97,000" in table.stdout
    assert "2022-09-26–2022-10-02" in table.stdout  # the period
    assert "2 events" in table.stderr


# --- monitor indicators -------------------------------------------------------------------


def test_indicators_and_thresholds(polled: sa.Engine, database_url: str) -> None:
    rows = json_lines(invoke(database_url, "indicators", "--json"))
    by_series = {(r["kind"], r["country"], r["counterpart"]): r for r in rows}
    ru_eu = by_series[("emigration", "RU", "EU")]
    assert (ru_eu["value"], ru_eu["qualifier"], ru_eu["source_count"]) == (97_000, "approx", 1)
    assert ru_eu["changed_at"].startswith("2026-03-05")
    assert (ru_eu["threshold"], ru_eu["threshold_is_default"]) == ("10%", True)
    border = by_series[("border_closure", "FI", "RU")]
    assert border["status"] in ("closed", "restricted") and border["threshold"] is None

    done = invoke(
        database_url, "indicators", "set-threshold", "emigration", "RU", "5,000", "--counterpart",
        "EU",
    )  # fmt: skip
    assert done.exit_code == 0, done.stderr
    assert "emigration RU→EU set to 5000" in done.stderr
    (mine,) = json_lines(invoke(database_url, "indicators", "--json", "--counterpart", "EU"))
    assert (mine["threshold"], mine["threshold_is_default"]) == ("5000", False)
    table = invoke(database_url, "indicators", "--kind", "emigration")
    assert "emigration RU→EU" in table.stdout and "~97,000" in table.stdout
    assert "10% (default)" in table.stdout and "5000" in table.stdout
    assert "border" not in table.stdout

    back = invoke(
        database_url, "indicators", "set-threshold", "emigration", "RU", "--counterpart", "EU",
        "--default",
    )  # fmt: skip
    assert back.exit_code == 0, back.stderr
    (mine,) = json_lines(invoke(database_url, "indicators", "--json", "--counterpart", "EU"))
    assert (mine["threshold"], mine["threshold_is_default"]) == ("10%", True)


# --- monitor history ------------------------------------------------------------------------


def test_history_table_chart_and_json(polled: sa.Engine, database_url: str) -> None:
    result = invoke(database_url, "history", "emigration", "RU", "--counterpart", "EU")
    assert result.exit_code == 0, (result.stderr, result.exception)
    out = result.stdout
    assert out.startswith("emigration RU→EU: ~97,000 since 2022-10-04 10:30, 1 source;")
    assert "\x1b[" not in out  # no colour codes when stdout is not a terminal
    chart = out[out.index("emigration RU→EU (people)") :]
    assert "97,000┤" in chart and "66,000┤" in chart and "2022-09-27" in chart
    assert any("\u2800" < ch <= "\u28ff" for ch in chart)  # the braille line
    assert "first seen" in out and "changed" in out and "https://demo.example.org/" in out
    latest = invoke(
        database_url, "history", "emigration", "RU", "--counterpart", "EU", "--limit", "1"
    )
    assert latest.stdout.count("https://demo.example.org/") == 1 and "97,000┤" in latest.stdout
    assert "The latest 1 of 3 readings (see --limit)." in latest.stderr

    points = json_lines(
        invoke(database_url, "history", "emigration", "RU", "--counterpart", "EU", "--json")
    )
    values = [(p["value"], p["outcome"]) for p in points if p["outcome"] != "corroborated"]
    assert values == [(66_000, "first_seen"), (97_000, "changed")]
    assert all(p["title"] and p["evidence"] and p["link"] for p in points)

    no_chart = invoke(database_url, "history", "mobilization", "RU", "--no-chart", "--limit", "1")
    assert no_chart.exit_code == 0, no_chart.stderr
    assert "┤" not in no_chart.stdout and "200,000" in no_chart.stdout

    border = invoke(database_url, "history", "border_closure", "FI", "--counterpart", "RU")
    assert border.exit_code == 0, border.stderr
    assert "border FI→RU:" in border.stdout and "┤" not in border.stdout  # a status: no chart


def test_history_as_of_shows_what_was_known(polled: sa.Engine, database_url: str) -> None:
    before = json_lines(
        invoke(database_url, "history", "emigration", "RU", "--counterpart", "EU", "--json",
               "--as-of", "2026-03-02")
    )  # fmt: skip
    assert {p["value"] for p in before} == {66_000}
    assert all(p["observed_at"] < "2026-03-02" for p in before)
    table = invoke(
        database_url, "history", "emigration", "RU", "--counterpart", "EU", "--as-of",
        "2026-03-01",
    )  # fmt: skip
    assert table.stdout.startswith("emigration RU→EU: ~66,000 since")
    assert "(as known at 2026-03-01)" in table.stdout and "97,000" not in table.stdout
    on_the_day = json_lines(
        invoke(database_url, "history", "emigration", "RU", "--counterpart", "EU", "--json",
               "--as-of", "2026-03-05")
    )  # fmt: skip
    assert 97_000 in {p["value"] for p in on_the_day}  # a bare date counts whole


# --- monitor entries ------------------------------------------------------------------------


def test_entries_search(polled: sa.Engine, database_url: str) -> None:
    found = json_lines(invoke(database_url, "entries", "--search", "RESERVISTS", "--json"))
    assert found and all("reservists" in (r["title"] + r["summary"]).lower() for r in found)
    assert len(json_lines(invoke(database_url, "entries", "--json", "--limit", "5"))) == 5
    table = invoke(database_url, "entries", "--search", "reservists", "--limit", "1")
    assert table.exit_code == 0 and "1 entry" in table.stderr
    assert "https://demo.example.org/" in table.stdout
    assert json_lines(invoke(database_url, "entries", "--search", "%reservists", "--json")) == []


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("events", "--kind", "war"), "'war' is not one of"),
        (("events", "--country", "XX"), "'XX' is not a country"),
        (("events", "--counterpart", "Atlantis"), "'Atlantis' is not a country"),
        (("events", "--since", "last tuesday"), "'last tuesday' is not a date"),
        (("events", "--until", "2026-02-30"), "'2026-02-30' is not a date"),
        (("events", "--json", "--csv"), "choose one of --json and --csv"),
        (("history", "emigration", "ZZ"), "'ZZ' is not a country"),
        (("history", "exodus", "RU"), "'exodus' is not one of"),
        (("history", "emigration", "RU", "--as-of", "soon"), "'soon' is not a date"),
        (("indicators", "set-threshold", "emigration", "RU", "lots"), "'lots' is not a threshold"),
        (("indicators", "set-threshold", "emigration", "RU"), "give a VALUE"),
        (("indicators", "set-threshold", "border_closure", "FI", "5%"), "has no threshold"),
        (("indicators", "--kind", "x"), "'x' is not one of"),
    ],
)
def test_bad_arguments_exit_2(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    result = invoke(f"sqlite:///{tmp_path / 'none.db'}", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert message in " ".join(result.stderr.replace("│", " ").split())


def run_main(
    database_url: str,
    *args: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """The console script in this process: its exit code, stdout and stderr."""
    monkeypatch.setenv("MONITOR_DATABASE_URL", database_url)
    monkeypatch.setattr(sys, "argv", ["monitor", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    out, err = capsys.readouterr()
    code = stopped.value.code
    return (code if isinstance(code, int) else 1), out, err


def test_user_errors_are_one_line(
    engine: sa.Engine,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def run(*args: str) -> tuple[int, str, str]:
        return run_main(database_url, *args, monkeypatch=monkeypatch, capsys=capsys)

    code, _, err = run("history", "emigration", "RU", "--counterpart", "EU")
    assert (code, err) == (1, "Error: no readings of emigration RU→EU: see `monitor indicators`\n")
    code, _, err = run("indicators", "set-threshold", "mobilization", "UA", "10%")
    assert (code, err) == (1, "Error: no indicator mobilization UA: see `monitor indicators`\n")
    code, _, err = run("events", "--since", "whenever")
    assert code == 2 and "'whenever' is not a date" in err and "Traceback" not in err


def test_a_bad_setting_is_one_line_in_a_real_process(tmp_path: Path) -> None:
    env = monitor_env(f"sqlite:///{tmp_path / 'm.db'}", threshold_emigration="lots")
    done = run_monitor("indicators", env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("Error: MONITOR_THRESHOLD_EMIGRATION: ")
    assert len(done.stderr.strip().splitlines()) == 1
