"""Phrasing classes of the eighth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import B, E, check

# Money, attempts and plans are no people: "up to 5 million drams", "1,300 attempts to cross",
# shelter readied "in case" of a wave, a count "before the pandemic".
NOT_PEOPLE_OR_NOT_NOW = [
    "Families leaving Karabakh will get grants of up to 3 million drams, Armenia said.",
    "Hungarian police logged about 900 attempts to cross from Serbia in a week.",
    "Romania has readied beds for 15,000 people in case fighting sends Ukrainians west.",
    "Before the pandemic, more than 2,000 Eritreans a month reached Sudan, the UN said.",
    "Officials said 4,000 men of conscription age had left the region, half of them students.",
]


@pytest.mark.parametrize("summary", NOT_PEOPLE_OR_NOT_NOW)
def test_money_attempts_plans_and_the_past_are_no_count(summary: str) -> None:
    check("", summary, set())


# "immigrated to", "settled in", "were given residence": movements and stocks.
MOVES_AND_STOCKS = [
    (
        "About 12,000 Argentines immigrated to Spain last year, the statistics office said.",
        {(E, "AR", "ES", 12000, "approx", None)},
    ),
    (
        "Some 80,000 Venezuelans have settled in Ecuador since 2019, officials estimate.",
        {(E, "VE", "EC", 80000, "approx", None)},
    ),
    (
        "Around 2,300 Afghans were given residence in Tajikistan this year.",
        {(E, "AF", "TJ", 2300, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), MOVES_AND_STOCKS)
def test_immigrated_settled_and_given_residence_count(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# A new speaker after ", and" starts a clause of its own: its hedge leaves the count alone.
def test_a_hedge_after_a_new_speaker_leaves_the_first_clause() -> None:
    check(
        "",
        "Lebanon hosts about 800,000 Syrian refugees, and the minister said it could take no more.",
        {(E, "SY", "LB", 800000, "approx", None)},
    )


# A border kept open, however many words lie between: no change.
KEPT_OPEN = [
    "Kazakhstan had kept its side of the frontier open throughout the crisis.",
    "Officials said they would keep the border with Chad open despite the fighting.",
]


@pytest.mark.parametrize("summary", KEPT_OPEN)
def test_a_border_kept_open_is_no_reopening(summary: str) -> None:
    check("", summary, set())


# A closure that had lasted "since" or "for" a time, or ran "until" a past year, is background.
BACKGROUND_CLOSURES = [
    "The crossing at Narva had been closed since January 2024 because of repairs.",
    "Algeria kept its border with Morocco shut until 2008, then sealed it again.",
]


@pytest.mark.parametrize("summary", BACKGROUND_CLOSURES)
def test_a_closure_that_had_lasted_is_background(summary: str) -> None:
    check("", summary, set())


# Freight stopped at a crossing restricts it; "except for" a group restricts, not closes.
FREIGHT_AND_EXCEPTIONS = [
    (
        "Lithuania will halt freight trucks at the Medininkai checkpoint on its border with "
        "Belarus from Friday.",
        {(B, "LT", "BY", None, None, "restricted")},
    ),
    (
        "Finland closed its border with Russia to all travellers except for diplomats.",
        {(B, "FI", "RU", None, None, "restricted")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), FREIGHT_AND_EXCEPTIONS)
def test_freight_stopped_or_exceptions_made_restrict(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Closed to all but its own people is closed, as the guidelines label it.
def test_closed_to_all_but_citizens_and_residents_is_closed() -> None:
    check(
        "",
        "Chile closed its borders to all foreigners except residents on Tuesday.",
        {(B, "CL", None, None, None, "closed")},
    )


# "Another N came from X and about M from Y": each from its own origin, to the last host named.
def test_more_people_who_came_from_elsewhere_reach_the_same_host() -> None:
    check(
        "",
        "About 9,000 Afghans arrived in Germany in March, the ministry said. Another 2,500 came "
        "from Syria and some 700 from Iraq.",
        {
            (E, "AF", "DE", 9000, "approx", None),
            (E, "SY", "DE", 2500, "exact", None),
            (E, "IQ", "DE", 700, "approx", None),
        },
    )
