"""Sample feeds for the tests: the files in tests/data/feeds and generated big ones."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"


def read_sample(name: str) -> bytes:
    return (DATA / name).read_bytes()


def make_rss(items: int, summary_bytes: int = 400) -> bytes:
    """A valid RSS 2.0 feed of `items` items whose descriptions are ~`summary_bytes`."""
    filler = ("Border guards reported long queues at the crossing. " * 50)[:summary_bytes]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        "<title>Big feed</title><link>https://big.example.com/</link>"
        "<description>generated</description>"
    ]
    for i in range(items):
        parts.append(
            f"<item><title>Story {i}</title><link>https://big.example.com/{i}</link>"
            f"<guid>big-{i}</guid><pubDate>Mon, 02 Mar 2026 10:00:00 GMT</pubDate>"
            f"<description>{filler}</description></item>\n"
        )
    parts.append("</channel></rss>\n")
    return "".join(parts).encode()
