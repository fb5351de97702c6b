"""What the history commands share: option parsing (countries, dates) and table helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Column

from monitor.cli.common import now, open_engine
from monitor.model import EventKind

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from monitor.config import Settings
    from monitor.model import Change, Figure, IndicatorKey

REGIONS = frozenset({"EU"})  # counterparts that are not countries (see detect's places)
EVIDENCE_CHARS = 90
_UNITS = {"d": "days", "h": "hours", "w": "weeks"}


@contextmanager
def opened(config: Settings) -> Iterator[Engine]:
    """The database for one command, its connections closed when the command ends."""
    engine = open_engine(config)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def reading(config: Settings) -> Iterator[Session]:
    """One read-only transaction on the database, for a command that lists what it holds."""
    from monitor.store.db import transaction

    with opened(config) as engine, transaction(engine, readonly=True) as session:
        yield session


# --- options shared by the commands -------------------------------------------------------


def country_code(value: str | None) -> str | None:
    """ISO 3166-1 alpha-2 or alpha-3 (or the official English name) -> alpha-2; EU stays."""
    if value is None:
        return None
    text = value.strip()
    if text.upper() in REGIONS:
        return text.upper()
    import pycountry  # loaded only when a country is given

    try:
        found = pycountry.countries.lookup(text)
    except LookupError:
        raise typer.BadParameter(
            f"{value!r} is not a country: use an ISO 3166 code such as RU, UA or FI, or EU"
        ) from None
    code: str = found.alpha_2
    return code


def parse_when(
    value: str | None, *, end_of_day: bool = False, option: str | None = None
) -> datetime | None:
    """'2026-03-01', an ISO 8601 time (UTC unless it says), or an age such as '7d', '12h'.

    A bare date means its start, or with `end_of_day` the start of the next day.
    """
    if value is None:
        return None
    text = value.strip()
    if text[:-1].isdigit() and text[-1:].lower() in _UNITS:
        return now() - timedelta(**{_UNITS[text[-1].lower()]: int(text[:-1])})
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(), tzinfo=UTC)
            return start + timedelta(days=1) if end_of_day else start
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{value!r} is not a date: use YYYY-MM-DD, an ISO 8601 time, or an age like 7d",
            param_hint=option,
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


KindOption = Annotated[
    EventKind | None, typer.Option(case_sensitive=False, help="Only this kind of event.")
]
CountryOption = Annotated[
    str | None,
    typer.Option(callback=country_code, help="The actor's country (ISO code such as RU)."),
]
CounterpartOption = Annotated[
    str | None,
    typer.Option(callback=country_code, help="The other side: a country code or EU."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")]
KindArgument = Annotated[EventKind, typer.Argument(case_sensitive=False, help="The kind.")]
CountryArgument = Annotated[
    str, typer.Argument(callback=country_code, help="The actor's country (ISO code).")
]


def shorten(text: str, chars: int = EVIDENCE_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= chars else flat[: chars - 1].rstrip() + "…"


def period(start: date | None, end: date | None) -> str:
    if start is None and end is None:
        return ""
    if start == end or end is None:
        return f"from {start}" if end is None else str(start)
    return f"until {end}" if start is None else f"{start}–{end}"


def link_column() -> Column:
    """Links are folded, never cut: a shortened link leads nowhere."""
    return Column("link", overflow="fold")


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


# --- labels as alerts write them -----------------------------------------------------------
# monitor.alerts loads apprise, so its render module is imported on first use.


def format_figure(figure: Figure | None) -> str:
    """'up to 300,000', '~66,000', or 'no figure'."""
    from monitor.alerts import render

    return render.format_figure(figure)


def format_indicator(key: IndicatorKey) -> str:
    """'mobilization RU', 'border FI→RU'."""
    from monitor.alerts import render

    return render.format_indicator(key)


def format_movement(change: Change) -> str:
    """'~66,000 → ~97,000 (+47%)', 'closed → reopened'."""
    from monitor.alerts import render

    return render.format_movement(change)


def where(country: str, counterpart: str | None) -> str:
    return country if counterpart is None else f"{country}→{counterpart}"
