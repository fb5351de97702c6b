"""Log lines carry their fields as key=value or JSON."""

from __future__ import annotations

import json
import logging

import pytest

from monitor.config import LogFormat
from monitor.log import setup_logging


@pytest.fixture(autouse=True)
def restore_root() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def test_text_lines_append_fields(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", LogFormat.TEXT)
    fields = {"feed": 12, "status": 200, "detail": "a b"}
    logging.getLogger("monitor.test").info("poll", extra=fields)
    line = capsys.readouterr().err.strip()
    assert line.endswith('INFO monitor.test: poll feed=12 status=200 detail="a b"')


def test_json_lines_parse(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", LogFormat.JSON)
    logging.getLogger("monitor.test").warning("poll", extra={"feed": 3, "error": "timeout"})
    logging.getLogger("monitor.test").debug("hidden")
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["msg"] == "poll" and record["feed"] == 3 and record["error"] == "timeout"
    assert record["level"] == "WARNING"
