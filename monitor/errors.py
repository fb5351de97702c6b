"""The one exception tree. A library's errors are wrapped where the library is called."""

from __future__ import annotations

from typing import Any


class MonitorError(Exception):
    """A problem the user can act on; str(e) is one line that says what to do."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuild from the constructor's arguments, so errors cross a process pool intact.
        return (type(self), getattr(self, "_init_args", self.args))


class ConfigError(MonitorError):
    def __init__(self, setting: str, problem: str) -> None:
        self._init_args = (setting, problem)
        self.setting = setting
        super().__init__(f"{setting}: {problem} (check the environment or the .env file)")


class FeedError(MonitorError):
    def __init__(self, url: str, message: str) -> None:
        self._init_args: tuple[Any, ...] = (url, message)
        self.url = url
        super().__init__(f"{url}: {message}")


class FetchError(FeedError):
    """`code` is short and stable for logs and the feeds table: timeout, connect,
    http_404, http_410, http_429, http_503, too_large, bad_url ..."""

    def __init__(
        self, url: str, code: str, message: str, retry_after_seconds: int | None = None
    ) -> None:
        self.code = code
        self.detail = message
        self.retry_after_seconds = retry_after_seconds
        super().__init__(url, f"{code}: {message}")
        self._init_args = (url, code, message, retry_after_seconds)


class ParseError(FeedError):
    pass


class StoreError(MonitorError):
    pass


class DuplicateFeedError(StoreError):
    pass


class SchemaError(StoreError):
    """The database schema is missing or older than this code."""


class DeliveryError(MonitorError):
    def __init__(self, target: str, message: str, alert_id: int | None = None) -> None:
        self._init_args = (target, message, alert_id)
        self.target = target
        self.alert_id = alert_id
        super().__init__(f"{target}: {message}")
