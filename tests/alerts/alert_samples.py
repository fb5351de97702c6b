"""Realistic changes for the alert tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from monitor.model import (
    BorderStatus,
    Change,
    ChangeType,
    EventKind,
    Figure,
    IndicatorKey,
    Qualifier,
    Source,
)

DETECTED = datetime(2022, 10, 6, 12, 0, tzinfo=UTC)

OLD_SOURCE = Source(
    title="Exodus: 66,000 leave for the EU",
    link="https://news.example.org/a/1?x=1&y=2",
    published=datetime(2022, 9, 28, 8, 30, tzinfo=UTC),
    evidence="About 66,000 Russians entered the EU in the week after the announcement.",
    period_start=date(2022, 9, 21),
    period_end=date(2022, 9, 28),
)
NEW_SOURCE = Source(
    title="Frontex: 97,000 crossings",
    link="https://frontex.example.eu/news/97k",
    published=datetime(2022, 10, 5, 9, 0, tzinfo=UTC),
    evidence="Frontex counted roughly 97,000 Russian citizens entering the EU.",
    period_start=date(2022, 9, 21),
    period_end=date(2022, 10, 5),
)


def emigration_change(
    old: int = 66_000,
    new: int = 97_000,
    *,
    dedup_key: str = "emigration:RU:EU:people:97000",
    detected_at: datetime = DETECTED,
    new_source: Source = NEW_SOURCE,
    old_source: Source | None = OLD_SOURCE,
) -> Change:
    return Change(
        key=IndicatorKey(EventKind.EMIGRATION, "RU", "EU", "people"),
        change_type=ChangeType.INCREASE if new >= old else ChangeType.DECREASE,
        new_source=new_source,
        detected_at=detected_at,
        dedup_key=dedup_key,
        old_figure=Figure(old, Qualifier.APPROX),
        new_figure=Figure(new, Qualifier.APPROX),
        old_source=old_source,
    )


def mobilization_change() -> Change:
    return Change(
        key=IndicatorKey(EventKind.MOBILIZATION, "RU", None, "people"),
        change_type=ChangeType.FIRST_SEEN,
        new_source=Source(
            title="Partial mobilization announced",
            link="https://news.example.org/mob",
            published=datetime(2022, 9, 21, 7, 0, tzinfo=UTC),
            evidence="Up to 300,000 reservists will be called up.",
        ),
        detected_at=DETECTED,
        dedup_key="mobilization:RU::people:first",
        new_figure=Figure(300_000, Qualifier.UP_TO),
    )


def border_change() -> Change:
    source = Source(
        title="Finland reopens the border crossing",
        link="https://yle.example.fi/border",
        published=datetime(2023, 1, 2, tzinfo=UTC),
        evidence="The Vaalimaa crossing reopened on Monday.",
    )
    return Change(
        key=IndicatorKey(EventKind.BORDER_CLOSURE, "FI", "RU", None),
        change_type=ChangeType.STATUS,
        new_source=source,
        detected_at=DETECTED,
        dedup_key="border:FI:RU:reopened",
        old_status=BorderStatus.CLOSED,
        new_status=BorderStatus.REOPENED,
        old_source=OLD_SOURCE,
    )
