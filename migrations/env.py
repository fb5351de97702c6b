"""Alembic environment. `monitor db upgrade` passes an open connection in
`config.attributes["connection"]`; the `alembic` command line (with alembic.ini) opens one
from `sqlalchemy.url` or MONITOR_DATABASE_URL."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from monitor.store.db import connect
from monitor.store.tables import Base

config = context.config


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    url = os.environ.get("MONITOR_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set MONITOR_DATABASE_URL or sqlalchemy.url in alembic.ini")
    engine = connect(url)
    try:
        with engine.connect() as connection:
            run_on(connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: run `monitor db upgrade`")
run_online()
