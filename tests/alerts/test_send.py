"""Delivery through apprise to real local servers: aiosmtpd for e-mail, an HTTP endpoint
that records requests for Slack and generic JSON targets."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from apprise.plugins.slack import NotifySlack

from monitor.alerts.render import render_change, render_digest
from monitor.alerts.send import (
    BodyKind,
    body_kind,
    message_id_for,
    redact_url,
    scrub,
    send_message,
    validate_target,
)
from monitor.model import Source
from tests.alerts.alert_samples import (
    NEW_SOURCE,
    OLD_SOURCE,
    border_change,
    emigration_change,
    mobilization_change,
)
from tests.alerts.conftest import HttpSink, SmtpSink, free_port

SLACK_TOKENS = "T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7"


def mailto(port: int, extra: str = "") -> str:
    return (
        f"mailto://monitor@127.0.0.1:{port}"
        f"?from=monitor@example.org&to=analyst@example.org&mode=insecure{extra}"
    )


# --- e-mail -------------------------------------------------------------------------


def test_email_carries_subject_both_bodies_and_a_stable_message_id(smtp_sink: SmtpSink) -> None:
    change = emigration_change()
    message = render_change(change)
    msgid = message_id_for(change.dedup_key)

    result = send_message(message, mailto(smtp_sink.port), message_id=msgid, timeout=5)

    assert result.ok, result.error
    assert result.error is None
    assert result.target == f"mailto://127.0.0.1:{smtp_sink.port}"
    [mail] = smtp_sink.messages
    assert mail["Subject"] == "[monitor] emigration RU\u2192EU: ~66,000 \u2192 ~97,000 (+47%)"
    assert mail.get_all("Message-ID") == [msgid]
    assert mail["To"] == "analyst@example.org"
    assert mail["X-Application"] == "monitor"
    assert smtp_sink.envelopes[0].rcpt_tos == ["analyst@example.org"]
    assert mail.get_content_type() == "multipart/alternative"
    text = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert text is not None and html is not None
    plain = text.get_content().replace("\r\n", "\n")
    markup = html.get_content().replace("\r\n", "\n")
    assert plain == message.text
    for expected in (
        "~66,000",
        "~97,000",
        "Period: 2022-09-21 to 2022-10-05",
        NEW_SOURCE.evidence,
        OLD_SOURCE.evidence,
        "https://frontex.example.eu/news/97k",
        "https://news.example.org/a/1?x=1&y=2",
    ):
        assert expected in plain
    assert markup == message.html
    assert '<a href="https://news.example.org/a/1?x=1&amp;y=2">' in markup
    assert NEW_SOURCE.evidence in markup


def test_a_resend_carries_the_same_message_id(smtp_sink: SmtpSink) -> None:
    message = render_change(border_change())
    msgid = message_id_for(border_change().dedup_key)
    url = mailto(smtp_sink.port)
    assert send_message(message, url, message_id=msgid, timeout=5).ok
    assert send_message(message, url, message_id=msgid, timeout=5).ok
    ids = [mail["Message-ID"] for mail in smtp_sink.messages]
    assert ids == [msgid, msgid]


def test_a_message_id_in_the_url_is_replaced_not_doubled(smtp_sink: SmtpSink) -> None:
    msgid = message_id_for("k")
    url = mailto(smtp_sink.port, "&%2BMessage-ID=%3Cother%40example.org%3E")
    assert send_message(render_change(mobilization_change()), url, message_id=msgid).ok
    assert smtp_sink.messages[0].get_all("Message-ID") == [msgid]


def test_without_a_message_id_apprise_makes_one(smtp_sink: SmtpSink) -> None:
    assert send_message(render_change(mobilization_change()), mailto(smtp_sink.port)).ok
    [ident] = smtp_sink.messages[0].get_all("Message-ID") or []
    assert ident.startswith("<") and ident != message_id_for("")


def test_email_digest(smtp_sink: SmtpSink) -> None:
    changes = [emigration_change(), mobilization_change(), border_change()]
    result = send_message(render_digest(changes), mailto(smtp_sink.port))
    assert result.ok
    mail = smtp_sink.messages[0]
    assert mail["Subject"].startswith("[monitor] 3 changes")
    body = mail.get_body(("plain",))
    assert body is not None
    for change in changes:
        assert change.new_source.evidence in body.get_content()


def test_smtp_server_down_is_a_failed_result() -> None:
    port = free_port()  # nothing listens here
    url = f"mailto://monitor:hunter2secret@127.0.0.1:{port}?from=monitor@example.org&mode=insecure"
    result = send_message(render_change(border_change()), url, message_id="<x@y>", timeout=3)
    assert not result.ok
    assert result.error is not None
    assert f"SMTP 127.0.0.1:{port}" in result.error
    assert "refused" in result.error.lower()
    assert "hunter2secret" not in result.error and "hunter2secret" not in result.target


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.05)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    listener.close()
    for conn in accepted:
        conn.close()


def test_a_silent_server_times_out(silent_server: int) -> None:
    started = time.monotonic()
    result = send_message(render_change(border_change()), mailto(silent_server), timeout=1)
    elapsed = time.monotonic() - started
    assert not result.ok
    assert result.error is not None and "timed out" in result.error
    assert elapsed < 10


# --- Slack --------------------------------------------------------------------------


@pytest.fixture
def local_slack(http_sink: HttpSink, monkeypatch: pytest.MonkeyPatch) -> HttpSink:
    """apprise's real Slack plugin, with its webhook host pointed at the local endpoint."""
    monkeypatch.setattr(NotifySlack, "webhook_url", f"http://{http_sink.base}/services")
    return http_sink


HOSTILE = Source(
    title="Alert <!channel> & <@U024BE7LH>",
    link="https://evil.example.org/x?a=1&b=2",
    published=None,
    evidence="Hey @here and <!here>: 5,000 crossed > the border <!everyone>",
)


@pytest.mark.parametrize(
    "url",
    [f"slack://{SLACK_TOKENS}", f"https://hooks.slack.com/services/{SLACK_TOKENS}"],
)
def test_slack_gets_the_mrkdwn_body_verbatim(local_slack: HttpSink, url: str) -> None:
    message = render_change(emigration_change(new_source=HOSTILE))
    result = send_message(message, url, message_id="<ignored@x>")
    assert result.ok, result.error
    [request] = local_slack.requests
    assert request.path == f"/services/{SLACK_TOKENS}"
    payload = json.loads(request.body)
    sections = [
        block["text"]
        for attachment in payload["attachments"]
        for block in attachment["blocks"]
        if block["type"] == "section"
    ]
    assert sections == [{"type": "mrkdwn", "text": message.slack}]
    sent = sections[0]["text"]
    assert "<!" not in sent and "<@" not in sent
    assert "&lt;!channel&gt;" in sent and "&lt;!here&gt;" in sent and "&lt;!everyone&gt;" in sent
    assert "&lt;@U024BE7LH&gt;" in sent
    assert "@\u200dhere" in sent
    assert "<https://evil.example.org/x?a=1&amp;b=2|Alert &lt;!channel&gt; &amp; " in sent


def test_slack_url_forms_pick_the_slack_body() -> None:
    assert body_kind(f"slack://{SLACK_TOKENS}") is BodyKind.SLACK
    assert body_kind(f"https://hooks.slack.com/services/{SLACK_TOKENS}") is BodyKind.SLACK
    assert body_kind("mailtos://user:pw@smtp.example.org") is BodyKind.EMAIL
    assert body_kind("json://127.0.0.1:9/x") is BodyKind.TEXT


def test_slack_refusing_is_a_failed_result(local_slack: HttpSink) -> None:
    local_slack.status = 500
    result = send_message(render_change(border_change()), f"slack://{SLACK_TOKENS}")
    assert not result.ok
    assert result.error is not None and "500" in result.error
    assert result.target == "slack://***"
    assert "TIiajkdnlazkcOXrIdevi7" not in result.error


# --- any other apprise URL ----------------------------------------------------------


def test_generic_json_target_gets_subject_and_text(http_sink: HttpSink) -> None:
    message = render_change(emigration_change(new_source=HOSTILE))
    result = send_message(message, f"json://{http_sink.base}/hook")
    assert result.ok, result.error
    [request] = http_sink.requests
    assert request.path == "/hook"
    payload = json.loads(request.body)
    assert payload["title"] == message.subject
    assert payload["message"] == message.text
    assert HOSTILE.evidence in payload["message"]


def test_http_500_is_a_failed_result(http_sink: HttpSink) -> None:
    http_sink.status = 500
    result = send_message(render_change(border_change()), f"json://{http_sink.base}/hook")
    assert not result.ok
    assert result.error is not None
    assert result.error.startswith(f"json://{http_sink.base}: ")
    assert "500" in result.error
    assert len(http_sink.requests) == 1


def test_unreachable_http_target_is_a_failed_result() -> None:
    result = send_message(render_change(border_change()), f"json://127.0.0.1:{free_port()}/x")
    assert not result.ok
    assert result.error is not None and "connection" in result.error.lower()


def test_invalid_url_is_a_failed_result() -> None:
    result = send_message(render_change(border_change()), "nosuchservice://secret-token@x")
    assert not result.ok
    assert result.error is not None and "nosuchservice://" in result.error
    assert "secret-token" not in result.error


# --- URL checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"slack://{SLACK_TOKENS}",
        f"https://hooks.slack.com/services/{SLACK_TOKENS}",
        "mailtos://user:pw@smtp.example.org?to=a@example.org",
        "mailto://monitor@127.0.0.1:2525?from=a@example.org&mode=insecure",
        "json://localhost:8080/hook",
        "form://example.org/hook",
    ],
)
def test_valid_targets(url: str) -> None:
    assert validate_target(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("", "empty alert URL"),
        ("   ", "empty alert URL"),
        ("just words", "not an apprise URL"),
        ("nosuchservice://pw@host.example.org", "does not support"),
        ("slack://onlyonetoken", "slack://***: "),
        ("mailto://user@127.0.0.1?mode=bogus&from=a@b.org", "mode"),
    ],
)
def test_invalid_targets(url: str, reason: str) -> None:
    problem = validate_target(url)
    assert problem is not None
    assert reason in problem
    assert "\n" not in problem
    assert "onlyonetoken" not in problem


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        (
            "mailtos://user:hunter2@smtp.example.org:587?to=a@b.org",
            "mailtos://smtp.example.org:587",
        ),
        (f"slack://{SLACK_TOKENS}", "slack://***"),
        (f"https://hooks.slack.com/services/{SLACK_TOKENS}", "https://hooks.slack.com"),
        ("tgram://123456:ABCdefSecret/987", "tgram://***"),
        ("json://localhost:8080/hook?token=abc", "json://localhost:8080"),
        ("JSON://user:pw@[::1]:80/x", "json://::1:80"),
        ("no scheme here", "<invalid url>"),
        ("json://host.example.org:notaport/", "json://host.example.org"),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


def test_message_id_is_stable_and_valid() -> None:
    first = message_id_for("emigration:RU:EU:people:97000")
    assert first == message_id_for("emigration:RU:EU:people:97000")
    assert first != message_id_for("emigration:RU:EU:people:98000")
    assert first.startswith("<alert.") and first.endswith("@monitor.invalid>")
    assert message_id_for("a b<c>@d", domain="example.org").endswith("@example.org>")
    assert " " not in message_id_for("a b<c>@d")


@pytest.mark.parametrize(
    ("text", "url", "expected"),
    [
        (
            "login failed for user:hunter2.pw at smtp.example.org",
            "mailtos://user:hunter2.pw@smtp.example.org",
            "login failed for user:*** at smtp.example.org",
        ),
        (
            "POST https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/xyzSECRET1 failed",
            "slack://T1JJ3T3L2/A1BRTD4JD/xyzSECRET1",
            "POST https://hooks.slack.com/services/***/***/*** failed",
        ),
        (
            "refused analyst@example.org on localhost",
            "mailto://localhost:25?to=analyst@example.org&token=abcdef123",
            "refused analyst@example.org on localhost",
        ),
        ("bot 123456:ABCdef rejected", "tgram://123456:ABCdef/987", "bot ***:*** rejected"),
    ],
)
def test_scrub_masks_secrets_of_the_url(text: str, url: str, expected: str) -> None:
    assert scrub(text, url) == expected
