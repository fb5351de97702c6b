"""Turn a Change into the words of an alert: a subject, plain text, HTML and Slack mrkdwn.

Pure functions: no clock, no I/O. Every piece of feed text (titles, evidence sentences,
links) is escaped for the body it goes into, so a feed can neither inject markup nor
mention anyone on Slack.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from monitor.model import (
    BorderStatus,
    Change,
    ChangeType,
    EventKind,
    Figure,
    IndicatorKey,
    Qualifier,
    Source,
)

SUBJECT_PREFIX = "[monitor]"
SLACK_MAX_CHARS = 3000  # Slack's limit for the text of one section block
SLACK_MAX_FEED_CHARS = 300  # a feed sentence or title, cut to keep Slack messages short
MINUS = "\u2212"
ARROW = "\u2192"

_KIND_LABELS = {
    EventKind.MOBILIZATION: "mobilization",
    EventKind.EMIGRATION: "emigration",
    EventKind.BORDER_CLOSURE: "border",
}
_QUALIFIER_PREFIXES = {
    Qualifier.EXACT: "",
    Qualifier.APPROX: "~",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.UP_TO: "up to ",
}
_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """One alert in every shape a target may need; the sender picks the body."""

    subject: str
    text: str
    html: str
    slack: str


# --- words shared by every body ----------------------------------------------


def format_figure(figure: Figure | None) -> str:
    """'up to 300,000', 'at least 400,000', '~66,000', '300,000', or 'no figure'."""
    if figure is None:
        return "no figure"
    unit = "" if figure.unit in ("", "people") else f" {figure.unit}"
    return f"{_QUALIFIER_PREFIXES[figure.qualifier]}{figure.value:,}{unit}"


def format_indicator(key: IndicatorKey) -> str:
    """'emigration RU→EU', 'mobilization RU', 'border FI→RU'."""
    where = key.country if key.counterpart is None else f"{key.country}{ARROW}{key.counterpart}"
    return f"{_KIND_LABELS[key.kind]} {where}"


def format_movement(change: Change) -> str:
    """What moved: '~66,000 → ~97,000 (+47%)', 'up to 300,000 (new)', 'closed → reopened'."""
    if change.new_status is not None or change.old_status is not None:
        return _status_movement(change.old_status, change.new_status)
    new = format_figure(change.new_figure)
    if change.change_type is ChangeType.FIRST_SEEN:
        return f"{new} (new)" if change.new_figure else "reported, no figure yet (new)"
    if change.old_figure is None:  # a call-up first reported without a figure
        return f"no figure {ARROW} {new}"
    old = format_figure(change.old_figure)
    trend = _trend(change.old_figure.value, _value(change.new_figure), change.change_type)
    return f"{old} {ARROW} {new} ({trend})"


def _status_movement(old: BorderStatus | None, new: BorderStatus | None) -> str:
    new_text = new.value if new is not None else "no status"
    if old is None:
        return f"{new_text} (new)"
    return f"{old.value} {ARROW} {new_text}"


def _value(figure: Figure | None) -> int | None:
    return None if figure is None else figure.value


def _trend(old: int, new: int | None, change_type: ChangeType) -> str:
    """'+47%', 'down, −12%'; the words alone when no percentage makes sense."""
    down = change_type is ChangeType.DECREASE or (new is not None and new < old)
    if new is None or old == 0 or new == old:
        return "down" if down else "up"
    percent = (new - old) * 100 / old
    digits = 1 if abs(percent) < 10 else 0
    number = f"{abs(percent):.{digits}f}%"
    return f"down, {MINUS}{number}" if down else f"+{number}"


def render_subject(change: Change) -> str:
    """e.g. '[monitor] emigration RU→EU: ~66,000 → ~97,000 (+47%)'."""
    return f"{SUBJECT_PREFIX} {format_indicator(change.key)}: {format_movement(change)}"


def _headline(change: Change) -> str:
    return f"{format_indicator(change.key)}: {format_movement(change)}"


def _one_line(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _format_period(start: date | None, end: date | None) -> str | None:
    if start is not None and end is not None:
        return f"{start.isoformat()} to {end.isoformat()}"
    if start is not None:
        return f"from {start.isoformat()}"
    if end is not None:
        return f"until {end.isoformat()}"
    return None


def _format_time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M %Z").strip()


def _safe_link(link: str | None) -> str | None:
    """Only http(s) links become clickable; anything else is shown as text or dropped."""
    if not link:
        return None
    scheme = urlsplit(link.strip()).scheme.lower()
    return link.strip() if scheme in ("http", "https") else None


def _sides(change: Change) -> list[tuple[str, str, Source]]:
    """(label, value, source) for the new side, then the old side if there is one."""
    if change.old_status is not None or change.new_status is not None:
        new_value = change.new_status.value if change.new_status else "no status"
        old_value = change.old_status.value if change.old_status else "no status"
    else:
        new_value = format_figure(change.new_figure)
        old_value = format_figure(change.old_figure)
    sides = [("Now", new_value, change.new_source)]
    if change.old_source is not None:
        sides.append(("Before", old_value, change.old_source))
    return sides


# --- plain text ----------------------------------------------------------------


def render_text(change: Change) -> str:
    """Plain text: both values with qualifiers, periods, evidence, source titles and links."""
    lines = [_headline(change), ""]
    for label, value, source in _sides(change):
        lines += _text_side(label, value, source)
    lines.append(f"Detected: {_format_time(change.detected_at)}")
    lines.append(f"Alert key: {change.dedup_key}")
    return "\n".join(lines)


def _text_side(label: str, value: str, source: Source) -> list[str]:
    lines = [f"{label}: {value}"]
    period = _format_period(source.period_start, source.period_end)
    if period:
        lines.append(f"  Period: {period}")
    lines.append(f'  Evidence: "{_one_line(source.evidence)}"')
    lines.append(f"  Source: {_one_line(source.title)}")
    if source.link:
        lines.append(f"  Link: {_one_line(source.link)}")
    published = _format_time(source.published)
    if published:
        lines.append(f"  Published: {published}")
    lines.append("")
    return lines


# --- HTML ----------------------------------------------------------------------


def _esc(text: str) -> str:
    return html.escape(_one_line(text), quote=True)


def _html_link(title: str, link: str | None) -> str:
    safe = _safe_link(link)
    if safe is None:
        return _esc(title)
    return f'<a href="{html.escape(safe, quote=True)}">{_esc(title)}</a>'


def render_html(change: Change) -> str:
    """The same as render_text, as an HTML fragment with every feed string escaped."""
    parts = [f"<p><strong>{_esc(_headline(change))}</strong></p>"]
    for label, value, source in _sides(change):
        parts.append(_html_side(label, value, source))
    parts.append(
        f"<p><small>Detected: {_esc(_format_time(change.detected_at) or '')}"
        f" &middot; alert key: {_esc(change.dedup_key)}</small></p>"
    )
    return "\n".join(parts)


def _html_side(label: str, value: str, source: Source) -> str:
    items = []
    period = _format_period(source.period_start, source.period_end)
    if period:
        items.append(f"<li>Period: {_esc(period)}</li>")
    items.append(f"<li>Evidence: <q>{_esc(source.evidence)}</q></li>")
    source_line = f"Source: {_html_link(source.title, source.link)}"
    if source.link:
        source_line += f" ({_esc(source.link)})"
    items.append(f"<li>{source_line}</li>")
    published = _format_time(source.published)
    if published:
        items.append(f"<li>Published: {_esc(published)}</li>")
    body = "\n".join(items)
    return f"<p><strong>{_esc(label)}:</strong> {_esc(value)}</p>\n<ul>\n{body}\n</ul>"


# --- Slack mrkdwn ----------------------------------------------------------------


def escape_slack(text: str, limit: int | None = None) -> str:
    """Escape feed text for Slack: & < > as entities, and defuse @channel/@here/@everyone.

    `<!channel>` becomes `&lt;!channel&gt;`, shown as text; a zero-width joiner after
    the @ keeps a bare `@here` from notifying anyone.
    """
    text = _one_line(text)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "\u2026"
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@\u200d" + m.group(1), text)


def slack_link(title: str, link: str | None) -> str:
    """`<url|title>` for an http(s) link, else the escaped title alone."""
    label = escape_slack(title, SLACK_MAX_FEED_CHARS)
    safe = _safe_link(link)
    if safe is None:
        return label
    url = safe.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{url}|{label}>"


def render_slack(change: Change) -> str:
    """Concise mrkdwn: the headline, then each side's value, period, source link, evidence."""
    lines = [f"*{escape_slack(_headline(change))}*"]
    for label, value, source in _sides(change):
        detail = [f"*{label}:* {escape_slack(value)}"]
        period = _format_period(source.period_start, source.period_end)
        if period:
            detail.append(escape_slack(period))
        detail.append(slack_link(source.title, source.link))
        lines.append(" \u00b7 ".join(detail))
        lines.append(f">{escape_slack(source.evidence, SLACK_MAX_FEED_CHARS)}")
    return "\n".join(lines)


# --- one change, or a burst of them -------------------------------------------------


def render_change(change: Change) -> RenderedMessage:
    return RenderedMessage(
        subject=render_subject(change),
        text=render_text(change),
        html=render_html(change),
        slack=render_slack(change),
    )


def render_digest(changes: Sequence[Change]) -> RenderedMessage:
    """Fold a burst of changes into one message; a single change renders as itself."""
    if not changes:
        raise ValueError("render_digest needs at least one change")
    if len(changes) == 1:
        return render_change(changes[0])
    return RenderedMessage(
        subject=_digest_subject(changes),
        text=_digest_text(changes),
        html=_digest_html(changes),
        slack=_digest_slack(changes),
    )


def _digest_subject(changes: Sequence[Change]) -> str:
    names = list(dict.fromkeys(format_indicator(c.key) for c in changes))
    shown = ", ".join(names[:3])
    more = f", +{len(names) - 3} more" if len(names) > 3 else ""
    return f"{SUBJECT_PREFIX} {len(changes)} changes: {shown}{more}"


def _digest_text(changes: Sequence[Change]) -> str:
    lines = [f"{len(changes)} changes", ""]
    for change in changes:
        source = change.new_source
        lines.append(f"- {_headline(change)}")
        lines.append(f'  Evidence: "{_one_line(source.evidence)}"')
        link = f" {_one_line(source.link)}" if source.link else ""
        lines.append(f"  Source: {_one_line(source.title)}{link}")
    return "\n".join(lines)


def _digest_html(changes: Sequence[Change]) -> str:
    items = []
    for change in changes:
        source = change.new_source
        items.append(
            f"<li><strong>{_esc(_headline(change))}</strong><br>"
            f"<q>{_esc(source.evidence)}</q><br>"
            f"Source: {_html_link(source.title, source.link)}</li>"
        )
    body = "\n".join(items)
    return f"<p><strong>{len(changes)} changes</strong></p>\n<ul>\n{body}\n</ul>"


def _digest_slack(changes: Sequence[Change]) -> str:
    """One bullet per change with its source link, cut to fit one Slack section."""
    head = f"*{len(changes)} changes*"
    lines: list[str] = []
    used = len(head)
    for shown, change in enumerate(changes):
        line = (
            f"\u2022 *{escape_slack(_headline(change))}* "
            f"{slack_link(change.new_source.title, change.new_source.link)}"
        )
        tail = f"\u2026and {len(changes) - shown} more"
        reserve = 0 if shown == len(changes) - 1 else len(tail) + 1
        if used + 1 + len(line) + reserve > SLACK_MAX_CHARS:
            lines.append(tail)
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join([head, *lines])


def render_test_message(sent_at: datetime) -> RenderedMessage:
    """What `monitor alerts test` sends: proof that a target is reachable."""
    when = _format_time(sent_at) or ""
    line = f"This is a test message from monitor, sent {when}. Alerts reach this target."
    return RenderedMessage(
        subject=f"{SUBJECT_PREFIX} test message",
        text=line,
        html=f"<p>{html.escape(line)}</p>",
        slack=escape_slack(line),
    )
