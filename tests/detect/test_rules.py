"""Table-driven: one news item -> the events it reports. Cases written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.detect import detect
from monitor.model import BorderStatus, Event, EventKind

M, B, E = EventKind.MOBILIZATION, EventKind.BORDER_CLOSURE, EventKind.EMIGRATION
C, R, RE = BorderStatus.CLOSED, BorderStatus.RESTRICTED, BorderStatus.REOPENED


def facts(events: tuple[Event, ...]) -> set[tuple[object, ...]]:
    return {
        (
            e.kind,
            e.country,
            e.counterpart,
            e.figure.value if e.figure else None,
            e.figure.qualifier.value if e.figure else None,
            e.status,
        )
        for e in events
    }


CASES = [
    # mobilization
    (
        "Belarus calls up reservists",
        "Belarus has called up 12,500 reservists for snap drills, the defence ministry said.",
        {(M, "BY", None, 12500, "exact", None)},
    ),
    (
        "",
        "Armenia will draft about 8,000 men this autumn under a decree signed on Monday.",
        {(M, "AM", None, 8000, "approx", None)},
    ),
    (
        "",
        "The Kremlin announced a general mobilization of up to 500k reservists.",
        {(M, "RU", None, 500000, "up_to", None)},
    ),
    (
        "",
        "Serbia lowered the draft age to 17 and reinstated compulsory military service.",
        {(M, "RS", None, None, None, None)},
    ),
    (
        "",
        "Seoul said two hundred thousand reservists had been mobilised since Friday.",
        {(M, "KR", None, 200000, "exact", None)},
    ),
    # border closures
    (
        "",
        "Norway closed its border with Russia to all travellers on Tuesday.",
        {(B, "NO", "RU", None, None, C)},
    ),
    (
        "",
        "Poland will shut two of its crossings with Belarus from Friday.",
        {(B, "PL", "BY", None, None, R)},
    ),
    (
        "",
        "Georgia reopened its border with Armenia after a three-week closure.",
        {(B, "GE", "AM", None, None, RE)},
    ),
    (
        "",
        "The Nordic countries barred Russian tourists from entering on Monday.",
        {(B, code, "RU", None, None, R) for code in ("DK", "FI", "IS", "NO", "SE")},
    ),
    (
        "Chile seals its borders",
        "Chile sealed its borders to all foreigners on Wednesday to slow the outbreak.",
        {(B, "CL", None, None, None, C)},
    ),
    # emigration
    (
        "",
        "More than 120,000 Ukrainians have crossed into Romania since the start of the war.",
        {(E, "UA", "RO", 120000, "at_least", None)},
    ),
    (
        "",
        "Roughly 1.2 million Syrians now live in Lebanon, the UN refugee agency said.",
        {(E, "SY", "LB", 1200000, "approx", None)},
    ),
    (
        "",
        "Hundreds of thousands of Afghans have fled to Pakistan, aid groups said.",
        {(E, "AF", "PK", None, None, None)},
    ),
    (
        "",
        "Some 45 000 Belarusians left Belarus for Lithuania and Poland last year.",
        {(E, "BY", None, 45000, "approx", None)},
    ),
    (
        "",
        "Kazakhstan's border service said 31,000 Russians had entered the country in a week.",
        {(E, "RU", "KZ", 31000, "exact", None)},
    ),
    (
        "",
        "At least 9,000 Haitians reached Mexico in March, migration officials said.",
        {(E, "HT", "MX", 9000, "at_least", None)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), CASES)
def test_rule_table(title: str, summary: str, expected: set[tuple[object, ...]]) -> None:
    assert facts(detect(title, summary, date(2024, 3, 1)).events) == expected


DECOYS = [
    ("New mobile network launched", "The operator's mobile network now covers 300,000 homes."),
    ("", "The foundation will mobilise $40 million of resources for schools."),
    ("", "The agency announced a full mobilization of resources after the floods."),
    ("", "The bank closed its offices in the capital on Friday."),
    ("", "Designers moved the border of the image two pixels to the left."),
    ("", "The city has a population of 300,000 and is growing fast."),
    ("", "Shares of the carmaker closed down 3% at the border of a bear market."),
    ("", "Poland could close its border with Belarus if the crisis deepens."),
    ("", "Officials denied plans to close the border with Russia."),
    ("", "The Kremlin has not said whether it plans to close its borders."),
    ("", "Rumours of a second wave of mobilization spread in Moscow this week."),
    ("", "Up to 50,000 more people could flee Haiti in the coming months, the UN warned."),
    ("", "In 1973, Israel called up 400,000 reservists within days."),
    ("", "Ukrainian men aged 18 to 60 are barred from leaving the country."),
    ("", "A 15-mile line of cars formed at the crossing as 2,000 vehicles waited."),
    ("", "Is Russia planning to close its borders to men of fighting age?"),
    ("", "The club called up three players from its academy for the cup match."),
    ("", "About 900 asylum seekers from Kenya, Syria and Eritrea arrived on the island."),
]


@pytest.mark.parametrize(("title", "summary"), DECOYS)
def test_decoys_make_no_event(title: str, summary: str) -> None:
    assert detect(title, summary, date(2024, 3, 1)).events == ()


def test_a_decided_future_closure_is_an_event() -> None:
    found = facts(detect("", "Finland will close the border from Friday.", None).events)
    assert found == {(B, "FI", None, None, None, C)}


def test_reprocessing_gives_the_same_events() -> None:
    text = "Around 20,000 Russians entered Georgia last week, the ministry said."
    first = detect("", text, date(2022, 10, 3))
    assert first == detect("", text, date(2022, 10, 3))
    assert first.events[0].period_start == date(2022, 9, 26)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (
            "Mexico registered 45,000 Hondurans at its southern border in May.",
            {(E, "HN", "MX", 45000, "exact", None)},
        ),
        (
            "An estimated 2 million Ukrainians have found refuge in Poland.",
            {(E, "UA", "PL", 2000000, "approx", None)},
        ),
        (
            "The army drafted 20 000 men last month, officials in Kyiv said.",
            {(M, "UA", None, 20000, "exact", None)},
        ),
    ],
)
def test_month_may_is_no_hedge_and_late_places_count(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    assert facts(detect("", summary, date(2024, 6, 1)).events) == expected
