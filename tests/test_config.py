"""Settings: defaults documented, bad values named in one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.config import Settings, load_settings
from monitor.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parents[1] / "settings.example.env"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(__import__("os").environ):
        if name.startswith("MONITOR_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env


def documented() -> dict[str, str]:
    pairs = re.findall(r"^(MONITOR_\w+)=(.*)$", EXAMPLE.read_text(), flags=re.M)
    return dict(pairs)


def test_every_setting_is_documented_with_its_default() -> None:
    docs = documented()
    defaults = Settings()
    for name in Settings.model_fields:
        key = f"MONITOR_{name.upper()}"
        assert key in docs, f"{key} missing from settings.example.env"
        value = getattr(defaults, name)
        documented_value = docs[key]
        if not documented_value:
            assert not value, f"{key} documents no default"
            continue
        parsed = Settings.model_validate({name: documented_value}).model_dump()[name]
        assert parsed == value, key
    assert set(docs) == {f"MONITOR_{n.upper()}" for n in Settings.model_fields}


def test_the_example_file_loads_as_is(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in documented().items():
        monkeypatch.setenv(key, value)
    assert load_settings() == Settings()


@pytest.mark.parametrize(
    ("env", "value", "says"),
    [
        ("MONITOR_POLL_INTERVAL", "soon", "MONITOR_POLL_INTERVAL: Input should be a valid integer"),
        ("MONITOR_POLL_INTERVAL", "5", "MONITOR_POLL_INTERVAL: 5 must lie between"),
        ("MONITOR_LOG_LEVEL", "LOUD", "MONITOR_LOG_LEVEL: must be one of"),
        ("MONITOR_LOG_FORMAT", "xml", "MONITOR_LOG_FORMAT: Input should be 'text' or 'json'"),
        ("MONITOR_DATABASE_URL", "mysql://x", "MONITOR_DATABASE_URL: must start with"),
        ("MONITOR_MAX_BODY_BYTES", "10", "MONITOR_MAX_BODY_BYTES: Input should be greater"),
    ],
)
def test_a_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, says: str
) -> None:
    monkeypatch.setenv(env, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(says)
    assert "\n" not in str(caught.value)


def test_alert_urls_split_on_commas(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_ALERT_URLS", "json://a.example, mailto://b@c.example")
    assert load_settings().alert_urls == ["json://a.example", "mailto://b@c.example"]


def test_postgres_urls_use_psycopg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MONITOR_DATABASE_URL", "postgresql://u@h/db")
    assert load_settings().database_url == "postgresql+psycopg://u@h/db"


def test_default_database_lives_in_the_state_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("STATE_DIRECTORY", str(tmp_path / "state"))
    assert load_settings().resolved_database_url == f"sqlite:///{tmp_path / 'state' / 'monitor.db'}"
