"""Poll scheduling arithmetic: table-driven, plus properties over many inputs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.feeds.schedule import disables_feed, next_interval, retry_delay

MIN, MAX = 60, 86_400


@pytest.mark.parametrize(
    ("base", "max_age", "ttl", "expected"),
    [
        (900, None, None, 900),  # no hints: the configured interval
        (900, 3600, None, 3600),  # max-age asks us to wait longer: honoured
        (900, 300, None, 900),  # max-age shorter than ours: we never speed up
        (900, None, 60, 3600),  # RSS <ttl> in minutes
        (900, 1800, 120, 7200),  # the longest hint wins
        (900, 0, 0, 900),  # max-age=0 / ttl 0 mean nothing
        (900, -5, -1, 900),  # nonsense is ignored
        (900, 10 * 86_400, None, MAX),  # clamped to the maximum
        (10, None, None, MIN),  # never faster than the minimum
        (10, 30, None, MIN),
    ],
)
def test_next_interval(base: int, max_age: int | None, ttl: int | None, expected: int) -> None:
    got = next_interval(
        base, max_age_seconds=max_age, ttl_minutes=ttl, min_seconds=MIN, max_seconds=MAX
    )
    assert got == expected


def test_next_interval_minimum_wins_when_limits_cross() -> None:
    assert (
        next_interval(5, max_age_seconds=None, ttl_minutes=None, min_seconds=120, max_seconds=60)
        == 120
    )


@pytest.mark.parametrize(
    ("errors", "retry_after", "jitter", "expected"),
    [
        (1, None, 0.0, 60),  # first failure: the base
        (2, None, 0.0, 120),
        (3, None, 0.0, 240),
        (3, None, 0.5, 180),  # jitter takes up to half off
        (3, None, 0.999, 121),
        (0, None, 0.0, 60),  # a count of 0 is treated as the first failure
        (20, None, 0.0, 21_600),  # capped
        (10_000, None, 0.0, 21_600),  # no overflow however long a feed fails
        (1, 900, 0.0, 900),  # Retry-After longer than the back-off: honoured
        (5, 30, 0.0, 960),  # shorter: the back-off stands
        (1, 10 * 86_400, 0.0, 21_600),  # absurd Retry-After: capped
        (1, 0, 0.0, 60),
    ],
)
def test_retry_delay(errors: int, retry_after: int | None, jitter: float, expected: int) -> None:
    got = retry_delay(
        errors, base_seconds=60, cap_seconds=21_600, retry_after_seconds=retry_after, jitter=jitter
    )
    assert got == expected


@given(
    errors=st.integers(min_value=0, max_value=200),
    base=st.integers(min_value=1, max_value=3600),
    cap=st.integers(min_value=1, max_value=7 * 86_400),
    retry_after=st.none() | st.integers(min_value=0, max_value=10**9),
    jitter=st.floats(min_value=0.0, max_value=1.0, exclude_max=True),
)
def test_retry_delay_stays_within_bounds(
    errors: int, base: int, cap: int, retry_after: int | None, jitter: float
) -> None:
    delay = retry_delay(
        errors, base_seconds=base, cap_seconds=cap, retry_after_seconds=retry_after, jitter=jitter
    )
    assert 1 <= delay <= max(cap, 1)
    backoff = min(cap, base * 2 ** (max(errors, 1) - 1))
    assert delay >= min(backoff // 2, cap)
    if retry_after is not None:
        assert delay >= min(retry_after, cap)


def test_retry_delay_grows_with_the_error_count() -> None:
    delays = [
        retry_delay(n, base_seconds=60, cap_seconds=21_600, retry_after_seconds=None, jitter=0.3)
        for n in range(1, 12)
    ]
    assert delays == sorted(delays)
    assert delays[-1] == 21_600 - int(21_600 * 0.3 / 2)


@pytest.mark.parametrize("jitter", [-0.1, 1.0, 2.0])
def test_retry_delay_rejects_jitter_out_of_range(jitter: float) -> None:
    with pytest.raises(ValueError, match="jitter"):
        retry_delay(1, base_seconds=60, cap_seconds=600, retry_after_seconds=None, jitter=jitter)


@pytest.mark.parametrize(
    ("code", "disables"),
    [
        ("http_410", True),
        ("bad_url", True),
        ("http_429", False),
        ("http_500", False),
        ("http_502", False),
        ("http_503", False),
        ("http_504", False),
        ("http_404", False),
        ("http_403", False),
        ("timeout", False),
        ("connect", False),
        ("dns", False),
        ("tls", False),
        ("too_large", False),
        ("bad_redirect", False),
        ("too_many_redirects", False),
    ],
)
def test_only_gone_feeds_are_disabled(code: str, disables: bool) -> None:
    assert disables_feed(code) is disables


@pytest.mark.parametrize("status", range(500, 600))
def test_no_5xx_ever_disables_a_feed(status: int) -> None:
    assert not disables_feed(f"http_{status}")
