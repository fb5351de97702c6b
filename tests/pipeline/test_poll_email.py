"""End to end by e-mail: the demo feeds polled, alerts sent to a real SMTP server (aiosmtpd).

One e-mail per indicator; the update 66,000 -> 97,000 sends exactly one more, with both values
and both sources; a re-poll sends nothing."""

from __future__ import annotations

from email.message import EmailMessage

import sqlalchemy as sa

from monitor.demo.server import DemoServer
from monitor.pipeline.outbox import send_pending
from monitor.store import feeds, indicators
from monitor.store.db import transaction
from tests.alerts.conftest import SmtpSink, smtp_sink  # noqa: F401 (fixture)
from tests.pipeline.test_poll_alerts import demo, now, poll  # noqa: F401 (fixture)


def send_mail(engine: sa.Engine, smtp: SmtpSink) -> int:
    url = (
        f"mailto://monitor@127.0.0.1:{smtp.port}"
        "?from=monitor@example.org&to=desk@example.org&mode=insecure"
    )
    summary = send_pending(
        engine,
        targets_for=lambda kind: [url],
        clock=now,
        max_attempts=3,
        retry_base_seconds=30,
        digest_after=100,
        digest_window_seconds=600,
        owner="test",
    )
    return summary.delivered


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def test_alerts_arrive_by_email_once_each(
    engine: sa.Engine,
    demo: DemoServer,  # noqa: F811 (the fixture)
    smtp_sink: SmtpSink,  # noqa: F811 (the fixture)
) -> None:
    smtp = smtp_sink
    wire = next(f for f in demo.feeds if f.name == "demo-europe")
    with transaction(engine) as s:
        feeds.add_feed(s, demo.base_url + wire.path.lstrip("/"), interval_seconds=900, now=now())
    poll(engine)
    with transaction(engine, readonly=True) as s:
        tracked = len(indicators.list_indicators(s))
    assert send_mail(engine, smtp) == tracked
    assert len(smtp.messages) == tracked >= 2

    demo.advance()
    poll(engine)
    send_mail(engine, smtp)
    changes = [m for m in smtp.messages[tracked:] if "RU→EU" in str(m["Subject"])]
    assert [str(m["Subject"]) for m in changes] == [
        "[monitor] emigration RU→EU: ~66,000 → ~97,000 (+47%)"
    ]
    body = text_of(changes[0])
    assert "66,000" in body and "97,000" in body
    assert body.count("https://demo.example.org/") >= 2  # both sources linked

    sent = len(smtp.messages)
    poll(engine)
    assert send_mail(engine, smtp) == 0
    assert len(smtp.messages) == sent
    ids = [m["Message-ID"] for m in smtp.messages]
    assert len(set(ids)) == len(ids)
