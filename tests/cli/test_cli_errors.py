"""User errors are one line on stderr, never a traceback; usage errors exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.daemon.conftest import monitor_env, run_monitor


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


def test_feeds_add_list_remove_and_duplicates(database_url: str, tmp_path: Path) -> None:
    env = monitor_env(database_url)
    added = run_monitor(
        "feeds", "add", "https://example.org/a.rss", "--interval", "600", env=env, cwd=tmp_path
    )
    assert added.returncode == 0, added.stderr
    again = run_monitor("feeds", "add", "https://example.org/a.rss", env=env, cwd=tmp_path)
    assert again.returncode == 1
    assert one_line_error(again.stderr) == "Error: feed already exists: https://example.org/a.rss"
    listed = run_monitor("feeds", "list", env=env, cwd=tmp_path)
    assert "https://example.org/a.rss" in listed.stdout
    exported = run_monitor("feeds", "export-opml", env=env, cwd=tmp_path)
    assert 'xmlUrl="https://example.org/a.rss"' in exported.stdout
    removed = run_monitor("feeds", "remove", "https://example.org/a.rss", env=env, cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    gone = run_monitor("feeds", "remove", "https://example.org/a.rss", env=env, cwd=tmp_path)
    assert gone.returncode == 1 and one_line_error(gone.stderr).startswith("Error: no such feed")


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "file:///etc/passwd", "example.org/feed"]
)
def test_only_http_urls(url: str, database_url: str, tmp_path: Path) -> None:
    done = run_monitor("feeds", "add", url, env=monitor_env(database_url), cwd=tmp_path)
    assert done.returncode == 2
    assert "not an http(s) URL" in done.stderr and "Traceback" not in done.stderr


def test_bad_setting_is_one_line(tmp_path: Path) -> None:
    env = monitor_env("sqlite:///" + str(tmp_path / "x.db"), poll_interval="soon")
    done = run_monitor("feeds", "list", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert one_line_error(done.stderr).startswith("Error: MONITOR_POLL_INTERVAL: ")


def test_run_refuses_a_database_without_schema(tmp_path: Path) -> None:
    env = monitor_env("sqlite:///" + str(tmp_path / "new.db"))
    done = run_monitor("run", env=env, cwd=tmp_path)
    assert done.returncode == 1
    assert "monitor db upgrade" in one_line_error(done.stderr)
    check = run_monitor("check", env=env, cwd=tmp_path)
    assert check.returncode == 1 and "run `monitor db upgrade`" in check.stdout


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    env = monitor_env("postgresql+psycopg://nobody:secret@127.0.0.1:9/none")
    done = run_monitor("feeds", "list", env=env, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line_error(done.stderr)
    assert line.startswith("Error: ") and "secret" not in line


def test_missing_opml_file(database_url: str, tmp_path: Path) -> None:
    done = run_monitor(
        "feeds", "import-opml", "nope.opml", env=monitor_env(database_url), cwd=tmp_path
    )
    assert done.returncode == 1
    assert one_line_error(done.stderr).startswith("Error: cannot read nope.opml")


def test_poll_needs_once(database_url: str, tmp_path: Path) -> None:
    done = run_monitor("poll", env=monitor_env(database_url), cwd=tmp_path)
    assert done.returncode == 2 and "--once" in done.stderr


@pytest.mark.parametrize("command", [("check",), ("run",)])
def test_a_bad_alert_url_stops_check_and_run(command: tuple[str, ...], tmp_path: Path) -> None:
    env = monitor_env("sqlite:///" + str(tmp_path / "x.db"))
    env["MONITOR_ALERT_URLS_EMIGRATION"] = "json://ok.example/hook, nosuchscheme://secret@host"
    done = run_monitor(*command, env=env, cwd=tmp_path)
    assert done.returncode == 1
    line = one_line_error(done.stderr)
    assert line.startswith("Error: MONITOR_ALERT_URLS_EMIGRATION: ") and "secret" not in line
