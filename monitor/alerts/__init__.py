"""Alert rendering, rate limiting and delivery through apprise.

`alerts/` never reads the store or the settings: the caller (the send job) passes
changes, target URLs and limits in, and records the results it gets back.
"""

from monitor.alerts.digest import BatchPlan, PendingAlert, PlannedMessage, digest_key, plan_batch
from monitor.alerts.render import (
    RenderedMessage,
    format_figure,
    render_change,
    render_digest,
    render_html,
    render_slack,
    render_subject,
    render_test_message,
    render_text,
)
from monitor.alerts.send import (
    DeliveryResult,
    message_id_for,
    redact_url,
    scrub,
    send_message,
    validate_target,
)

__all__ = [
    "BatchPlan",
    "DeliveryResult",
    "PendingAlert",
    "PlannedMessage",
    "RenderedMessage",
    "digest_key",
    "format_figure",
    "message_id_for",
    "plan_batch",
    "redact_url",
    "scrub",
    "render_change",
    "render_digest",
    "render_html",
    "render_slack",
    "render_subject",
    "render_test_message",
    "render_text",
    "send_message",
    "validate_target",
]
