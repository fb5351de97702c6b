"""Connections, transactions, errors, datetimes and the schema's revision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from monitor.errors import SchemaError, StoreError
from monitor.store import feeds
from monitor.store.db import (
    connect,
    redact_url,
    require_current_schema,
    schema_state,
    transaction,
    upgrade_schema,
)
from monitor.store.tables import Base

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'new' / 'dir' / 'm.db'}")
    try:
        for _ in range(2):
            with engine.connect() as connection:
                pragma = connection.exec_driver_sql
                assert pragma("PRAGMA journal_mode").scalar() == "wal"
                assert pragma("PRAGMA foreign_keys").scalar() == 1
                assert pragma("PRAGMA busy_timeout").scalar() == 5000
                assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
            engine.dispose()  # the second round opens a new connection
    finally:
        engine.dispose()
    assert (tmp_path / "new" / "dir" / "m.db").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("nonsense", "invalid database URL 'nonsense' — check MONITOR_DATABASE_URL"),
        ("mysql://u:pw@host/db", "unsupported database URL mysql://u:***@host/db: use sqlite"),
        ("sqlite:////proc/no-such/m.db", "cannot open database sqlite:////proc/no-such/m.db"),
        (
            "postgresql+psycopg://u:s3cret@127.0.0.1:1/db",
            "cannot open database postgresql+psycopg://u:***@127.0.0.1:1/db: connection failed",
        ),
    ],
)
def test_connect_errors_are_one_line_without_password(url: str, expected: str) -> None:
    with pytest.raises(StoreError) as caught:
        connect(url)
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message
    assert "s3cret" not in message and ":pw@" not in message
    assert message.endswith("check MONITOR_DATABASE_URL")


def test_redact_url_hides_password_even_when_unparsable() -> None:
    assert redact_url("postgresql://bob:hunter2@db/x") == "postgresql://bob:***@db/x"
    assert "hunter2" not in redact_url("postgresql://bob:hunter2@db:notaport/x")


def test_transaction_commits_or_rolls_back(engine: sa.Engine) -> None:
    with transaction(engine) as s:
        feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
    with pytest.raises(RuntimeError), transaction(engine) as s:
        feeds.add_feed(s, "https://b.example/rss", interval_seconds=60, now=T0)
        raise RuntimeError("boom")
    with transaction(engine, readonly=True) as s:
        assert [f.url for f in feeds.list_feeds(s)] == ["https://a.example/rss"]


def test_database_errors_become_store_errors(engine: sa.Engine) -> None:
    with pytest.raises(StoreError, match="refused a change") as caught, transaction(engine) as s:
        s.execute(sa.text("INSERT INTO entries (feed_id) VALUES (999)"))
    assert "\n" not in str(caught.value)


def test_datetimes_round_trip_as_utc(engine: sa.Engine) -> None:
    kyiv = timezone(timedelta(hours=3))
    local = datetime(2026, 3, 1, 15, 30, 5, 123456, tzinfo=kyiv)
    with transaction(engine) as s:
        feed = feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=local)
    with transaction(engine) as s:
        stored = feeds.get_feed(s, feed.id)
    assert stored.next_poll_at == local
    assert stored.next_poll_at.tzinfo is UTC
    assert stored.next_poll_at.hour == 12 and stored.next_poll_at.microsecond == 123456


def test_naive_datetimes_are_refused(engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.StatementError, match="naive datetime"), transaction(engine) as s:
        feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=datetime(2026, 1, 1))


def test_migrated_schema_matches_the_models(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_from_empty_and_schema_messages(blank_database_url: str) -> None:
    engine = connect(blank_database_url)
    try:
        state = schema_state(engine)
        assert (state.current, state.is_current) == (None, False)
        with pytest.raises(SchemaError, match=r"^database has no schema yet: run `monitor db"):
            require_current_schema(engine)

        upgrade_schema(engine, "0001")
        # A revision this code does not know: the database was migrated by a newer version.
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0000'")
        with pytest.raises(SchemaError, match="newer than this version knows"):
            require_current_schema(engine)
        with engine.begin() as connection:
            connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")

        upgrade_schema(engine)
        upgrade_schema(engine)  # a second run is a no-op
        state = schema_state(engine)
        assert state.is_current and state.current == state.head
        require_current_schema(engine)
        with transaction(engine) as s:
            feeds.add_feed(s, "https://a.example/rss", interval_seconds=60, now=T0)
    finally:
        engine.dispose()


def test_old_schema_message(blank_database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = connect(blank_database_url)
    try:
        upgrade_schema(engine, "0001")
        monkeypatch.setattr("monitor.store.db.head_revision", lambda: "0002")
        with pytest.raises(SchemaError) as caught:
            require_current_schema(engine)
        assert str(caught.value) == (
            "database schema is at 0001, this version needs 0002: run `monitor db upgrade` "
            "(or set MONITOR_MIGRATE_ON_START=true)"
        )
    finally:
        engine.dispose()


def test_sqlite_foreign_keys_are_back_on_after_upgrade(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        upgrade_schema(engine)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()
