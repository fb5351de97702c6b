"""`monitor extract [FILE|-] [--explain]`: events of news items, as JSON lines on stdout.

Input is JSON lines `{"id", "title", "summary", "published"?}` (when the first character that
is not a space is `{`) or an RSS/Atom document, whose entries are identified by their guid.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from monitor.cli.app import app
from monitor.errors import MonitorError


class InputError(MonitorError):
    """The input of `monitor extract` cannot be read."""


@dataclass(frozen=True, slots=True)
class Item:
    id: str
    title: str
    summary: str
    published: date | None


def _date(value: object, where: str) -> date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: 'published' must be a date string like 2024-02-24")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise InputError(f"{where}: 'published' {value!r} is not an ISO date") from None


def _json_item(line: str, where: str) -> Item:
    try:
        obj: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: invalid JSON ({exc.msg})") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str | int):
        raise InputError(f"{where}: each line must be an object with an 'id'")
    title, summary = obj.get("title") or "", obj.get("summary") or ""
    if not isinstance(title, str) or not isinstance(summary, str):
        raise InputError(f"{where}: 'title' and 'summary' must be strings")
    return Item(str(obj["id"]), title, summary, _date(obj.get("published"), where))


def read_json_lines(text: str, name: str) -> Iterator[Item]:
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip():
            yield _json_item(line, f"{name}:{n}")


def read_feed(body: bytes, name: str) -> Iterator[Item]:
    from monitor.feeds.parse import parse_feed  # the feed parser is only needed for feeds

    for entry in parse_feed(body, name).entries:
        published = entry.published.date() if entry.published else None
        yield Item(entry.guid, entry.title, entry.summary, published)


def read_items(body: bytes, name: str) -> Iterator[Item]:
    """Items from JSON lines or an RSS/Atom document, told apart by the first character."""
    if body.lstrip()[:1] == b"{":
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{name}: not UTF-8 text ({exc.reason})") from None
        return read_json_lines(text, name)
    if not body.strip():
        return iter(())
    return read_feed(body, name)


def _read_input(source: str) -> tuple[bytes, str]:
    if source == "-":
        return sys.stdin.buffer.read(), "<stdin>"
    try:
        return Path(source).read_bytes(), source
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror}") from None


def _explain_lines(item: Item) -> None:
    from monitor.detect import explain

    for x in explain(item.title, item.summary, item.published):
        figure = (
            f" {x.event.figure.qualifier.value} {x.event.figure.value}" if x.event.figure else ""
        )
        head = f"{item.id}: {x.event.kind.value} {x.event.country}"
        to = f" -> {x.event.counterpart}" if x.event.counterpart else ""
        status = f" {x.event.status.value}" if x.event.status else ""
        print(f"# {head}{to}{figure}{status} <- {'; '.join(x.cues)}", file=sys.stderr)


@app.command("extract")
def extract(
    source: Annotated[
        str, typer.Argument(help="JSON lines or an RSS/Atom file; - for stdin.")
    ] = "-",
    explain_events: Annotated[
        bool, typer.Option("--explain", help="Show on stderr the words behind each event.")
    ] = False,
) -> None:
    """Detect events in news items and print them as JSON lines {"id", "events"}."""
    from monitor.detect import detect, event_to_json  # the detector loads only to extract

    body, name = _read_input(source)
    skipped = 0
    for item in read_items(body, name):
        detection = detect(item.title, item.summary, item.published)
        skipped += detection.skipped
        events = [event_to_json(e) for e in detection.events]
        sys.stdout.write(json.dumps({"id": item.id, "events": events}, ensure_ascii=False) + "\n")
        if explain_events and events:
            _explain_lines(item)
    if skipped:
        print(f"skipped {skipped} item(s) in unsupported languages", file=sys.stderr)
