"""The story the product was built for: every figure read right, and nothing else."""

from __future__ import annotations

from datetime import date

from monitor.detect import detect, event_to_json, explain
from monitor.model import BorderStatus, EventKind, Figure, Qualifier

TITLE = "Russians flee as Moscow calls up reservists"
SUMMARY = (
    "<p>As many as 300,000 reservists were called up after the order last week.</p>"
    "<p>According to Frontex, almost 66,000 Russians entered European Union countries from "
    "September 19 to September 25, an increase of 30% on the week before. Independent media "
    "say as many as 261,000 have tried to escape. At one crossing a line of cars reportedly "
    "10 miles long formed. Finland has closed its border with the nation. The Kremlin has "
    "not said whether it plans to close its borders.</p>"
)


def test_seed_story() -> None:
    found = detect(TITLE, SUMMARY, date(2022, 9, 28))
    assert not found.skipped and found.language == "en"
    by_kind = {(e.kind, e.country, e.counterpart): e for e in found.events}
    assert len(found.events) == 4, found.events
    mob = by_kind[(EventKind.MOBILIZATION, "RU", None)]
    assert mob.figure == Figure(300000, Qualifier.UP_TO)
    to_eu = by_kind[(EventKind.EMIGRATION, "RU", "EU")]
    assert to_eu.figure == Figure(66000, Qualifier.APPROX)
    assert (to_eu.period_start, to_eu.period_end) == (date(2022, 9, 19), date(2022, 9, 25))
    fled = by_kind[(EventKind.EMIGRATION, "RU", None)]
    assert fled.figure == Figure(261000, Qualifier.UP_TO)
    border = by_kind[(EventKind.BORDER_CLOSURE, "FI", "RU")]
    assert border.status == BorderStatus.CLOSED and border.figure is None
    assert border.evidence == "Finland has closed its border with the nation."


def test_seed_story_as_json_and_explained() -> None:
    events = detect(TITLE, SUMMARY, date(2022, 9, 28)).events
    rows = [event_to_json(e) for e in events]
    assert {r["value"] for r in rows} == {300000, 66000, 261000, None}
    assert all(r["unit"] == ("people" if r["value"] else None) for r in rows)
    eu = next(r for r in rows if r["counterpart"] == "EU")
    assert (eu["period_start"], eu["period_end"]) == ("2022-09-19", "2022-09-25")
    cues = {x.event.kind: " ".join(x.cues) for x in explain(TITLE, SUMMARY, date(2022, 9, 28))}
    assert "called up" in cues[EventKind.MOBILIZATION]
    assert "closed its border" in cues[EventKind.BORDER_CLOSURE]
