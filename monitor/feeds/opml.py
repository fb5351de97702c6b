"""Read and write OPML subscription lists.

Reading goes through defusedxml, so an OPML file with entity tricks (billion laughs,
external entities or DTDs) is refused with a `ParseError`, never expanded or fetched.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import defusedxml
import defusedxml.ElementTree as SafeET

from monitor.errors import ParseError


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str | None


def read_opml(data: bytes, *, source: str = "OPML") -> list[OpmlFeed]:
    """Every http(s) `xmlUrl` in the outlines, nested at any depth, once each and in
    document order. Other schemes are skipped. `source` names the input in errors."""
    root = _parse_xml(data, source)
    if _local_name(root.tag) != "opml":
        raise ParseError(source, f"not OPML: the root element is <{_local_name(root.tag)}>")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in root.iter():
        if _local_name(outline.tag) != "outline":
            continue
        url = (_attribute(outline, "xmlUrl") or "").strip()
        if url in seen or not url.lower().startswith(("http://", "https://")):
            continue
        seen.add(url)
        title = (_attribute(outline, "title") or _attribute(outline, "text") or "").strip()
        # write_opml puts the URL in the required `text` when a feed has no title
        feeds.append(OpmlFeed(url=url, title=title if title and title != url else None))
    return feeds


def write_opml(feeds: Sequence[tuple[str, str | None]], *, title: str = "monitor feeds") -> str:
    """An OPML 2.0 document with one `<outline type="rss">` per (url, title)."""
    root = ET.Element("opml", version="2.0")
    ET.SubElement(ET.SubElement(root, "head"), "title").text = title
    body = ET.SubElement(root, "body")
    for url, feed_title in feeds:
        outline = ET.SubElement(body, "outline", type="rss", text=feed_title or url)
        if feed_title:
            outline.set("title", feed_title)
        outline.set("xmlUrl", url)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _parse_xml(data: bytes, source: str) -> ET.Element:
    if not data.strip():
        raise ParseError(source, "not OPML: the file is empty")
    try:
        root: ET.Element = SafeET.fromstring(data, forbid_dtd=False)
    except ET.ParseError as exc:
        raise ParseError(source, f"not OPML: invalid XML ({exc})") from exc
    except defusedxml.DefusedXmlException as exc:
        raise ParseError(source, f"refused: {exc}") from exc
    return root


def _attribute(element: ET.Element, name: str) -> str | None:
    """An attribute by name, case-insensitively (some exporters write `xmlurl`)."""
    value = element.get(name)
    if value is not None:
        return value
    lowered = name.lower()
    for key, other in element.attrib.items():
        if key.lower() == lowered:
            return other
    return None


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
