"""Deliver a rendered alert to one apprise URL. The I/O shell around apprise.

apprise's `False` and its exceptions are turned into a `DeliveryResult` here, so the
caller records delivery per target and never sees a traceback for a refusing server.
Target URLs carry secrets: only `redact_url` output is ever logged or returned.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import logging
import smtplib
import warnings
from dataclasses import dataclass
from email.mime.text import MIMEText
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import apprise
from apprise.exception import AppriseException
from apprise.plugins import url_to_dict
from apprise.plugins.slack import NotifySlack

from monitor.alerts.render import RenderedMessage

with warnings.catch_warnings():
    # apprise's PGP helper imports the stdlib imghdr, deprecated since Python 3.11.
    warnings.filterwarnings("ignore", "'imghdr' is deprecated", DeprecationWarning)
    from apprise.plugins.email import NotifyEmail

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 15.0
_ASSET = apprise.AppriseAsset(app_id="monitor", app_desc="monitor news alerts")


class BodyKind(StrEnum):
    SLACK = "slack"
    EMAIL = "email"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """The outcome for one target. `target` is redacted: safe to log and to store."""

    target: str
    ok: bool
    error: str | None = None


def message_id_for(dedup_key: str, domain: str = "monitor.invalid") -> str:
    """A stable RFC 5322 Message-ID for an alert, so a resend after a crash is recognised."""
    digest = hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()[:40]
    return f"<alert.{digest}@{domain}>"


def redact_url(url: str) -> str:
    """Keep the scheme and host only: 'mailto://smtp.example.org', 'slack://***'.

    A host that is not a DNS name or an address (many services put a token there) is
    masked as well.
    """
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "<invalid url>"
    if not parts.scheme:
        return "<invalid url>"
    try:
        port = parts.port
    except ValueError:  # a token with a colon, such as Telegram's, is not a port
        port = None
    if _is_token(host):
        host = "***"
    suffix = f":{port}" if port and host != "***" else ""
    return f"{parts.scheme.lower()}://{host}{suffix}"


def _is_token(host: str) -> bool:
    """Many services put a token where the host goes: anything not a name or address."""
    return bool(host) and "." not in host and ":" not in host and host != "localhost"


def validate_target(url: str) -> str | None:
    """None when apprise accepts the URL, else a one-line reason (no secrets in it)."""
    if not isinstance(url, str) or not url.strip():
        return "empty alert URL"
    if "://" not in url:
        return f"{redact_url(url)}: not an apprise URL (expected scheme://...)"
    try:
        plugin = apprise.Apprise.instantiate(url.strip(), asset=_ASSET, suppress_exceptions=False)
    except (AppriseException, TypeError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"{redact_url(url)}: {reason}"
    if plugin is None:
        scheme = url.split("://", 1)[0].lower()
        return f"{redact_url(url)}: apprise does not support or cannot parse this {scheme}:// URL"
    return None


def body_kind(url: str) -> BodyKind:
    """Which body a target gets; an unparsable URL gets plain text."""
    plugin = apprise.Apprise.instantiate(url.strip(), asset=_ASSET)
    return _kind_of(plugin)


def _kind_of(plugin: object) -> BodyKind:
    if isinstance(plugin, NotifySlack):
        return BodyKind.SLACK
    if isinstance(plugin, NotifyEmail):
        return BodyKind.EMAIL
    return BodyKind.TEXT


def send_message(
    message: RenderedMessage,
    target_url: str,
    *,
    message_id: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> DeliveryResult:
    """Send one message to one apprise URL; never raises for a refusing or invalid target.

    Slack gets the mrkdwn body, e-mail the HTML body with our plain-text alternative and
    `message_id` as its Message-ID header, every other service the plain text.
    """
    target = redact_url(target_url)
    problem = validate_target(target_url)
    if problem is not None:
        log.warning("alert target=%s ok=false error=invalid_url", target)
        return DeliveryResult(target, ok=False, error=problem)
    plugin = _load_plugin(target_url.strip(), message, message_id)
    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    kind = _kind_of(plugin)
    error = _notify(plugin, kind, message)
    if error is not None:
        log.warning("alert target=%s kind=%s ok=false", target, kind)
        return DeliveryResult(target, ok=False, error=f"{target}: {scrub(error, target_url)}")
    log.info("alert target=%s kind=%s ok=true", target, kind)
    return DeliveryResult(target, ok=True)


def _load_plugin(url: str, message: RenderedMessage, message_id: str | None) -> Any:
    plugin = apprise.Apprise.instantiate(url, asset=_ASSET)
    if type(plugin) is NotifyEmail:
        details: dict[str, Any] = url_to_dict(url, secure_logging=True)  # type: ignore[no-untyped-call]
        details["asset"] = _ASSET
        plugin = _StableEmail(message_id=message_id, text_body=message.text, **details)
    elif isinstance(plugin, NotifySlack) and not plugin.template:
        # Block Kit sections take our mrkdwn verbatim; the legacy payload re-escapes it.
        plugin.use_blocks = True
    return plugin


def _notify(plugin: Any, kind: BodyKind, message: RenderedMessage) -> str | None:
    """Returns None on success, else the reason apprise gave."""
    if kind is BodyKind.SLACK:
        body, title, body_format = message.slack, "", None  # passthrough: already mrkdwn
    elif kind is BodyKind.EMAIL:
        body, title, body_format = message.html, message.subject, apprise.NotifyFormat.HTML
    else:
        body, title, body_format = message.text, message.subject, apprise.NotifyFormat.TEXT
    sender = apprise.Apprise(asset=_ASSET)
    sender.add(plugin)
    try:
        result = sender.notify(
            body=body, title=title, body_format=body_format, log_level=logging.WARNING
        )
    except (AppriseException, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"
    if result:
        return None
    return _failure_reason(plugin, result)


def _failure_reason(plugin: Any, result: Any) -> str:
    own = getattr(plugin, "failure", None)
    if own:
        return str(own)
    lines = [entry.message for entry in getattr(result, "logs", list)() if entry.message]
    return _one_line(lines[-1]) if lines else "apprise reported a failure"


def scrub(text: str, url: str) -> str:
    """Mask every secret-looking part of `url` (password, tokens, query values) in `text`."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
    except ValueError:
        return "<error hidden: it may hold a secret>"
    secrets = [parts.password or ""] if len(parts.password or "") >= 3 else []
    if _is_token(host):
        secrets += parts.netloc.rpartition("@")[2].split(":")
    tokens = [unquote(segment) for segment in parts.path.split("/")]
    tokens += [value for _, value in parse_qsl(parts.query)]
    secrets += [token for token in tokens if len(token) >= 6 and "@" not in token]
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, "***") if secret else text
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


class _StableEmail(NotifyEmail):  # type: ignore[no-untyped-call]
    """apprise's e-mail plugin with a stable Message-ID and our own plain-text part.

    apprise always adds a fresh Message-ID after any `+Message-ID=` URL header, so a
    message would carry two (which mail servers reject). This sends the MIME message
    apprise builds, with its Message-ID replaced and its generated text part swapped
    for the alert's own plain text.
    """

    def __init__(self, *, message_id: str | None, text_body: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.message_id = message_id
        self.text_body = text_body
        self.failure: str | None = None

    def send(
        self,
        body: str,
        title: str = "",
        notify_type: Any = None,
        attach: Any = None,
        body_format: Any = None,
        **kwargs: Any,
    ) -> bool:
        from apprise.plugins.email.smtp import AppriseSMTPController

        controller: Any = AppriseSMTPController
        self.throttle()  # type: ignore[no-untyped-call]
        try:
            with controller(
                host=self.smtp_host,
                port=self.port,
                secure_mode=self.secure_mode,
                user=self.user,
                password=self.password,
                verify_certificate=self.verify_certificate,
                socket_connect_timeout=self.socket_connect_timeout,
            ) as smtp:
                return self._send_all(smtp, body, title, attach, body_format)
        except (OSError, smtplib.SMTPException, RuntimeError, AppriseException) as exc:
            self.failure = f"SMTP {self.smtp_host}:{self.port}: {_one_line(str(exc)) or exc!r}"
            return False

    def _send_all(self, smtp: Any, body: str, title: str, attach: Any, body_format: Any) -> bool:
        headers = {"X-Application": self.app_id, **self.headers}
        prepared = NotifyEmail.prepare_emails(
            subject=title,
            body=body,
            notify_format=self.resolve_format(body_format),
            from_addr=self.from_addr,
            to=self.targets,
            cc=self.cc,
            bcc=self.bcc,
            reply_to=self.reply_to,
            smtp_host=self.smtp_host,
            attach=attach,
            headers=headers,
            names=self.names,
            pgp=self.pgp,
            pgp_mode=self.pgp_mode,
            inline=self.inline,
            tzinfo=self.tzinfo,
        )
        ok, sent = True, 0
        for prepared_message in prepared:
            sent += 1
            raw = self._rewrite(prepared_message.body)
            if not smtp.sendmail(self.from_addr[1], prepared_message.to_addrs, raw):
                self.failure = f"SMTP {self.smtp_host}: refused {prepared_message.recipient}"
                ok = False
        if sent == 0:
            self.failure = "no e-mail recipient"
        return ok and sent > 0

    def _rewrite(self, raw: str) -> str:
        parsed = email.message_from_string(raw, policy=email.policy.compat32)
        if self.message_id:
            del parsed["Message-ID"]
            parsed["Message-ID"] = self.message_id
        if parsed.get_content_type() == "multipart/alternative":
            parts: Any = parsed.get_payload()
            if parts and parts[0].get_content_type() == "text/plain":
                parts[0] = MIMEText(self.text_body, "plain", "utf-8")
        return parsed.as_string()
