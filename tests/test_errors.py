"""Errors keep their fields across a process boundary (the parse workers)."""

from __future__ import annotations

import pickle

import pytest

from monitor.errors import (
    ConfigError,
    DeliveryError,
    FetchError,
    MonitorError,
    ParseError,
    StoreError,
)


@pytest.mark.parametrize(
    "error",
    [
        FetchError("http://a.example/f", "http_429", "rate limited", 600),
        ParseError("http://a.example/f", "not a feed"),
        ConfigError("MONITOR_POLL_INTERVAL", "must be a number"),
        DeliveryError("mailto://host", "refused", 7),
        StoreError("database is locked"),
    ],
)
def test_errors_pickle_round_trip(error: MonitorError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__
