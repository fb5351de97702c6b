"""The shared database fixtures: every store test runs on SQLite and on PostgreSQL.

- `engine`: an Engine on a database migrated to head, with empty tables, for each of
  "sqlite" (a file in a temporary directory) and "postgresql". The engine is shared by the
  session: do not dispose it.
- `database_url`: the URL of that same database, for code that opens its own engine
  (a daemon in a subprocess, a second claimer).
- `blank_database_url`: the URL of an empty database with no schema (migration tests).

PostgreSQL comes from MONITOR_TEST_POSTGRES_URL (default: the local server, database
`test`). Each test run creates its own database `monitor_test_<random>` on that server and
drops it at the end. An unreachable server fails the PostgreSQL tests; they never skip.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from monitor.store.db import connect, redact_url, upgrade_schema
from monitor.store.tables import Base

POSTGRES_URL = os.environ.get(
    "MONITOR_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


def _url_string(url: URL) -> str:
    return url.render_as_string(hide_password=False)


class PostgresServer:
    """Creates and drops databases through the server's maintenance database."""

    def __init__(self, url: str) -> None:
        self.base = make_url(url).set(drivername="postgresql+psycopg")
        admin_url = self.base.set(database="postgres")
        self.admin = sa.create_engine(
            admin_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool
        )
        try:
            with self.admin.connect():
                pass
        except sa.exc.OperationalError as exc:
            self.admin.dispose()
            pytest.fail(
                f"PostgreSQL is not reachable at {redact_url(admin_url)}: "
                f"{str(exc.orig).strip().splitlines()[0]}. Start it, or point "
                "MONITOR_TEST_POSTGRES_URL at a server where this user may create databases.",
                pytrace=False,
            )

    def create(self, prefix: str) -> str:
        name = f"{prefix}_{secrets.token_hex(4)}"
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        return _url_string(self.base.set(database=name))

    def drop(self, url: str) -> None:
        name = make_url(url).database
        with self.admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.admin.dispose()


@pytest.fixture(scope="session")
def _sqlite_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    path = tmp_path_factory.mktemp("db") / "monitor.db"
    engine = connect(f"sqlite:///{path}")
    upgrade_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _postgresql_engine(postgres_server: PostgresServer) -> Iterator[sa.Engine]:
    url = postgres_server.create("monitor_test")
    try:
        engine = connect(url)
        upgrade_schema(engine)
        yield engine
        engine.dispose()
    finally:
        postgres_server.drop(url)


_tables_by_url: dict[str, list[sa.Table]] = {}


def _empty_tables(engine: sa.Engine) -> None:
    """Empty every table of the models that the migrations have created, and start ids at
    1 again. DELETE is used on PostgreSQL too: on tables this small it is some 15 times
    faster than TRUNCATE."""
    key = str(engine.url)
    with engine.begin() as connection:
        if key not in _tables_by_url:
            existing = set(sa.inspect(connection).get_table_names())
            tables = [table for table in Base.metadata.sorted_tables if table.name in existing]
            _tables_by_url[key] = tables
        for table in reversed(_tables_by_url[key]):
            connection.execute(table.delete())
        if engine.dialect.name == "postgresql":
            for table in _tables_by_url[key]:
                for column in table.primary_key.columns:
                    connection.execute(
                        sa.text("SELECT setval(pg_get_serial_sequence(:t, :c), 1, false)"),
                        {"t": table.name, "c": column.name},
                    )


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest) -> sa.Engine:
    """An engine on a migrated database with empty tables (ids start again at 1)."""
    shared: sa.Engine = request.getfixturevalue(f"_{request.param}_engine")
    _empty_tables(shared)
    return shared


@pytest.fixture
def database_url(engine: sa.Engine) -> str:
    """The URL of the `engine` fixture's database, password included."""
    return _url_string(engine.url)


@pytest.fixture(params=BACKENDS)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema: a new SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'blank.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.create("monitor_blank")
    try:
        yield url
    finally:
        server.drop(url)
