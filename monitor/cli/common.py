"""What every command needs: the settings, the database, output helpers."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from monitor.config import Settings

console = Console()
err_console = Console(stderr=True)


def settings() -> Settings:
    from monitor.config import load_settings
    from monitor.log import setup_logging

    loaded = load_settings()
    setup_logging(loaded.log_level, loaded.log_format)
    return loaded


def open_engine(config: Settings, *, check_schema: bool = True) -> Engine:
    from monitor.store.db import connect, require_current_schema

    engine = connect(config.resolved_database_url)
    if check_schema:
        require_current_schema(engine)
    return engine


def now() -> datetime:
    return datetime.now(UTC)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def print_json_lines(rows: Iterable[dict[str, Any]]) -> None:
    for row in rows:
        sys.stdout.write(json.dumps(row, default=_default, ensure_ascii=False) + "\n")


def when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "-"
