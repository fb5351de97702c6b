"""The CLI starts without the daemon's heavy libraries; the schema check needs no Alembic.

Each check runs in a fresh interpreter, where `sys.modules` tells what a command loaded.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli.alerts_cmds import AlertStatus
from monitor.errors import SchemaError
from monitor.store.db import SCHEMA_HEAD, connect, head_revision, schema_state, upgrade_schema
from monitor.store.outbox import DeliveryStatus

# Libraries that only the daemon, delivery, migrations, charts or feed parsing need.
HEAVY = ("aiohttp", "apprise", "alembic", "plotext", "feedparser", "apscheduler")
# What `monitor --help` needs none of: the store, the settings and their libraries.
STORE = ("sqlalchemy", "pydantic", "pydantic_settings", "monitor.store", "monitor.config")

# Runs `monitor ARGS...` as the console script does, then prints the modules it loaded.
RUN_COMMAND = """
import json, sys
from monitor.cli import main
sys.argv[0] = "monitor"
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
sys.exit(code)
"""


def python(
    code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
        cwd=cwd,
    )


def among(modules: list[str], names: tuple[str, ...]) -> list[str]:
    """The modules that are one of `names` or inside one of them."""
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


def heavy_loaded_by(code: str) -> str:
    """The heavy modules loaded by running `code` in a fresh interpreter, as printed."""
    loaded = f"sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r})"
    done = python(f"import sys; {code}; print({loaded})")
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert heavy_loaded_by("import monitor.cli.commands") == "[]"


def test_the_console_script_module_loads_nothing_a_parse_worker_would_not_need() -> None:
    """A spawned parse worker re-imports the console script, which imports `monitor.cli`."""
    done = python("import sys, monitor.cli; print(sorted(sys.modules))")
    assert done.returncode == 0, done.stderr
    loaded = done.stdout.strip()
    for library in ("typer", "click", "rich", "pydantic", "sqlalchemy", *HEAVY):
        assert f"'{library}'" not in loaded, library


def run_monitor(database_url: str, cwd: Path, *args: str) -> tuple[str, list[str]]:
    """stdout of `monitor ARGS` and the modules it loaded."""
    env = {**os.environ, "MONITOR_DATABASE_URL": database_url, "MONITOR_LOG_LEVEL": "WARNING"}
    done = python(RUN_COMMAND, *args, env=env, cwd=cwd)
    assert done.returncode == 0, done.stderr
    *_, loaded = done.stderr.strip().splitlines()
    modules: list[str] = json.loads(loaded)
    return done.stdout, modules


def test_help_loads_neither_the_store_nor_the_settings(tmp_path: Path) -> None:
    out, loaded = run_monitor("sqlite:///unused.db", tmp_path, "--help")
    assert "feeds" in out and "events" in out
    assert among(loaded, STORE + HEAVY) == []
    assert not (tmp_path / "unused.db").exists()


@pytest.mark.parametrize(
    "args", [("feeds", "list", "--json"), ("events", "--json"), ("alerts", "--json")]
)
def test_listing_commands_load_no_heavy_library(
    database_url: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out, loaded = run_monitor(database_url, tmp_path, *args)
    assert among(loaded, HEAVY) == []
    assert "sqlalchemy" in loaded  # the command did read the database
    assert out == ""  # the test database is empty


def test_table_labels_load_no_heavy_library() -> None:
    """The tables of events, indicators and alerts label rows as alerts do (alerts.render)."""
    code = "from monitor.cli.query_options import format_figure; format_figure(None)"
    assert heavy_loaded_by(code) == "[]"


def test_the_alert_status_choices_are_the_stores() -> None:
    assert [s.value for s in AlertStatus] == [s.value for s in DeliveryStatus]


def test_schema_head_is_the_newest_migration() -> None:
    assert SCHEMA_HEAD == head_revision()


def sqlite_at(tmp_path: Path, revision: str) -> tuple[str, Path]:
    path = tmp_path / "m.db"
    engine = connect(f"sqlite:///{path}")
    try:
        upgrade_schema(engine, revision)
    finally:
        engine.dispose()
    return f"sqlite:///{path}", path


def break_a_foreign_key(path: Path) -> None:
    """An entry of a feed that does not exist (a plain sqlite3 connection enforces no keys)."""
    with sqlite3.connect(path) as raw:
        raw.execute(
            "INSERT INTO entries (feed_id, guid, title, summary, fetched_at, fingerprint, "
            "content_hash) VALUES (999, 'g', 't', 's', '2026-01-01 00:00:00', 'f', 'h')"
        )
    raw.close()


def test_a_migration_that_leaves_broken_foreign_keys_is_refused(tmp_path: Path) -> None:
    url, path = sqlite_at(tmp_path, "0002")
    break_a_foreign_key(path)
    engine = connect(url)
    try:
        with pytest.raises(SchemaError, match="1 rows with a broken foreign key"):
            upgrade_schema(engine)
        assert schema_state(engine).current == "0002"
    finally:
        engine.dispose()


def test_upgrade_at_head_does_not_scan_the_foreign_keys(tmp_path: Path) -> None:
    url, path = sqlite_at(tmp_path, "head")
    break_a_foreign_key(path)  # found only by a full scan, which a current schema skips
    engine = connect(url)
    try:
        upgrade_schema(engine)
        assert schema_state(engine).is_current
    finally:
        engine.dispose()
