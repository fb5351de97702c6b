"""Engines, transactions and the schema's revision: the store's only contact with the driver.

SQLite runs in WAL mode with a busy timeout, foreign keys on and synchronous=NORMAL, set on
every new connection. SQLAlchemy emits BEGIN itself (the sqlite3 module's own transaction
handling is switched off), and a write transaction starts with BEGIN IMMEDIATE, so it holds
the write lock from its first statement: two writers wait for each other (busy timeout)
instead of failing on a stale snapshot, and a claim cannot be taken twice.
PostgreSQL runs on psycopg 3.
"""

from __future__ import annotations

import importlib.resources
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    IntegrityError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session

from monitor.errors import SchemaError, StoreError

if TYPE_CHECKING:
    from alembic.config import Config

URL_HINT = "check MONITOR_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
)
POSTGRES_CONNECT_TIMEOUT_S = 10
MIGRATION_LOCK_KEY = 0x6D6F6E69746F72  # pg_advisory_xact_lock key: "monitor"
UPGRADE_HINT = "run `monitor db upgrade` (or set MONITOR_MIGRATE_ON_START=true)"
# The newest migration's revision, so that every command can check the schema without
# loading Alembic; a test keeps it equal to the head of the migrations directory.
SCHEMA_HEAD = "0003"
VERSION_TABLE = "alembic_version"

# Errors that come from the database or the data, not from a bug in our SQL.
_DATABASE_ERRORS = (OperationalError, InterfaceError, IntegrityError, DataError)


def redact_url(url: str | URL) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"://[^@/]*@", "://***@", str(url))


def connect(url: str) -> Engine:
    """An engine for `url` (sqlite:///path or postgresql+psycopg://...), checked by connecting.

    The directory of a SQLite file is created when it is missing.
    """
    parsed = _parse_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(parsed)
    else:
        engine = create_engine(
            parsed.set(drivername="postgresql+psycopg"),
            pool_pre_ping=True,
            connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
        )
    try:
        with engine.connect():
            pass
    except _DATABASE_ERRORS as exc:
        engine.dispose()
        raise StoreError(
            f"cannot open database {redact_url(parsed)}: {_reason(exc)} — {URL_HINT}"
        ) from exc
    return engine


def _parse_url(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        raise StoreError(f"invalid database URL {redact_url(url)!r} — {URL_HINT}") from exc
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        return parsed
    if backend == "postgresql" and driver in ("psycopg", "psycopg2"):
        return parsed  # connect() always uses psycopg 3
    raise StoreError(
        f"unsupported database URL {redact_url(parsed)}: use sqlite:///FILE or "
        f"postgresql+psycopg://USER@HOST/DB — {URL_HINT}"
    )


def _sqlite_engine(url: URL) -> Engine:
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot open database {url}: {exc.strerror} creating its directory — {URL_HINT}"
            ) from exc
    try:
        engine = create_engine(url)
    except NoSuchModuleError as exc:  # pragma: no cover - sqlite3 is in the standard library
        raise StoreError(f"no driver for {url} — {URL_HINT}") from exc
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see _on_sqlite_begin)
    for pragma in SQLITE_PRAGMAS:
        dbapi_connection.execute(pragma).close()
    # SQLite's lower() folds ASCII only; search must find "Мобилизация" from "мобилизация".
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


def _lower(value: str | None) -> str | None:
    return None if value is None else value.lower()


def _on_sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _reason(exc: Exception) -> str:
    """The first line of the driver's message."""
    cause = getattr(exc, "orig", None) or exc
    lines = str(cause).strip().splitlines()
    return lines[0].strip() if lines else type(cause).__name__


def database_error(engine: Engine, exc: Exception) -> StoreError:
    """A one-line StoreError for a driver error raised while using `engine`."""
    where = redact_url(engine.url)
    reason = _reason(exc)
    if "database is locked" in reason:
        return StoreError(
            f"database {where} stayed locked by another writer for "
            f"{SQLITE_BUSY_TIMEOUT_MS} ms — try again"
        )
    if isinstance(exc, IntegrityError):
        return StoreError(f"database {where} refused a change: {reason}")
    return StoreError(f"database error on {where}: {reason}")


@contextmanager
def transaction(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """One short transaction: commits when the block ends, rolls back if it raises.

    On SQLite a write transaction holds the write lock from its start (BEGIN IMMEDIATE);
    `readonly=True` starts a deferred one that never waits for writers.
    """
    bind = engine.execution_options(sqlite_begin="DEFERRED") if readonly else engine
    try:
        with Session(bind, expire_on_commit=False) as session, session.begin():
            yield session
    except _DATABASE_ERRORS as exc:
        raise database_error(engine, exc) from exc


# --- schema ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemaState:
    """The database's Alembic revision (None: no schema yet) and the code's head revision."""

    current: str | None
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def migrations_dir() -> Path:
    """The Alembic script directory, the package `monitor.migrations`: in a source tree a
    symlink to the top-level `migrations/` directory, in an installed package a copy."""
    return Path(str(importlib.resources.files("monitor.migrations")))


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # Alembic is loaded only to migrate or to explain

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations directory has no revisions"
    return head


def stored_revisions(connection: Connection) -> tuple[str, ...]:
    """The revisions in the database's version table; () when it has no schema yet.

    Read with plain SQL, as Alembic reads them, so that checking the schema needs no Alembic.
    """
    if not inspect(connection).has_table(VERSION_TABLE):
        return ()
    rows = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars()
    return tuple(sorted(rows))


def schema_state(engine: Engine) -> SchemaState:
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except _DATABASE_ERRORS as exc:
        raise database_error(engine, exc) from exc
    return SchemaState(current=current, head=head_revision())


def require_current_schema(engine: Engine) -> None:
    """Raise SchemaError unless the database is at this code's head revision.

    A database at `SCHEMA_HEAD` passes with one query; anything else asks Alembic.
    """
    try:
        with engine.execution_options(sqlite_begin="DEFERRED").connect() as connection:
            if stored_revisions(connection) == (SCHEMA_HEAD,):
                return
    except _DATABASE_ERRORS as exc:
        raise database_error(engine, exc) from exc
    _explain_schema(schema_state(engine))


def _explain_schema(state: SchemaState) -> None:
    """Raise the SchemaError that says what to do, unless `state` is current."""
    from alembic.script import ScriptDirectory

    if state.is_current:
        return
    if state.current is None:
        raise SchemaError("database has no schema yet: run `monitor db upgrade`")
    script = ScriptDirectory.from_config(alembic_config())
    if state.current not in {rev.revision for rev in script.walk_revisions()}:
        raise SchemaError(
            f"database schema is at {state.current}, newer than this version knows "
            f"(it needs {state.head}): upgrade monitor"
        )
    raise SchemaError(
        f"database schema is at {state.current}, this version needs {state.head}: {UPGRADE_HINT}"
    )


def upgrade_schema(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision`, in one transaction.

    SQLite's foreign keys are switched off while tables are rebuilt by batch migrations
    (a rebuilt table would otherwise cascade deletes), then checked before the commit when
    a migration ran (a database already at `revision` is not scanned again).
    On PostgreSQL an advisory lock keeps two daemons from migrating at the same time.
    """
    from alembic.util.exc import CommandError

    try:
        with engine.connect() as connection:
            _upgrade_on(connection, revision)
    except _DATABASE_ERRORS as exc:
        raise database_error(engine, exc) from exc
    except CommandError as exc:
        raise SchemaError(f"cannot upgrade the database schema: {exc}") from exc


def _upgrade_on(connection: Connection, revision: str) -> None:
    from alembic import command

    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _set_sqlite_foreign_keys(connection, on=False)
    try:
        with connection.begin():
            if not sqlite:
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            before = stored_revisions(connection)
            command.upgrade(alembic_config(connection), revision)
            if sqlite and stored_revisions(connection) != before:
                _check_sqlite_foreign_keys(connection)
    finally:
        if sqlite:
            _set_sqlite_foreign_keys(connection, on=True)


def _set_sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """PRAGMA foreign_keys works only outside a transaction, so it goes to the driver."""
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    driver.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}").close()


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise SchemaError(
            f"the migration would leave {len(broken)} rows with a broken foreign key "
            f"(first in table {broken[0][0]}); nothing was changed"
        )
