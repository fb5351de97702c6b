"""A local farm of synthetic news feeds for the polling benchmark.

Run on its own (`python bench/farm.py --feeds 1000 --entries 20`) it serves, on
127.0.0.1 and a free port that it prints as its first line of stdout:

- `GET /feed/<i>.xml`: feed i, RSS 2.0 for even i and Atom for odd i, with a strong
  ETag and Last-Modified, and 304 on If-None-Match / If-Modified-Since;
- `GET /feeds.opml`: every feed, for `monitor feeds import-opml`;
- `POST /advance?fraction=0.05`: one new entry in that share of the feeds (the oldest
  entry drops off, so a feed keeps its size); the choice is seeded, so reproducible;
- `POST /reset`: back to the first state, counters zeroed;
- `GET /stats`: requests served so far, as JSON (`requests`, `ok`, `not_modified`).

About 5% of the entries report a mobilization, a border closure or an emigration
figure, so that detection has real work to do. `Farm` starts and drives the server
from another process.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import socket
import subprocess
import sys
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

EVENT_SHARE = 0.05
OUTLETS = (
    "Baltic Herald", "Caucasus Wire", "Danube Daily", "Eastern Ledger", "Frontier Post",
    "Harbour Times", "Steppe Review", "Northern Courier", "Black Sea Monitor", "Vistula News",
)  # fmt: skip
CITIES = (
    "Tallinn", "Riga", "Vilnius", "Warsaw", "Chisinau", "Tbilisi", "Yerevan", "Almaty",
    "Helsinki", "Bucharest", "Sofia", "Kyiv", "Minsk", "Astana", "Baku", "Bishkek",
)  # fmt: skip
COUNTRIES = (
    "Russia", "Ukraine", "Belarus", "Finland", "Poland", "Latvia", "Lithuania", "Estonia",
    "Georgia", "Armenia", "Kazakhstan", "Moldova", "Romania", "Serbia", "Israel", "Iran",
)  # fmt: skip
TOPICS = (
    ("council approves", "a new budget for public transport", "the tram network"),
    ("university opens", "a research centre on climate", "its new campus"),
    ("court delays", "a ruling on the port concession", "the harbour authority"),
    ("farmers protest", "low grain prices", "the agriculture ministry"),
    ("central bank holds", "its key interest rate", "inflation expectations"),
    ("festival draws", "record crowds to the old town", "local hotels"),
    ("hospital expands", "its emergency department", "regional health services"),
    ("energy firm signs", "a gas supply deal", "winter heating costs"),
    ("football club appoints", "a new head coach", "the national league"),
    ("rail operator adds", "night trains to the coast", "summer timetables"),
)
FILLER = (
    "Officials said the decision followed months of consultation.",
    "Critics argued the plan was rushed and poorly funded.",
    "The measure takes effect next month, according to a statement.",
    "Residents interviewed on Monday were divided over the change.",
    "Analysts expect the impact to be felt well into next year.",
    "A spokesperson declined to give further details.",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August")


def event_story(rng: random.Random) -> tuple[str, str]:
    """A headline and lead sentence reporting one of the three kinds of event."""
    country, other = rng.sample(COUNTRIES, 2)
    count = rng.randrange(5, 400) * 1000
    kind = rng.randrange(3)
    if kind == 0:
        return (
            f"{country} announces mobilization of {count:,} reservists",
            f"{country} has ordered a partial mobilization, calling up {count:,} reservists "
            f"for service, the defence ministry said.",
        )
    if kind == 1:
        return (
            f"{country} closes border with {other}",
            f"{country} closed all crossings on its border with {other} from midnight, "
            f"the border guard service announced.",
        )
    month = rng.choice(MONTHS)
    return (
        f"{count:,} people left {country} in {month}",
        f"About {count:,} people emigrated from {country} in {month}, "
        f"according to the national statistics office.",
    )


def ordinary_story(rng: random.Random) -> tuple[str, str]:
    city = rng.choice(CITIES)
    verb, what, who = rng.choice(TOPICS)
    return (
        f"{city} {verb} {what}",
        f"The {city} announcement on {what} drew an immediate response from {who}.",
    )


@dataclass(frozen=True, slots=True)
class Item:
    guid: str
    link: str
    title: str
    summary_html: str
    published: datetime


def make_item(seed: int, feed: int, number: int, epoch: datetime) -> Item:
    """Entry `number` of `feed`: the same text for the same seed, a later date for a
    higher number."""
    rng = random.Random(f"{seed}:{feed}:{number}")
    story = event_story if rng.random() < EVENT_SHARE else ordinary_story
    title, lead = story(rng)
    extra = rng.sample(FILLER, rng.randrange(1, 4))
    link = f"https://news{feed % 97}.example/{feed}/story-{number}"
    summary = (
        f"<p><b>{escape(lead)}</b> {' '.join(extra[:-1])}</p>"
        f'<p>{extra[-1]} <a href="{link}">Read more</a> <em>(report {feed}-{number})</em></p>'
    )
    published = epoch + timedelta(minutes=41 * number + feed % 41)
    return Item(f"farm-{feed}-{number}", link, title, summary, published)


def render_rss(feed: int, items: list[Item], base_url: str) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>',
        f"<title>{OUTLETS[feed % len(OUTLETS)]} #{feed}</title>",
        f"<link>{base_url}/feed/{feed}.xml</link><description>Farm feed {feed}</description>",
    ]
    for item in items:
        parts.append(
            f"<item><title>{escape(item.title)}</title><link>{escape(item.link)}</link>"
            f'<guid isPermaLink="false">{item.guid}</guid>'
            f"<pubDate>{format_datetime(item.published, usegmt=True)}</pubDate>"
            f"<description>{escape(item.summary_html)}</description></item>"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()


def render_atom(feed: int, items: list[Item], base_url: str) -> bytes:
    updated = items[0].published.isoformat() if items else "2000-01-01T00:00:00+00:00"
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{OUTLETS[feed % len(OUTLETS)]} #{feed}</title><id>urn:farm:{feed}</id>",
        f'<link href="{base_url}/feed/{feed}.xml" rel="self"/><updated>{updated}</updated>',
    ]
    for item in items:
        parts.append(
            f"<entry><title>{escape(item.title)}</title><link href={quoteattr(item.link)}/>"
            f"<id>urn:{item.guid}</id><updated>{item.published.isoformat()}</updated>"
            f"<published>{item.published.isoformat()}</published>"
            f'<summary type="html">{escape(item.summary_html)}</summary></entry>'
        )
    parts.append("</feed>\n")
    return "".join(parts).encode()


@dataclass(frozen=True, slots=True)
class Document:
    body: bytes
    etag: str
    last_modified: datetime
    content_type: str


@dataclass(slots=True)
class FarmState:
    """The feeds, their entry counts, and the documents rendered so far."""

    feeds: int
    entries: int
    seed: int
    epoch: datetime
    base_url: str = ""
    counts: list[int] = field(default_factory=list)
    generation: int = 0
    cache: dict[tuple[int, int], Document] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)

    def reset(self) -> None:
        self.counts = [self.entries] * self.feeds
        self.generation = 0
        self.stats = {"requests": 0, "ok": 0, "not_modified": 0}

    def document(self, feed: int) -> Document:
        """Feed `feed` as it stands; documents are cached by (feed, entry count)."""
        count = self.counts[feed]
        key = (feed, count)
        if key not in self.cache:
            numbers = range(count - 1, max(count - self.entries, 0) - 1, -1)
            items = [make_item(self.seed, feed, n, self.epoch) for n in numbers]
            render = render_rss if feed % 2 == 0 else render_atom
            body = render(feed, items, self.base_url)
            kind = "rss" if feed % 2 == 0 else "atom"
            self.cache[key] = Document(
                body=body,
                etag='"' + hashlib.sha1(body).hexdigest() + '"',
                last_modified=items[0].published if items else self.epoch,
                content_type=f"application/{kind}+xml; charset=utf-8",
            )
        return self.cache[key]

    def advance(self, fraction: float) -> list[int]:
        """One new entry in `fraction` of the feeds, chosen by the seed and generation."""
        self.generation += 1
        chosen = round(self.feeds * fraction)
        rng = random.Random(f"{self.seed}:advance:{self.generation}")
        feeds = sorted(rng.sample(range(self.feeds), min(chosen, self.feeds)))
        for feed in feeds:
            self.counts[feed] += 1
            self.document(feed)  # rendered now, not while a contender waits
        return feeds


def is_not_modified(request: web.Request, doc: Document) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or doc.etag in tags
    since = request.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return doc.last_modified <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def make_app(state: FarmState) -> web.Application:
    async def feed(request: web.Request) -> web.StreamResponse:
        number = request.match_info["number"]
        if not number.isdigit() or int(number) >= state.feeds:
            raise web.HTTPNotFound()
        doc = state.document(int(number))
        state.stats["requests"] += 1
        headers = {
            "ETag": doc.etag,
            "Last-Modified": format_datetime(doc.last_modified, usegmt=True),
        }
        if is_not_modified(request, doc):
            state.stats["not_modified"] += 1
            return web.Response(status=304, headers=headers)
        state.stats["ok"] += 1
        headers["Content-Type"] = doc.content_type
        return web.Response(body=doc.body, headers=headers)

    async def opml(request: web.Request) -> web.Response:
        outlines = "".join(
            f'<outline type="rss" text="Farm feed {i}" xmlUrl="{state.base_url}/feed/{i}.xml"/>'
            for i in range(state.feeds)
        )
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<opml version="2.0">'
            f"<head><title>Feed farm</title></head><body>{outlines}</body></opml>\n"
        )
        return web.Response(text=text, content_type="text/x-opml")

    async def advance(request: web.Request) -> web.Response:
        try:
            fraction = float(request.query.get("fraction", "0.05"))
        except ValueError:
            raise web.HTTPBadRequest(text="fraction must be a number") from None
        if not 0 <= fraction <= 1:
            raise web.HTTPBadRequest(text="fraction must lie between 0 and 1")
        feeds = state.advance(fraction)
        return web.json_response({"generation": state.generation, "feeds": feeds})

    async def reset(request: web.Request) -> web.Response:
        state.reset()
        return web.json_response({"generation": 0})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response(state.stats)

    app = web.Application()
    app.router.add_get("/feed/{number}.xml", feed)
    app.router.add_get("/feeds.opml", opml)
    app.router.add_post("/advance", advance)
    app.router.add_post("/reset", reset)
    app.router.add_get("/stats", stats)
    return app


async def serve(state: FarmState, port: int) -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    state.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    state.reset()
    for feed in range(state.feeds):  # render up front, so no contender pays for it
        state.document(feed)
    runner = web.AppRunner(make_app(state), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=1024).start()
    print(state.base_url, flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a farm of synthetic news feeds.")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.entries < 1:
        parser.error("--feeds and --entries must be at least 1")
    epoch = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    state = FarmState(args.feeds, args.entries, args.seed, epoch)
    try:
        asyncio.run(serve(state, args.port))
    except KeyboardInterrupt:
        pass


class Farm:
    """The farm in a child process; `with Farm(1000, 20) as farm: farm.reset() ...`."""

    def __init__(self, feeds: int, entries: int, seed: int = 1) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), f"--feeds={feeds}"]
        command += [f"--entries={entries}", f"--seed={seed}"]
        self.feeds = feeds
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        if not line.startswith("http://"):
            self.close()
            raise RuntimeError(f"the feed farm did not start (it printed {line!r})")
        self.url = line

    def feed_url(self, number: int) -> str:
        return f"{self.url}/feed/{number}.xml"

    def call(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(self.url + path, method=method)
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def reset(self) -> None:
        self.call("/reset", "POST")

    def advance(self, fraction: float) -> list[int]:
        reply = self.call(f"/advance?fraction={fraction}", "POST")
        assert isinstance(reply, dict)
        return list(reply["feeds"])

    def stats(self) -> dict[str, int]:
        reply = self.call("/stats")
        assert isinstance(reply, dict)
        return {str(k): int(v) for k, v in reply.items()}

    def opml(self) -> bytes:
        with urllib.request.urlopen(self.url + "/feeds.opml", timeout=30) as response:
            body: bytes = response.read()
            return body

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()

    def __enter__(self) -> Farm:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


if __name__ == "__main__":
    main()
