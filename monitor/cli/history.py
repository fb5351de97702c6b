"""`monitor events`, `indicators`, `history`, `entries`: what the store has seen, for people.

Tables for people; `--json` prints JSON lines (and `events --csv` CSV) on stdout.
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from monitor.cli.app import app
from monitor.cli.common import console, err_console, print_json_lines, settings
from monitor.cli.common import when as format_when
from monitor.cli.query_options import (
    CounterpartOption,
    CountryArgument,
    CountryOption,
    JsonOption,
    KindArgument,
    KindOption,
    format_figure,
    format_indicator,
    link_column,
    opened,
    parse_when,
    period,
    plural,
    reading,
    shorten,
    where,
)
from monitor.errors import MonitorError
from monitor.model import EventKind, IndicatorKey, StoredEntry, StoredEvent

if TYPE_CHECKING:
    from monitor.config import Settings
    from monitor.store.indicators import HistoryPage, HistoryPoint, IndicatorView

# The store (SQLAlchemy) is imported by the commands, so that `monitor --help` starts fast.

CHART_HEIGHT = 15
CHART_MAX_WIDTH = 100


# --- monitor events -------------------------------------------------------------------------

EVENT_FIELDS = (
    "id", "published", "kind", "country", "counterpart", "value", "qualifier", "unit",
    "status", "period_start", "period_end", "evidence", "confidence", "link", "entry_id",
    "feed_id", "detected_at",
)  # fmt: skip


def event_row(stored: StoredEvent) -> dict[str, Any]:
    """One event as flat fields, for JSON lines and CSV."""
    event, figure = stored.event, stored.event.figure
    return {
        "id": stored.id,
        "published": stored.published,
        "kind": event.kind.value,
        "country": event.country,
        "counterpart": event.counterpart,
        "value": figure.value if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "unit": figure.unit if figure else None,
        "status": event.status.value if event.status else None,
        "period_start": event.period_start,
        "period_end": event.period_end,
        "evidence": event.evidence,
        "confidence": event.confidence,
        "link": stored.link,
        "entry_id": stored.entry_id,
        "feed_id": stored.feed_id,
        "detected_at": stored.detected_at,
    }


def print_csv(rows: Iterable[dict[str, Any]], fields: tuple[str, ...]) -> None:
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()})


@app.command("events")
def events(
    kind: KindOption = None,
    country: CountryOption = None,
    counterpart: CounterpartOption = None,
    since: Annotated[
        str | None, typer.Option(help="Published at or after: YYYY-MM-DD, ISO time, or 7d.")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Published before (a bare date counts whole).")
    ] = None,
    feed: Annotated[int | None, typer.Option(help="Only this feed's (its id).", min=1)] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.", min=1)] = 50,
    json: JsonOption = False,
    csv_: Annotated[bool, typer.Option("--csv", help="CSV with a header on stdout.")] = False,
) -> None:
    """Stored events, newest first: figures, border status, evidence and source."""
    if json and csv_:
        raise typer.BadParameter("choose one of --json and --csv", param_hint="--csv")
    start = parse_when(since, option="--since")
    end = parse_when(until, end_of_day=True, option="--until")
    from monitor.store.events import list_events

    with reading(settings()) as s:
        found = list_events(
            s,
            kind=kind,
            country=country,
            counterpart=counterpart,
            since=start,
            until=end,
            feed_id=feed,
            limit=limit,
        )
    if json:
        print_json_lines(event_row(e) for e in found)
    elif csv_:
        print_csv((event_row(e) for e in found), EVENT_FIELDS)
    else:
        print_events_table(found)


def print_events_table(found: list[StoredEvent]) -> None:
    table = Table(
        "published", "kind", "where", "figure", "status", "period", "evidence", link_column()
    )
    for stored in found:
        event = stored.event
        table.add_row(
            format_when(stored.published),
            event.kind.value,
            where(event.country, event.counterpart),
            format_figure(event.figure) if event.figure else "",
            event.status.value if event.status else "",
            period(event.period_start, event.period_end),
            shorten(event.evidence),
            stored.link or "",
        )
    console.print(table)
    err_console.print(plural(len(found), "event"))


# --- monitor indicators [set-threshold] ---------------------------------------------------

indicators_app = typer.Typer(
    invoke_without_command=True,
    help="Tracked series: their current value or status, sources and thresholds.",
)
app.add_typer(indicators_app, name="indicators")


def default_threshold(config: Settings, kind: EventKind) -> str | None:
    return {
        EventKind.MOBILIZATION: config.threshold_mobilization,
        EventKind.EMIGRATION: config.threshold_emigration,
    }.get(kind)


def current_value(view: IndicatorView) -> str:
    if view.status is not None:
        return view.status.value
    return format_figure(view.figure)


def indicator_row(view: IndicatorView, default: str | None) -> dict[str, Any]:
    figure, key = view.figure, view.key
    return {
        "id": view.id,
        "kind": key.kind.value,
        "country": key.country,
        "counterpart": key.counterpart,
        "unit": key.unit,
        "value": figure.value if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "status": view.status.value if view.status else None,
        "as_of": view.as_of,
        "changed_at": view.changed_at,
        "first_seen_at": view.first_seen_at,
        "source_count": view.source_count,
        "threshold": view.threshold or default,
        "threshold_is_default": view.threshold is None,
        "source": dataclasses.asdict(view.source) if view.source else None,
    }


@indicators_app.callback()
def indicators(
    ctx: typer.Context,
    kind: KindOption = None,
    country: CountryOption = None,
    counterpart: CounterpartOption = None,
    json: JsonOption = False,
) -> None:
    """The tracked series with their current value, last change, sources and threshold."""
    if ctx.invoked_subcommand is not None:
        return
    from monitor.store.indicators import list_indicators

    config = settings()
    with reading(config) as s:
        views = list_indicators(s, kind=kind, country=country, counterpart=counterpart)
    rows = [indicator_row(view, default_threshold(config, view.key.kind)) for view in views]
    if json:
        print_json_lines(rows)
        return
    table = Table("indicator", "current", "qualifier", "as of", "changed", "sources", "threshold")
    for view, row in zip(views, rows, strict=True):
        threshold = row["threshold"] or "-"
        table.add_row(
            format_indicator(view.key),
            current_value(view),
            row["qualifier"] or "",
            format_when(view.as_of),
            format_when(view.changed_at),
            str(view.source_count),
            f"{threshold} (default)" if view.threshold is None and row["threshold"] else threshold,
        )
    console.print(table)


def figure_key(kind: EventKind, country: str, counterpart: str | None, unit: str) -> IndicatorKey:
    """The key of a series: a border's status has no unit, a figure has one."""
    is_status = kind is EventKind.BORDER_CLOSURE
    return IndicatorKey(kind, country, counterpart, None if is_status else unit)


@indicators_app.command("set-threshold")
def set_threshold(
    kind: KindArgument,
    country: CountryArgument,
    value: Annotated[
        str | None, typer.Argument(help="How far the figure must move: 10% or 5000.")
    ] = None,
    counterpart: CounterpartOption = None,
    unit: Annotated[str, typer.Option(help="The series' unit.")] = "people",
    default: Annotated[
        bool, typer.Option("--default", help="Use the kind's default threshold again.")
    ] = False,
) -> None:
    """Set one indicator's own alert threshold, or return it to the kind's default."""
    if kind is EventKind.BORDER_CLOSURE:
        raise typer.BadParameter("a border's status has no threshold: every change alerts")
    if (value is None) == (not default):
        raise typer.BadParameter("give a VALUE (like 10% or 5000) or --default, not both")
    from monitor.store.db import transaction
    from monitor.store.indicators import set_threshold as store_threshold
    from monitor.track import parse_threshold

    threshold = None
    if value is not None:
        try:
            threshold = str(parse_threshold(value))
        except MonitorError as exc:
            raise typer.BadParameter(str(exc), param_hint="VALUE") from None
    key = figure_key(kind, country, counterpart, unit)
    config = settings()
    with opened(config) as engine, transaction(engine) as s:
        store_threshold(s, key, threshold)
    shown = threshold or f"the default ({default_threshold(config, kind)})"
    err_console.print(f"Threshold of {format_indicator(key)} set to {shown}.")


# --- monitor history ------------------------------------------------------------------------


def point_value(point: HistoryPoint) -> str:
    return point.status.value if point.status is not None else format_figure(point.figure)


def point_row(point: HistoryPoint) -> dict[str, Any]:
    figure = point.figure
    return {
        "observation_id": point.observation_id,
        "published": point.published,
        "observed_at": point.observed_at,
        "outcome": point.outcome,
        "backs_current": point.backs_current,
        "value": figure.value if figure else None,
        "qualifier": figure.qualifier.value if figure else None,
        "unit": figure.unit if figure else None,
        "status": point.status.value if point.status else None,
        "title": point.source.title,
        "link": point.source.link,
        "evidence": point.source.evidence,
        "period_start": point.source.period_start,
        "period_end": point.source.period_end,
        "entry_id": point.entry_id,
        "alert_id": point.alert_id,
    }


@app.command("history")
def history(
    kind: KindArgument,
    country: CountryArgument,
    counterpart: CounterpartOption = None,
    unit: Annotated[str, typer.Option(help="The series' unit (figures only).")] = "people",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Show what was known at this date or time.")
    ] = None,
    limit: Annotated[int, typer.Option(help="Readings shown in the table (latest).", min=1)] = 30,
    chart: Annotated[bool, typer.Option(help="Draw the values over time.")] = True,
    json: JsonOption = False,
) -> None:
    """A series' readings over time with their sources, and a chart of its value."""
    from monitor.store.indicators import history_page, indicator_history

    key = figure_key(kind, country, counterpart, unit)
    known_at = parse_when(as_of, end_of_day=True, option="--as-of")
    with reading(settings()) as s:
        if json:
            points = indicator_history(s, key, as_of=known_at)
            page = None
        else:
            page = history_page(s, key, as_of=known_at, limit=limit)
            points = list(page.latest)
    if not points:
        by = f" by {as_of}" if as_of else ""
        raise MonitorError(f"no readings of {format_indicator(key)}{by}: see `monitor indicators`")
    if page is None:
        print_json_lines(point_row(p) for p in points)
        return
    print_summary(key, page, as_of)
    if chart:
        drawn = draw_chart(key, page.values, width=min(console.width, CHART_MAX_WIDTH))
        if drawn:
            console.print(drawn, markup=False, highlight=False, soft_wrap=True)
    print_history_table(page)


def print_summary(key: IndicatorKey, page: HistoryPage, as_of: str | None) -> None:
    current = page.values[-1] if page.values else page.latest[-1]
    sources = f", {plural(page.sources, 'source')}" if page.sources and not as_of else ""
    known = f" (as known at {as_of})" if as_of else ""
    console.print(
        f"{format_indicator(key)}: {point_value(current)} since "
        f"{format_when(current.published)}{sources}; {plural(page.readings, 'reading')}{known}",
        markup=False,
        highlight=False,
    )


def draw_chart(key: IndicatorKey, points: Sequence[HistoryPoint], *, width: int) -> str | None:
    """The readings that set the value, over time, as a terminal chart (plain text, no
    colours); None without figures to draw."""
    import plotext  # loaded only to draw

    drawn = [p for p in points if p.figure is not None]
    if not drawn:
        return None
    values = [p.figure.value for p in drawn if p.figure is not None]
    figure = plotext.figure
    figure.clear()
    figure.plot_size(width, CHART_HEIGHT)
    figure.date().activate(form="%Y-%m-%d")
    signal = figure.signal([p.published for p in drawn], values, marker="braille")
    signal.lines()
    figure.draw(signal)
    low, high = min(values), max(values)
    ticks = sorted({low + (high - low) * i // 4 for i in range(5)})
    figure.ruler("y").ticks(ticks, [f"{tick:,}" for tick in ticks])
    figure.title(f"{format_indicator(key)} ({key.unit or 'status'})")
    text: str = plotext.uncolorize(figure.build())
    figure.clear()
    return text


def print_history_table(page: HistoryPage) -> None:
    shown = page.latest
    table = Table("published", "value", "outcome", "source", link_column())
    for point in shown:
        table.add_row(
            format_when(point.published),
            point_value(point),
            point.outcome.replace("_", " "),
            shorten(point.source.title, 60),
            point.source.link or "",
        )
    console.print(table)
    if len(shown) < page.readings:
        err_console.print(f"The latest {len(shown)} of {page.readings:,} readings (see --limit).")


# --- monitor entries ------------------------------------------------------------------------


def entry_row(entry: StoredEntry) -> dict[str, Any]:
    return dataclasses.asdict(entry)


@app.command("entries")
def entries(
    search: Annotated[
        str | None, typer.Option(help="Text in the title or summary, any case.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.", min=1)] = 50,
    json: JsonOption = False,
) -> None:
    """Stored feed entries, newest first; with --search, those that contain the text."""
    from monitor.store.entries import search_entries

    with reading(settings()) as s:
        found = search_entries(s, search or "", limit=limit)
    if json:
        print_json_lines(entry_row(e) for e in found)
        return
    table = Table("id", "published", "feed", "title", link_column())
    for entry in found:
        table.add_row(
            str(entry.id),
            format_when(entry.published or entry.fetched_at),
            str(entry.feed_id),
            shorten(entry.title, 80),
            entry.link or "",
        )
    console.print(table)
    err_console.print(f"{len(found):,} {'entry' if len(found) == 1 else 'entries'}")
