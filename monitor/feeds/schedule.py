"""When to poll a feed next: pure arithmetic, no clock and no randomness (both passed in)."""

from __future__ import annotations

# Codes after which polling again is pointless. A 429 or any 5xx is never among them:
# a server that is overloaded or down today is back tomorrow (Miniflux stops after three).
_DISABLING_CODES = frozenset({"http_410", "bad_url"})

_MAX_DOUBLINGS = 40  # 2**40 already exceeds any sane cap; keeps the numbers small


def next_interval(
    base_seconds: int,
    *,
    max_age_seconds: int | None,
    ttl_minutes: int | None,
    min_seconds: int,
    max_seconds: int,
) -> int:
    """Seconds until the next poll after a successful one.

    The server's hints (Cache-Control max-age or Expires, RSS <ttl>) can only make us
    wait longer than `base_seconds`, never poll faster: a hint asks us to come back
    later. The result is clamped to [min_seconds, max_seconds]; min wins if they cross.
    """
    hints = [base_seconds]
    if max_age_seconds is not None and max_age_seconds > 0:
        hints.append(max_age_seconds)
    if ttl_minutes is not None and ttl_minutes > 0:
        hints.append(ttl_minutes * 60)
    return _clamp(max(hints), min_seconds, max_seconds)


def retry_delay(
    error_count: int,
    *,
    base_seconds: int,
    cap_seconds: int,
    retry_after_seconds: int | None,
    jitter: float,
) -> int:
    """Seconds until the next attempt after `error_count` consecutive failures (>= 1).

    Exponential back-off with "equal jitter": the delay for the n-th failure lies in
    (d/2, d] where d = min(cap, base * 2**(n-1)); `jitter` in [0, 1) picks the point.
    A Retry-After longer than that is honoured, but never beyond `cap_seconds`.
    """
    if not 0.0 <= jitter < 1.0:
        raise ValueError(f"jitter must be in [0, 1), got {jitter!r}")
    doublings = min(max(error_count, 1) - 1, _MAX_DOUBLINGS)
    backoff = min(cap_seconds, base_seconds << doublings)
    delay = backoff - int(backoff * jitter / 2)
    if retry_after_seconds is not None and retry_after_seconds > delay:
        delay = retry_after_seconds
    return max(1, min(delay, cap_seconds))


def disables_feed(code: str) -> bool:
    """True when a fetch error means the feed is gone for good (410 Gone, a URL that can
    never be fetched). Rate limits (429), server errors (5xx), timeouts and the like
    only back off."""
    return code in _DISABLING_CODES


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(value, high))
