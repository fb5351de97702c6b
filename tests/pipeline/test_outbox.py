"""The send job against a real local HTTP endpoint (apprise json://), on SQLite and PostgreSQL:
once per alert and target, back-off then failure, retry, digests, concurrent senders."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from monitor.alerts.digest import digest_key
from monitor.alerts.send import message_id_for
from monitor.errors import StoreError
from monitor.model import (
    Change,
    ChangeType,
    EventKind,
    Figure,
    IndicatorKey,
    Qualifier,
    Source,
)
from monitor.pipeline.outbox import (
    UNCONFIGURED,
    SendSummary,
    retry_alert,
    routes_from,
    send_pending,
    target_ref,
)
from monitor.store import outbox as store_outbox
from monitor.store.db import transaction
from monitor.store.outbox import DeliveryStatus
from tests.alerts.conftest import SmtpSink, free_port

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
KEY_IN_TEXT = re.compile(r"Alert key: (\S+)")


@dataclass
class Sink:
    """A webhook that records each JSON request; `status` and `delay` shape its answer."""

    port: int = 0
    status: int = 200
    delay: float = 0.0
    bodies: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "hook", auth: str = "") -> str:
        return f"json://{auth}127.0.0.1:{self.port}/{path}"

    def keys(self) -> list[str]:
        with self.lock:
            return [k for body in self.bodies for k in KEY_IN_TEXT.findall(body["message"])]


@contextmanager
def serve_sink() -> Iterator[Sink]:
    """Runs the webhook on 127.0.0.1 on a free port while the block runs."""
    state = Sink()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(state.delay)
            with state.lock:
                if state.status == 200:
                    state.bodies.append(body)
            self.send_response(state.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sink() -> Iterator[Sink]:
    with serve_sink() as state:
        yield state


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def change(n: int, kind: EventKind = EventKind.EMIGRATION) -> Change:
    unit = None if kind is EventKind.BORDER_CLOSURE else "people"
    return Change(
        key=IndicatorKey(kind, "RU", f"C{n}", unit),
        change_type=ChangeType.FIRST_SEEN,
        new_source=Source(f"Story {n}", f"https://news.example/{n}", T0, f"About {n} left."),
        detected_at=T0 + timedelta(seconds=n),
        dedup_key=f"chg:{n:04d}",
        new_figure=Figure(1000 + n, Qualifier.APPROX),
    )


def add_alerts(engine: sa.Engine, numbers: range) -> list[int]:
    with transaction(engine) as s:
        ids = [store_outbox.add_alert(s, change(n), indicator_id=None, now=T0) for n in numbers]
    assert None not in ids
    return [i for i in ids if i is not None]


def run(
    engine: sa.Engine,
    urls: list[str],
    clock: Clock,
    *,
    owner: str = "test",
    digest_after: int = 100,
    max_attempts: int = 3,
) -> SendSummary:
    return send_pending(
        engine,
        targets_for=lambda kind: urls,
        clock=clock,
        max_attempts=max_attempts,
        retry_base_seconds=30,
        digest_after=digest_after,
        digest_window_seconds=600,
        owner=owner,
    )


def alert_views(engine: sa.Engine) -> list[store_outbox.AlertView]:
    with transaction(engine, readonly=True) as s:
        return store_outbox.list_alerts(s, limit=500)


def test_each_alert_reaches_each_target_once(engine: sa.Engine, sink: Sink) -> None:
    add_alerts(engine, range(3))
    clock = Clock()
    urls = [sink.url("one", auth="user:s3cret@"), sink.url("two")]
    summary = run(engine, urls, clock)
    assert (summary.routed, summary.claimed, summary.delivered, summary.messages) == (3, 6, 6, 6)
    assert sorted(sink.keys()) == sorted(["chg:0000", "chg:0001", "chg:0002"] * 2)
    clock.advance(3600)
    assert run(engine, urls, clock) == SendSummary()
    assert len(sink.keys()) == 6
    views = alert_views(engine)
    assert {v.status for v in views} == {DeliveryStatus.SENT}
    labels = {d.target for v in views for d in v.deliveries}
    assert labels == {f"json://127.0.0.1:{sink.port}"}  # redacted; two hashes, one label
    assert all(d.sent_at == T0 and d.attempts == 1 for v in views for d in v.deliveries)
    with engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT * FROM deliveries").fetchall()
    assert "s3cret" not in repr(stored)


def test_a_failing_target_backs_off_then_fails_and_retry_sends(
    engine: sa.Engine, sink: Sink
) -> None:
    (alert_id,) = add_alerts(engine, range(1))
    clock, urls = Clock(), [sink.url()]
    sink.status = 500
    assert run(engine, urls, clock).failed == 1
    (delivery,) = alert_views(engine)[0].deliveries
    assert delivery.attempts == 1 and delivery.status is DeliveryStatus.PENDING
    assert delivery.next_attempt_at == T0 + timedelta(seconds=30)
    assert delivery.last_error is not None and "500" in delivery.last_error
    clock.advance(29)
    assert run(engine, urls, clock).claimed == 0  # not due yet
    clock.advance(1)
    assert run(engine, urls, clock).failed == 1
    (delivery,) = alert_views(engine)[0].deliveries
    assert delivery.next_attempt_at == clock.now + timedelta(seconds=60)  # doubled
    clock.advance(60)
    assert run(engine, urls, clock).failed == 1
    view = alert_views(engine)[0]
    assert view.status is DeliveryStatus.FAILED and view.deliveries[0].attempts == 3
    clock.advance(3600)
    assert run(engine, urls, clock).claimed == 0  # given up
    with transaction(engine, readonly=True) as s:
        failed = store_outbox.list_alerts(s, status=DeliveryStatus.FAILED, limit=10)
        assert [v.id for v in failed] == [alert_id]

    sink.status = 200
    assert retry_alert(engine, alert_id, clock.now) == 1
    assert alert_views(engine)[0].status is DeliveryStatus.PENDING
    assert run(engine, urls, clock).delivered == 1
    assert sink.keys() == ["chg:0000"]
    assert alert_views(engine)[0].status is DeliveryStatus.SENT
    assert retry_alert(engine, alert_id, clock.now) == 0
    with pytest.raises(StoreError, match="no alert 999"):
        retry_alert(engine, 999, clock.now)


def test_a_burst_becomes_a_digest_and_the_rest_waits_for_the_window(
    engine: sa.Engine, sink: Sink
) -> None:
    add_alerts(engine, range(5))
    clock, urls = Clock(), [sink.url()]
    summary = run(engine, urls, clock, digest_after=2)
    assert (summary.messages, summary.digests, summary.delivered) == (2, 1, 5)
    assert len(sink.bodies) == 2 and sink.keys() == ["chg:0000"]
    assert sink.bodies[1]["title"].startswith("[monitor] 4 changes")
    add_alerts(engine, range(5, 7))
    clock.advance(60)
    assert run(engine, urls, clock, digest_after=2).deferred == 2  # the window is full
    clock.advance(600)
    assert run(engine, urls, clock, digest_after=2).delivered == 2
    assert len(sink.bodies) == 4
    assert {v.status for v in alert_views(engine)} == {DeliveryStatus.SENT}


def test_routes_per_kind_and_targets_that_disappear(engine: sa.Engine, sink: Sink) -> None:
    with transaction(engine) as s:
        store_outbox.add_alert(s, change(1), indicator_id=None, now=T0)
        store_outbox.add_alert(s, change(2, EventKind.BORDER_CLOSURE), indicator_id=None, now=T0)
    clock = Clock()
    routes = routes_from([], {EventKind.EMIGRATION: [sink.url("emigration")]})
    assert routes_from(["a"], {EventKind.EMIGRATION: ["b"]})(EventKind.MOBILIZATION) == ["a"]
    summary = send_pending(
        engine,
        targets_for=routes,
        clock=clock,
        max_attempts=3,
        retry_base_seconds=30,
        digest_after=5,
        digest_window_seconds=600,
        owner="test",
    )
    assert (summary.routed, summary.delivered) == (1, 1)
    border, emigration = alert_views(engine)
    assert border.deliveries == () and border.status is DeliveryStatus.PENDING
    assert emigration.status is DeliveryStatus.SENT
    # A target removed from the settings fails its pending deliveries visibly; an alert
    # without a target is routed once one is configured.
    with transaction(engine) as s:
        store_outbox.add_alert(s, change(3), indicator_id=None, now=T0)
    with transaction(engine) as s:
        old = [target_ref(sink.url("old"))]
        store_outbox.route_alerts(s, lambda k: old if k is EventKind.EMIGRATION else [], now=T0)
    summary = run(engine, [sink.url("new")], clock)
    assert (summary.routed, summary.failed, summary.delivered) == (1, 1, 1)
    newest, border, emigration = alert_views(engine)
    assert newest.status is DeliveryStatus.FAILED
    assert newest.deliveries[0].last_error == UNCONFIGURED
    assert border.status is emigration.status is DeliveryStatus.SENT
    assert sorted(sink.keys()) == ["chg:0001", "chg:0002"]


def test_two_senders_never_send_the_same_delivery(engine: sa.Engine, sink: Sink) -> None:
    add_alerts(engine, range(30))
    sink.delay = 0.01
    clock, urls = Clock(), [sink.url("a"), sink.url("b")]
    with transaction(engine) as s:  # routed already: both senders start claiming at once
        store_outbox.route_alerts(s, lambda kind: [target_ref(url) for url in urls], now=T0)
    summaries: dict[str, list[SendSummary]] = {"daemon-1": [], "daemon-2": []}
    start = threading.Barrier(2)

    def sender(owner: str) -> None:
        start.wait()
        for _ in range(12):  # more runs than needed: 60 deliveries, 7 per claim
            summary = send_pending(
                engine,
                targets_for=lambda kind: urls,
                clock=clock,
                max_attempts=3,
                retry_base_seconds=30,
                digest_after=100,
                digest_window_seconds=600,
                owner=owner,
                batch=7,
            )
            summaries[owner].append(summary)

    threads = [threading.Thread(target=sender, args=(owner,)) for owner in summaries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(sink.keys()) == sorted(f"chg:{n:04d}" for n in range(30) for _ in range(2))
    done = [s.delivered for runs in summaries.values() for s in runs]
    assert sum(done) == 60
    assert all(sum(s.claimed for s in runs) for runs in summaries.values())  # both took part


def test_emails_carry_a_message_id_from_the_dedup_key(engine: sa.Engine) -> None:
    add_alerts(engine, range(3))
    mails = SmtpSink(port=free_port())
    controller = Controller(mails, hostname="127.0.0.1", port=mails.port)
    controller.start()
    try:
        url = (
            f"mailto://monitor@127.0.0.1:{mails.port}"
            "?from=m@example.org&to=a@example.org&mode=insecure"
        )
        assert run(engine, [url], Clock(), digest_after=2).delivered == 3
    finally:
        controller.stop()
    single, digest = mails.messages
    assert single["Message-ID"] == message_id_for("chg:0000")
    assert single["Subject"] == "[monitor] emigration RU\u2192C0: ~1,000 (new)"
    assert digest["Message-ID"] == message_id_for(digest_key(["chg:0001", "chg:0002"]))
    assert digest["Subject"].startswith("[monitor] 2 changes")
