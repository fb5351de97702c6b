"""The bundled demo feeds: read them once, pick an edition, list them as OPML.

Layout of the data directory (``monitor/demo/feeds/``)::

    feeds/<name>.xml             edition 1 of feed <name> (RSS 2.0 or Atom)
    feeds/edition2/<name>.xml    edition 2 of <name>, where it differs

A feed without a file for edition N serves its edition N-1 body, so every feed has as
many editions as the highest ``editionN`` directory. All text is synthetic.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from importlib import resources
from importlib.resources.abc import Traversable

ATOM = "{http://www.w3.org/2005/Atom}"
_DATE_TAGS = ("pubDate", "lastBuildDate", f"{ATOM}updated", f"{ATOM}published")


class FeedFormat(StrEnum):
    RSS = "rss"
    ATOM = "atom"


CONTENT_TYPES = {
    FeedFormat.RSS: "application/rss+xml; charset=utf-8",
    FeedFormat.ATOM: "application/atom+xml; charset=utf-8",
}
OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8"


@dataclass(frozen=True, slots=True)
class Edition:
    """One version of a feed's document, with its HTTP validators."""

    body: bytes
    etag: str  # quoted, strong: '"3f2a..."'
    last_modified: datetime  # the newest date in the document, UTC


@dataclass(frozen=True, slots=True)
class DemoFeed:
    name: str  # the file stem, also the URL path: /feeds/<name>.xml
    title: str
    format: FeedFormat
    editions: tuple[Edition, ...]  # editions[0] is edition 1

    @property
    def path(self) -> str:
        return f"/feeds/{self.name}.xml"

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    def edition(self, number: int) -> Edition:
        """Edition `number`, clamped to the ones that exist."""
        return self.editions[min(max(number, 1), len(self.editions)) - 1]


def bundled_feeds_dir() -> Traversable:
    return resources.files("monitor.demo") / "feeds"


def load_demo_feeds(root: Traversable | None = None) -> tuple[DemoFeed, ...]:
    """Every feed under `root` (default: the bundled ones), sorted by name."""
    root = root if root is not None else bundled_feeds_dir()
    overlays = _edition_dirs(root)
    feeds = []
    for item in sorted(root.iterdir(), key=lambda t: t.name):
        if not (item.is_file() and item.name.endswith(".xml")):
            continue
        bodies = [item.read_bytes()]
        for overlay in overlays:
            newer = overlay / item.name
            bodies.append(newer.read_bytes() if newer.is_file() else bodies[-1])
        feeds.append(_read_feed(item.name.removesuffix(".xml"), bodies))
    return tuple(feeds)


def _edition_dirs(root: Traversable) -> list[Traversable]:
    """The `edition2`, `edition3` ... directories, in order, without gaps."""
    dirs = []
    number = 2
    while (candidate := root / f"edition{number}").is_dir():
        dirs.append(candidate)
        number += 1
    return dirs


def _read_feed(name: str, bodies: list[bytes]) -> DemoFeed:
    editions = []
    for body in bodies:
        tree = ET.fromstring(body)
        editions.append(Edition(body, make_etag(body), _newest_date(tree)))
    first = ET.fromstring(bodies[0])
    feed_format = FeedFormat.ATOM if first.tag == f"{ATOM}feed" else FeedFormat.RSS
    title = first.findtext(f"{ATOM}title") or first.findtext("channel/title") or name
    return DemoFeed(name, title.strip(), feed_format, tuple(editions))


def make_etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:20] + '"'


def _newest_date(tree: ET.Element) -> datetime:
    dates = [
        _parse_date(node.text)
        for tag in _DATE_TAGS
        for node in tree.iter(tag)
        if node.text and node.text.strip()
    ]
    if not dates:
        raise ValueError("a demo feed must carry at least one date")
    return max(dates)


def _parse_date(text: str) -> datetime:
    text = text.strip()
    if text[:1].isdigit():  # Atom: RFC 3339
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    else:  # RSS: RFC 822
        parsed = parsedate_to_datetime(text)
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def render_opml(feeds: tuple[DemoFeed, ...], base_url: str) -> bytes:
    """An OPML 2.0 subscription list of `feeds`, their URLs under `base_url`."""
    base = base_url.rstrip("/")
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = "monitor demo feeds (synthetic news)"
    body = ET.SubElement(opml, "body")
    for feed in feeds:
        ET.SubElement(
            body,
            "outline",
            type="rss",
            text=feed.title,
            title=feed.title,
            xmlUrl=base + feed.path,
            htmlUrl=base + "/",
        )
    ET.indent(opml)
    document: bytes = ET.tostring(opml, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
