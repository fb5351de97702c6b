"""Rendering: subjects, bodies and Slack escaping. Pure, table-driven."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from monitor.alerts.render import (
    SLACK_MAX_CHARS,
    escape_slack,
    format_figure,
    render_change,
    render_digest,
    render_html,
    render_slack,
    render_subject,
    render_test_message,
    render_text,
)
from monitor.model import ChangeType, Figure, Qualifier, Source
from tests.alerts.alert_samples import (
    NEW_SOURCE,
    OLD_SOURCE,
    border_change,
    emigration_change,
    mobilization_change,
)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        (Figure(300_000, Qualifier.UP_TO), "up to 300,000"),
        (Figure(400_000, Qualifier.AT_LEAST), "at least 400,000"),
        (Figure(66_000, Qualifier.APPROX), "~66,000"),
        (Figure(300_000, Qualifier.EXACT), "300,000"),
        (Figure(12, Qualifier.EXACT, unit="buses"), "12 buses"),
        (None, "no figure"),
    ],
)
def test_format_figure_keeps_the_qualifier(figure: Figure | None, expected: str) -> None:
    assert format_figure(figure) == expected


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (emigration_change(), "[monitor] emigration RU\u2192EU: ~66,000 \u2192 ~97,000 (+47%)"),
        (mobilization_change(), "[monitor] mobilization RU: up to 300,000 (new)"),
        (border_change(), "[monitor] border FI\u2192RU: closed \u2192 reopened"),
        (
            emigration_change(100_000, 88_000),
            "[monitor] emigration RU\u2192EU: ~100,000 \u2192 ~88,000 (down, \u221212%)",
        ),
        (
            emigration_change(100_000, 100_500),
            "[monitor] emigration RU\u2192EU: ~100,000 \u2192 ~100,500 (+0.5%)",
        ),
        (
            emigration_change(0, 5_000),
            "[monitor] emigration RU\u2192EU: ~0 \u2192 ~5,000 (up)",
        ),
    ],
)
def test_subject(change: object, expected: str) -> None:
    assert render_subject(change) == expected  # type: ignore[arg-type]


def test_subject_of_a_qualifier_only_change_says_the_direction() -> None:
    change = dataclasses.replace(
        mobilization_change(),
        change_type=ChangeType.INCREASE,
        old_figure=Figure(300_000, Qualifier.UP_TO),
        new_figure=Figure(300_000, Qualifier.AT_LEAST),
        old_source=OLD_SOURCE,
    )
    assert render_subject(change).endswith("up to 300,000 \u2192 at least 300,000 (up)")


def test_text_holds_both_sides() -> None:
    text = render_text(emigration_change())
    for expected in (
        "Now: ~97,000",
        "Before: ~66,000",
        "Period: 2022-09-21 to 2022-10-05",
        "Period: 2022-09-21 to 2022-09-28",
        NEW_SOURCE.evidence,
        OLD_SOURCE.evidence,
        NEW_SOURCE.title,
        OLD_SOURCE.title,
        "https://frontex.example.eu/news/97k",
        "https://news.example.org/a/1?x=1&y=2",
        "Published: 2022-10-05 09:00 UTC",
    ):
        assert expected in text
    assert text.index("Now:") < text.index("Before:")


def test_text_of_a_first_sighting_has_one_side() -> None:
    text = render_text(mobilization_change())
    assert "Now: up to 300,000" in text
    assert "Before" not in text


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(fragment: str) -> _Collect:
    parser = _Collect()
    parser.feed(fragment)
    return parser


def test_html_holds_both_sides_with_links() -> None:
    parsed = _parse(render_html(emigration_change()))
    text = "".join(parsed.text)
    for expected in ("~97,000", "~66,000", NEW_SOURCE.evidence, OLD_SOURCE.evidence):
        assert expected in text
    assert parsed.links == [NEW_SOURCE.link, OLD_SOURCE.link]


def test_html_escapes_feed_text_and_refuses_script_links() -> None:
    hostile = Source(
        title='<script>alert("x")</script> & co',
        link="javascript:alert(1)",
        published=None,
        evidence="<img src=x onerror=alert(1)> 5,000 left",
    )
    fragment = render_html(emigration_change(new_source=hostile))
    parsed = _parse(fragment)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "javascript:" not in " ".join(parsed.links)
    assert '<script>alert("x")</script> & co' in "".join(parsed.text)


HOSTILE = Source(
    title="Breaking <!channel> & <@U123ABC> news",
    link="https://evil.example.org/a?b=1&c=<2>|x",
    published=None,
    evidence="@here @channel @Everyone <!here> <!subteam^S1|ops> 5,000 crossed > border",
)


def test_slack_escapes_every_mention() -> None:
    body = render_slack(emigration_change(new_source=HOSTILE))
    # no Slack control sequence survives except our own links
    controls = re.findall(r"<([^>]*)>", body)
    assert controls, body
    assert all(c.startswith(("https://", "http://")) for c in controls), controls
    assert "<!" not in body and "<@" not in body
    assert "&lt;!channel&gt;" in body and "&lt;@U123ABC&gt;" in body
    assert "&lt;!here&gt;" in body and "&lt;!subteam^S1|ops&gt;" in body
    assert re.search(r"@(here|channel|everyone)\b", body, re.IGNORECASE) is None
    assert "@\u200dhere" in body and "@\u200dchannel" in body and "@\u200dEveryone" in body
    assert "&amp;" in body and "&gt; border" in body


def test_slack_link_keeps_its_url_in_one_piece() -> None:
    body = render_slack(emigration_change(new_source=HOSTILE))
    assert "<https://evil.example.org/a?b=1&amp;c=%3C2%3E%7Cx|Breaking &lt;!channel&gt;" in body


def test_slack_has_both_values_and_links() -> None:
    body = render_slack(emigration_change())
    assert body.startswith("*emigration RU\u2192EU: ~66,000 \u2192 ~97,000 (+47%)*")
    assert "<https://frontex.example.eu/news/97k|Frontex: 97,000 crossings>" in body
    assert "<https://news.example.org/a/1?x=1&amp;y=2|Exodus: 66,000 leave for the EU>" in body
    assert f">{NEW_SOURCE.evidence}" in body


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a & b", "a &amp; b"),
        ("<!channel>", "&lt;!channel&gt;"),
        ("hi @here!", "hi @\u200dhere!"),
        ("mail me@here.org", "mail me@\u200dhere.org"),
        ("@heretic", "@heretic"),
        ("two\nlines", "two lines"),
    ],
)
def test_escape_slack(raw: str, expected: str) -> None:
    assert escape_slack(raw) == expected


def test_render_change_fills_every_body() -> None:
    change = emigration_change()
    message = render_change(change)
    assert message.subject == render_subject(change)
    assert message.text == render_text(change)
    assert message.html == render_html(change)
    assert message.slack == render_slack(change)


def test_digest_lists_every_change() -> None:
    changes = [emigration_change(), mobilization_change(), border_change()]
    digest = render_digest(changes)
    assert digest.subject == (
        "[monitor] 3 changes: emigration RU\u2192EU, mobilization RU, border FI\u2192RU"
    )
    for change in changes:
        assert change.new_source.evidence in digest.text
        assert change.new_source.title in digest.text
    assert digest.slack.count("\u2022") == 3
    assert len(_parse(digest.html).links) == 3


def test_digest_of_one_is_the_change_itself() -> None:
    assert render_digest([border_change()]) == render_change(border_change())


def test_empty_digest_is_a_bug() -> None:
    with pytest.raises(ValueError):
        render_digest([])


def test_big_digest_fits_one_slack_section() -> None:
    changes = [
        emigration_change(1_000 + i, 2_000 + i, dedup_key=f"k{i}", new_source=HOSTILE)
        for i in range(200)
    ]
    digest = render_digest(changes)
    assert len(digest.slack) <= SLACK_MAX_CHARS
    assert digest.slack.splitlines()[-1].startswith("\u2026and ")
    shown = digest.slack.count("\u2022")
    assert digest.slack.splitlines()[-1] == f"\u2026and {200 - shown} more"
    assert digest.subject == "[monitor] 200 changes: emigration RU\u2192EU"
    assert digest.text.count("\n- ") == 200


def test_test_message_names_the_time() -> None:
    message = render_test_message(datetime(2024, 3, 1, 9, 30, tzinfo=UTC))
    assert message.subject == "[monitor] test message"
    for body in (message.text, message.html, message.slack):
        assert "2024-03-01 09:30 UTC" in body
