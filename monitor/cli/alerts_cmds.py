"""`monitor alerts [send | retry ID | test]`: the outbox and its delivery per target.

Target URLs carry secrets: only their redacted labels are ever printed.
"""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from monitor.cli.app import app
from monitor.cli.common import console, err_console, now, print_json_lines, settings
from monitor.cli.common import when as format_when
from monitor.cli.query_options import format_indicator, format_movement, opened, reading
from monitor.errors import ConfigError, MonitorError
from monitor.model import EventKind

if TYPE_CHECKING:
    from monitor.alerts.send import DeliveryResult
    from monitor.config import Settings
    from monitor.pipeline.outbox import SendSummary
    from monitor.store.outbox import AlertView, DeliveryView

# The daemon, the pipeline, the store and monitor.alerts (apprise) are imported by the
# commands that use them, so that `monitor --help` starts fast.

TEST_TIMEOUT_SECONDS = 10.0
NO_TARGETS = (
    "no alert target is configured: set it (or MONITOR_ALERT_URLS_<KIND>) "
    "to one or more apprise URLs, comma-separated"
)

alerts_app = typer.Typer(
    invoke_without_command=True,
    help="The alert outbox: list it, send it, retry a failed alert, test the targets.",
)
app.add_typer(alerts_app, name="alerts")


class AlertStatus(StrEnum):
    """The choices of `--status`: the store's DeliveryStatus, spelled out here so that the
    CLI starts without loading the store (a test keeps the two equal)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


def configured_targets(config: Settings) -> dict[str, list[EventKind]]:
    """Every configured target URL, in order, with the kinds it receives."""
    from monitor import daemon

    targets: dict[str, list[EventKind]] = {url: [] for url in config.alert_urls}
    for kind, urls in daemon.alert_targets(config).items():
        for url in urls:
            targets.setdefault(url, []).append(kind)
    if not targets:
        raise ConfigError("MONITOR_ALERT_URLS", NO_TARGETS)
    return targets


# --- monitor alerts ---------------------------------------------------------------------


def delivery_row(view: DeliveryView) -> dict[str, Any]:
    return {**asdict(view), "status": view.status.value}


def alert_row(view: AlertView) -> dict[str, Any]:
    change = view.change
    return {
        "id": view.id,
        "status": view.status.value,
        "created_at": view.created_at,
        "kind": change.key.kind.value,
        "country": change.key.country,
        "counterpart": change.key.counterpart,
        "change_type": change.change_type.value,
        "change": format_movement(change),
        "dedup_key": change.dedup_key,
        "deliveries": [delivery_row(d) for d in view.deliveries],
    }


def describe_delivery(view: DeliveryView) -> str:
    from monitor.store.outbox import DeliveryStatus

    if view.status is DeliveryStatus.SENT:
        return f"{view.target}: sent {format_when(view.sent_at)}"
    tries = f"{view.attempts} attempt{'s' if view.attempts != 1 else ''}"
    if view.status is DeliveryStatus.FAILED:
        return f"{view.target}: failed after {tries}: {view.last_error or ''}".rstrip(": ")
    retry = f", next {format_when(view.next_attempt_at)}" if view.attempts else ""
    error = f" ({view.last_error})" if view.last_error else ""
    return f"{view.target}: pending, {tries}{retry}{error}"


def print_alerts_table(views: list[AlertView]) -> None:
    table = Table("id", "created", "indicator", "change", "status", "deliveries")
    for view in views:
        table.add_row(
            str(view.id),
            format_when(view.created_at),
            format_indicator(view.change.key),
            format_movement(view.change),
            view.status.value,
            "\n".join(describe_delivery(d) for d in view.deliveries) or "not routed yet",
        )
    console.print(table)


@alerts_app.callback()
def alerts(
    ctx: typer.Context,
    status: Annotated[
        AlertStatus | None, typer.Option(case_sensitive=False, help="Only alerts in this state.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many, newest first.", min=1)] = 50,
    json: Annotated[bool, typer.Option("--json", help="JSON lines on stdout.")] = False,
) -> None:
    """The outbox, newest first, with each alert's delivery state per target."""
    if ctx.invoked_subcommand is not None:
        return
    from monitor.store.outbox import DeliveryStatus, list_alerts

    wanted = None if status is None else DeliveryStatus(status.value)
    with reading(settings()) as s:
        views = list_alerts(s, status=wanted, limit=limit)
    if json:
        print_json_lines(alert_row(view) for view in views)
        return
    print_alerts_table(views)


# --- monitor alerts send | retry ----------------------------------------------------------


def summary_line(summary: SendSummary) -> str:
    return " ".join(f"{name}={value}" for name, value in asdict(summary).items())


@alerts_app.command("send")
def send() -> None:
    """Deliver the pending alerts once (what the daemon's send tick does)."""
    from monitor import daemon

    config = settings()
    configured_targets(config)
    with opened(config) as engine:
        summary = daemon.send_alerts(config, engine, daemon.new_owner_id())
    console.print(summary_line(summary))


@alerts_app.command("retry")
def retry(alert_id: Annotated[int, typer.Argument(help="The alert's id.", min=1)]) -> None:
    """Queue a failed alert again and send it now; exit 1 unless every target got it."""
    from monitor import daemon
    from monitor.pipeline.outbox import retry_alert
    from monitor.store.db import transaction
    from monitor.store.outbox import DeliveryStatus, get_alert

    config = settings()
    configured_targets(config)
    with opened(config) as engine:
        with transaction(engine, readonly=True) as s:
            before = get_alert(s, alert_id)
        if before.status is DeliveryStatus.SENT:
            raise MonitorError(f"alert {alert_id} was sent to every target: nothing to retry")
        requeued = retry_alert(engine, alert_id, now())
        summary = daemon.send_alerts(config, engine, daemon.new_owner_id())
        with transaction(engine, readonly=True) as s:
            after = get_alert(s, alert_id)
    err_console.print(
        f"Re-queued {requeued} deliveries of alert {alert_id}; {summary_line(summary)}"
    )
    print_alerts_table([after])
    if after.status is not DeliveryStatus.SENT:
        missing = sum(d.status is not DeliveryStatus.SENT for d in after.deliveries)
        raise MonitorError(
            f"alert {alert_id} is still {after.status.value} for {missing} target(s): "
            "see `monitor alerts`"
        )


# --- monitor alerts test ------------------------------------------------------------------


@alerts_app.command("test")
def test() -> None:
    """Send a test message to every configured target; exit 1 if any failed."""
    from monitor.alerts.render import render_test_message
    from monitor.alerts.send import send_message

    config = settings()
    targets = configured_targets(config)
    message = render_test_message(now())
    results: list[tuple[DeliveryResult, list[EventKind]]] = []
    for url, kinds in targets.items():
        result = send_message(message, url, timeout=TEST_TIMEOUT_SECONDS)
        results.append((result, kinds))
    table = Table("target", "receives", "result")
    for result, kinds in results:
        table.add_row(
            result.target,
            ", ".join(kind.value for kind in kinds) or "-",
            "ok" if result.ok else f"failed: {result.error}",
        )
    console.print(table)
    failed = sum(not result.ok for result, _ in results)
    if failed:
        raise MonitorError(f"{failed} of {len(results)} alert targets failed the test message")
    err_console.print(f"All {len(results)} alert targets received the test message.")
