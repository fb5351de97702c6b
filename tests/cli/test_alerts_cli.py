"""`monitor alerts [send | retry ID | test]` on SQLite and PostgreSQL, against a real local
webhook (apprise json://) and a port where nothing listens."""

from __future__ import annotations

import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner, Result

from monitor.cli.commands import app
from monitor.model import EventKind
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction
from tests.daemon.conftest import monitor_env, run_monitor
from tests.pipeline.test_outbox import T0, Sink, change, serve_sink

SECRET = "s3cretpass"


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def sink() -> Iterator[Sink]:
    with serve_sink() as state:
        yield state


def dead_url() -> str:
    """A json:// target on a port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"json://127.0.0.1:{port}/dead"


def invoke(database_url: str, *args: str, **settings: str) -> Result:
    env = {"MONITOR_DATABASE_URL": database_url, "COLUMNS": "250"}
    env |= {f"MONITOR_{name.upper()}": value for name, value in settings.items()}
    return CliRunner().invoke(app, list(args), env=env)


def json_lines(result: Result) -> list[dict[str, Any]]:
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return [json.loads(line) for line in result.stdout.splitlines()]


def add_alerts(engine: sa.Engine, count: int) -> list[int]:
    """Alerts of emigration (even n) and mobilization (odd n)."""
    kinds = (EventKind.EMIGRATION, EventKind.MOBILIZATION)
    with transaction(engine) as s:
        ids = [
            store_outbox.add_alert(s, change(n, kinds[n % 2]), indicator_id=None, now=T0)
            for n in range(count)
        ]
    return [i for i in ids if i is not None]


def test_list_and_send(engine: sa.Engine, database_url: str, sink: Sink) -> None:
    add_alerts(engine, 3)
    pending = json_lines(invoke(database_url, "alerts", "--json"))
    assert [a["id"] for a in pending] == [3, 2, 1]  # newest first
    assert {a["status"] for a in pending} == {"pending"}
    assert all(a["deliveries"] == [] for a in pending)
    assert pending[-1]["change"] == "~1,000 (new)" and pending[-1]["counterpart"] == "C0"

    url = sink.url("hook", auth=f"user:{SECRET}@")
    sent = invoke(database_url, "alerts", "send", alert_urls=url)
    assert sent.exit_code == 0, (sent.stderr, sent.exception)
    assert "routed=3 claimed=3 messages=3 digests=0 delivered=3 failed=0" in sent.stdout
    assert sorted(sink.keys()) == ["chg:0000", "chg:0001", "chg:0002"]

    done = json_lines(invoke(database_url, "alerts", "--json", "--status", "sent"))
    assert len(done) == 3
    delivery = done[0]["deliveries"][0]
    assert (delivery["status"], delivery["attempts"]) == ("sent", 1)
    assert delivery["target"] == f"json://127.0.0.1:{sink.port}"
    assert json_lines(invoke(database_url, "alerts", "--json", "--status", "pending")) == []
    table = invoke(database_url, "alerts", "--limit", "1")
    assert f"json://127.0.0.1:{sink.port}: sent" in table.stdout
    assert "emigration RU→C2" in table.stdout
    assert SECRET not in sent.stdout + sent.stderr + table.stdout

    again = invoke(database_url, "alerts", "send", alert_urls=url)
    assert "claimed=0" in again.stdout and len(sink.keys()) == 3


def test_retry_a_failed_alert(engine: sa.Engine, database_url: str, sink: Sink) -> None:
    (first, second) = add_alerts(engine, 2)
    settings = {"alert_urls": sink.url(), "alert_max_attempts": "1"}
    sink.status = 500
    failed = invoke(database_url, "alerts", "send", **settings)
    assert "delivered=0 failed=2" in failed.stdout, failed.stdout
    (view, _) = json_lines(invoke(database_url, "alerts", "--json", "--status", "failed"))
    (delivery,) = view["deliveries"]
    assert delivery["status"] == "failed" and "500" in delivery["last_error"]
    table = invoke(database_url, "alerts", "--status", "FAILED")
    assert "failed after 1 attempt" in table.stdout

    still = invoke(database_url, "alerts", "retry", str(first), **settings)
    assert still.exit_code == 1
    assert (
        str(still.exception)
        == f"alert {first} is still failed for 1 target(s): see `monitor alerts`"
    )

    sink.status = 200
    retried = invoke(database_url, "alerts", "retry", str(first), **settings)
    assert retried.exit_code == 0, (retried.stderr, retried.exception)
    assert f"Re-queued 1 deliveries of alert {first}" in retried.stderr
    assert sink.keys() == ["chg:0000"]  # the other failed alert stays failed
    statuses = {a["id"]: a["status"] for a in json_lines(invoke(database_url, "alerts", "--json"))}
    assert statuses == {first: "sent", second: "failed"}

    nothing = invoke(database_url, "alerts", "retry", str(first), **settings)
    assert nothing.exit_code == 1 and "nothing to retry" in str(nothing.exception)
    unknown = invoke(database_url, "alerts", "retry", "999", **settings)
    assert unknown.exit_code == 1 and str(unknown.exception) == "no alert 999: see `monitor alerts`"
    assert invoke(database_url, "alerts", "retry", "0", **settings).exit_code == 2


def test_test_message_to_every_target(sink: Sink, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'unused.db'}"  # `alerts test` needs no database
    good = sink.url("hook", auth=f"user:{SECRET}@")
    dead = dead_url()
    result = invoke(url, "alerts", "test", alert_urls=good, alert_urls_border_closure=dead)
    assert result.exit_code == 1
    assert str(result.exception) == "1 of 2 alert targets failed the test message"
    lines = {
        line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "json" in line
    }
    ok_line = lines[f"json://127.0.0.1:{sink.port}"]
    assert "ok" in ok_line and "mobilization, emigration" in ok_line
    dead_line = lines[dead.removesuffix("/dead")]
    assert "failed" in dead_line and "border_closure" in dead_line
    assert SECRET not in result.stdout + result.stderr
    (body,) = sink.bodies
    assert "test message from monitor" in body["message"]

    only_good = invoke(url, "alerts", "test", alert_urls=good)
    assert only_good.exit_code == 0, (only_good.stdout, only_good.exception)
    assert "All 1 alert targets received the test message." in only_good.stderr
    assert len(sink.bodies) == 2


def test_no_target_configured_is_one_line(tmp_path: Path) -> None:
    env = monitor_env(f"sqlite:///{tmp_path / 'm.db'}")
    done = run_monitor("alerts", "test", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("Error: MONITOR_ALERT_URLS: no alert target is configured")
    assert len(done.stderr.strip().splitlines()) == 1 and done.stdout == ""
