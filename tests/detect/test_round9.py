"""Phrasing classes of the ninth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import B, E, M, check

# A host that takes "the largest share" of a count names the destination of its figure.
LARGEST_SHARE = [
    (
        "About 900,000 Rohingya have fled Myanmar. Bangladesh hosts the largest number, with "
        "some 700,000.",
        {(E, "MM", None, 900000, "approx", None), (E, "MM", "BD", 700000, "approx", None)},
    ),
    (
        "Some 3 million Syrians left their country. Turkey took in the majority of them, about "
        "2.5 million.",
        {(E, "SY", None, 3000000, "approx", None), (E, "SY", "TR", 2500000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), LARGEST_SHARE)
def test_the_host_of_the_largest_share_is_its_destination(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Reservists who "have already been summoned", call-up orders received, men who "reported for
# duty": a call-up with its figure.
CALL_UPS = [
    (
        "About 15,000 reservists have already been summoned, the general staff said.",
        {(M, "AM", None, 15000, "approx", None)},
        "Armenia readies its army",
    ),
    (
        "Some 2,000 men received call-up papers in the Kurgan region this week, officials said.",
        {(M, "RU", None, 2000, "approx", None)},
        "Russia steps up its draft",
    ),
    (
        "About 600 young men reported for duty on Monday as the first intake, Lithuania said.",
        {(M, "LT", None, 600, "approx", None)},
        "",
    ),
]


@pytest.mark.parametrize(("summary", "expected", "title"), CALL_UPS)
def test_summoned_ordered_and_reporting_men_are_a_call_up(
    summary: str, expected: set[tuple[object, ...]], title: str
) -> None:
    check(title, summary, expected)


# "said that A and that B": B's denial leaves A alone.
def test_a_second_that_clause_keeps_its_denial_to_itself() -> None:
    check(
        "",
        "Azerbaijan's defence minister said the call-up of 40,000 reservists was complete and "
        "that no further call-ups were planned.",
        {(M, "AZ", None, 40000, "exact", None)},
    )


# Ready or prepared to close is no closure; short-term visitors and visa-on-arrival restrict.
READY = [
    "Lithuania is ready to close its border with Belarus if migrants are pushed across.",
    "Hungary says it is prepared to seal its frontier with Serbia within hours.",
]


@pytest.mark.parametrize("summary", READY)
def test_ready_to_close_is_no_closure(summary: str) -> None:
    check("", summary, set())


ENTRY_CATEGORIES = [
    (
        "Malaysia barred all short-term visitors from entering the country on Friday.",
        {(B, "MY", None, None, None, "restricted")},
    ),
    (
        "Sri Lanka suspended visa-on-arrival for travellers from 30 countries.",
        {(B, "LK", None, None, None, "restricted")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), ENTRY_CATEGORIES)
def test_short_term_visitors_and_visa_on_arrival_restrict(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Specialists and professionals are people; "a third of the region's population" is a share,
# not a population figure; "crossed" with no place reaches the story's host; "back into" home
# is a return.
PEOPLE_AND_PLACES = [
    (
        "",
        "Around 50,000 tech specialists left Belarus last year, an industry group said.",
        {(E, "BY", None, 50000, "approx", None)},
    ),
    (
        "",
        "More than 20,000 people have fled Karabakh to Armenia, a sixth of the region's "
        "population.",
        {(E, "AZ", "AM", 20000, "at_least", None)},
    ),
    (
        "",
        "Over 40,000 people have entered Hungary from Ukraine this week. On Monday alone 9,000 "
        "crossed.",
        {(E, "UA", "HU", 40000, "at_least", None), (E, "UA", "HU", 9000, "exact", None)},
    ),
    (
        "",
        "About 12,000 people a day are travelling from Romania back into Ukraine, officials said.",
        set(),
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), PEOPLE_AND_PLACES)
def test_people_shares_crossings_and_returns(
    title: str, summary: str, expected: set[tuple[object, ...]]
) -> None:
    check(title, summary, expected)
