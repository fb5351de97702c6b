"""Settings, read once by the entry points (env prefix MONITOR_, optional .env file)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from monitor.errors import ConfigError


class LogFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def default_state_dir() -> Path:
    """systemd's StateDirectory= sets STATE_DIRECTORY; elsewhere the working directory."""
    return Path(os.environ.get("STATE_DIRECTORY", ".")).expanduser()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MONITOR_", env_file=".env", extra="ignore", validate_default=True
    )

    database_url: str = ""  # empty: sqlite file monitor.db in the state directory
    migrate_on_start: bool = False

    poll_interval: int = Field(900, ge=1, description="seconds between polls of a feed")
    min_interval: int = Field(60, ge=1)
    max_interval: int = Field(86400, ge=1)
    error_backoff_max: int = Field(21600, ge=1, description="cap of the error back-off")
    poll_tick: float = Field(15.0, gt=0, description="seconds between looks for due feeds")
    lease_seconds: int = Field(300, ge=10)
    batch_size: int = Field(200, ge=1, description="feeds claimed per tick")

    connect_timeout: float = Field(10.0, gt=0)
    read_timeout: float = Field(30.0, gt=0)
    total_timeout: float = Field(60.0, gt=0)
    max_body_bytes: int = Field(5 * 1024 * 1024, ge=1024)
    user_agent: str = "monitor/0.1 (news monitor; +https://github.com/monitor-news/monitor)"
    max_concurrency: int = Field(16, ge=1)
    per_host_concurrency: int = Field(2, ge=1)
    parse_workers: int = Field(0, ge=0, description="0: one per CPU, none on a single CPU")
    parse_inline_bytes: int = Field(1_000_000, ge=0)

    log_level: str = "INFO"
    log_format: LogFormat = LogFormat.TEXT

    alert_urls: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Per-kind routes: when set, alerts of that kind go to these URLs instead of alert_urls.
    alert_urls_mobilization: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_urls_border_closure: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_urls_emigration: Annotated[list[str], NoDecode] = Field(default_factory=list)
    alert_on_first_seen: bool = True
    # A figure must move this much to alert: "10%" (relative) or "5000" (people).
    threshold_mobilization: str = "10%"
    threshold_emigration: str = "10%"
    send_tick: float = Field(10.0, gt=0, description="seconds between sends of pending alerts")
    alert_max_attempts: int = Field(8, ge=1)
    alert_retry_base: int = Field(30, ge=1, description="seconds; doubles per failed attempt")
    alert_digest_after: int = Field(5, ge=1, description="alerts per window and target")
    alert_digest_window: int = Field(600, ge=1, description="seconds")

    @field_validator(
        "alert_urls",
        "alert_urls_mobilization",
        "alert_urls_border_closure",
        "alert_urls_emigration",
        mode="before",
    )
    @classmethod
    def _split_urls(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [u.strip() for u in value.replace("\n", ",").split(",") if u.strip()]
        return value

    @field_validator("threshold_mobilization", "threshold_emigration")
    @classmethod
    def _threshold(cls, value: str) -> str:
        number = value.strip().removesuffix("%")
        try:
            ok = float(number) >= 0
        except ValueError:
            ok = False
        if not ok:
            raise ValueError(
                f"{value!r} is not a threshold: use a percentage like 10% or a count like 5000"
            )
        return value.strip()

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must start with sqlite:/// or postgresql+psycopg://")
        if value.startswith("postgresql://") or value.startswith("postgres://"):
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @model_validator(mode="after")
    def _intervals_in_order(self) -> Settings:
        if not self.min_interval <= self.poll_interval <= self.max_interval:
            raise ValueError(
                f"poll_interval: {self.poll_interval} must lie between MONITOR_MIN_INTERVAL "
                f"({self.min_interval}) and MONITOR_MAX_INTERVAL ({self.max_interval})"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(default_state_dir() / 'monitor.db').resolve()}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        message = error["msg"].removeprefix("Value error, ")
        field = ".".join(str(p) for p in error["loc"])
        if not field:  # a check across settings names its field first
            field, _, message = message.partition(": ")
        raise ConfigError(f"MONITOR_{field.upper()}", message) from None
