"""`monitor extract` end to end: a real RSS file and JSON lines in, scored JSON lines out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from monitor.cli.commands import app

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Desk</title><link>https://news.example.org/</link>
<description>News</description>
<item><title>Estonia calls up 9,000 reservists</title>
<guid isPermaLink="false">desk-1</guid><pubDate>Tue, 03 Mar 2026 08:30:00 GMT</pubDate>
<description><![CDATA[<p>Estonia has called up <b>9,000</b> reservists for a snap exercise,
the army said on Tuesday.</p>]]></description></item>
<item><title>Latvia shuts crossing</title><guid>desk-2</guid>
<pubDate>Mon, 02 Mar 2026 22:05:00 GMT</pubDate>
<description>Latvia closed its border with Belarus to all travellers &amp; freight
traffic on Monday.</description></item>
<item><title>Cup final moved to Sunday</title><guid>desk-3</guid>
<description>The final was moved to Sunday after 42,000 tickets sold out.</description></item>
</channel></rss>
"""


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    code = "from monitor.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_extract_an_rss_file(tmp_path: Path) -> None:
    feed = tmp_path / "desk.xml"
    feed.write_text(RSS, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(feed)])
    assert result.exit_code == 0, result.output
    rows = {r["id"]: r["events"] for r in map(json.loads, result.stdout.splitlines())}
    assert set(rows) == {"desk-1", "desk-2", "desk-3"}
    (mob,) = rows["desk-1"]
    assert (mob["kind"], mob["country"], mob["value"], mob["qualifier"]) == (
        "mobilization",
        "EE",
        9000,
        "exact",
    )
    (border,) = rows["desk-2"]
    assert (border["country"], border["counterpart"], border["status"]) == ("LV", "BY", "closed")
    assert rows["desk-3"] == []


def test_extract_json_lines_from_stdin_with_explain() -> None:
    line = {
        "id": "a",
        "title": "",
        "summary": "Some 5,000 Russians fled to Georgia.",
        "published": "2022-09-30",
    }
    result = run("extract", "--explain", "-", stdin=json.dumps(line) + "\n\n")
    assert result.returncode == 0, result.stderr
    (row,) = map(json.loads, result.stdout.splitlines())
    assert row["id"] == "a"
    (event,) = row["events"]
    assert (event["country"], event["counterpart"], event["value"]) == ("RU", "GE", 5000)
    assert "trigger: fled" in result.stderr and "figure: Some 5,000" in result.stderr


def test_bad_input_is_one_line_error(tmp_path: Path) -> None:
    result = run("extract", "-", stdin='{"id": "a", "title": 3}\n')
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: <stdin>:1: 'title' and 'summary' must be strings"
    missing = run("extract", str(tmp_path / "nope.jsonl"))
    assert missing.returncode == 1 and missing.stderr.startswith("Error: cannot read")
    assert "Traceback" not in missing.stderr
