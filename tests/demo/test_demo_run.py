"""`monitor demo` end to end: the real daemon finds the stories and alerts on the change."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console

from monitor.demo.run import run_demo


def test_the_demo_ends_with_a_change_alert(tmp_path: Path) -> None:
    console = Console(record=True, width=120)
    result = asyncio.run(run_demo(tmp_path, console))
    shown = console.export_text()
    assert result.feeds == 4
    assert result.entries > 40 and result.events > 5 and result.alerts > 5
    assert "emigration RU→EU: ~66,000 → ~97,000 (+47%)" in shown
    assert shown.count("emigration RU→EU: ~66,000 → ~97,000") == 2  # the title and the body, once
