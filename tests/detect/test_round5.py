"""Phrasing classes of the fifth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import B, E, R, check

# A past event dated in its own sentence ("of May 1948, when", "On 3 June 1989,", "between
# 1990 and 1995") is background, whatever the verb and the kind.
DATED_PAST = [
    "A film recalls the evacuation of June 1940, when about 300,000 soldiers left France.",
    "On 9 November 1989, East Germany opened its border crossings to West Berlin.",
    "On October 3, 1990, Germany reunited and the last border checkpoints were dismantled.",
    "Between 1990 and 1995 some 200,000 Bosnians fled to Germany, the archive shows.",
    "During 1975 more than 130,000 Vietnamese fled to the United States by sea.",
    "The mobilisation of September 1939, when Britain called up 1.5 million men, is the topic.",
]


@pytest.mark.parametrize("summary", DATED_PAST)
def test_a_past_dated_in_its_sentence_is_background(summary: str) -> None:
    check("", summary, set())


# A span of two years is no figure: "between 1990 and 1995" is neither 1990 nor a range.
YEAR_SPANS = [
    (
        "Roughly 40,000 Kosovars left Serbia for Switzerland last year, and 1998-1999 saw more.",
        {(E, "XK", "CH", 40000, "approx", None)},
    ),
    (
        "Over 10,000 Eritreans have crossed into Ethiopia this month, more than in 2018 to 2019.",
        {(E, "ER", "ET", 10000, "at_least", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), YEAR_SPANS)
def test_a_span_of_years_is_no_figure(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# A stock from before the crisis ("Before the collapse ... lived in") is background.
BEFORE_THE_CRISIS = [
    "Before Syria's civil war, about 1.5 million Iraqis lived in the country.",
    "Before the coup, as many as 200,000 Burmese were living in Thailand.",
    "Before Lebanon's financial crash, some 300,000 Syrians worked there, a study found.",
    "Before the revolution, nearly 80,000 Cubans lived in Venezuela.",
]


@pytest.mark.parametrize("summary", BEFORE_THE_CRISIS)
def test_a_stock_from_before_the_crisis_is_background(summary: str) -> None:
    check("", summary, set())


# People expelled from the host, or going home from it, are returns, not emigration.
HOME_AGAIN = [
    "More than 40,000 Haitians have left the Dominican Republic since the expulsions began.",
    "Some 25,000 Burundians were expelled from Tanzania last month.",
    "Over 3,000 Malians have gone home from Algeria since January, officials said.",
    "About 9,000 Ethiopian migrants went home from Saudi Arabia in the first quarter.",
    "Nearly 70,000 Venezuelans headed home from Peru this year, the UN said.",
]


@pytest.mark.parametrize("summary", HOME_AGAIN)
def test_people_going_home_from_the_host_are_no_emigration(summary: str) -> None:
    check("", summary, set())


# A region's adjective ("Central American", "Latin American") is no American, so no US.
REGION_ADJECTIVES = [
    ("Central American states tighten borders", set()),
    ("Latin American governments shut frontiers as virus spreads", set()),
    (
        "South American neighbours: Peru closes its border with Ecuador",
        {(B, "PE", "EC", None, None, "closed")},
    ),
]


@pytest.mark.parametrize(("title", "expected"), REGION_ADJECTIVES)
def test_a_region_adjective_names_no_state(title: str, expected: set[tuple[object, ...]]) -> None:
    check(title, "", expected)


# Two named crossings shut, or one crossing left as the only one open: some crossings only.
NAMED_CROSSINGS = [
    (
        "Norway will shut the Storskog and Vaalimaa crossings from Monday.",
        {(B, "NO", None, None, None, R)},
    ),
    (
        "Latvia closed its border with Belarus at Silene, leaving Terehova as the only "
        "crossing still open.",
        {(B, "LV", "BY", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), NAMED_CROSSINGS)
def test_named_crossings_shut_are_a_restriction(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# A memorial of a past closure ("remembers the night", "marks the day") is no event.
MEMORIALS = [
    ("Vienna remembers the day the frontier with Hungary was closed", ""),
    ("", "The town marks the night its border with Slovenia was sealed, with a concert."),
    ("Cyprus commemorates the summer the Green Line was shut", ""),
]


@pytest.mark.parametrize(("title", "summary"), MEMORIALS)
def test_a_memorial_of_a_closure_is_no_event(title: str, summary: str) -> None:
    check(title, summary, set())


# A country's name used as the people's adjective ("Myanmar nationals", "Congo refugees").
NAME_AS_PEOPLE = [
    (
        "About 12,000 Myanmar nationals have found shelter in Thailand since March.",
        {(E, "MM", "TH", 12000, "approx", None)},
    ),
    (
        "More than 5,000 South Sudan refugees crossed into Uganda at the weekend.",
        {(E, "SS", "UG", 5000, "at_least", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), NAME_AS_PEOPLE)
def test_a_country_name_as_adjective_gives_the_origin(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Flying out and being let through are movements like crossing.
FLIGHTS_AND_PASSAGE = [
    (
        "Some 18,000 Russians flew to Serbia in the fortnight after the decree.",
        {(E, "RU", "RS", 18000, "approx", None)},
    ),
    (
        "Hungarian border guards let through 9,500 Ukrainians on Sunday.",
        {(E, "UA", "HU", 9500, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), FLIGHTS_AND_PASSAGE)
def test_flights_and_passage_are_movements(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# The name of an institute ("Centre for Migration Studies") is no hedge.
INSTITUTES = [
    (
        "Some 90,000 Nicaraguans have left the country this year, the Centre for Migration "
        "Studies said.",
        {(E, "NI", None, 90000, "approx", None)},
    ),
    (
        "About 6,000 Cubans reached Mexico in May, according to the Border Review Institute.",
        {(E, "CU", "MX", 6000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), INSTITUTES)
def test_an_institute_name_is_no_hedge(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


def test_a_study_is_still_a_hedge() -> None:
    check("", "Moldova studies closing its border with Transnistria, officials said.", set())


# The host's officials as the subject ("Chadian authorities registered", "Georgia recorded")
# name the destination; a source quoted after a flight out does not.
HOST_REPORTS = [
    (
        "Chadian authorities have registered some 15,000 Sudanese who arrived in Adre.",
        {(E, "SD", "TD", 15000, "approx", None)},
    ),
    (
        "Georgia recorded about 8,000 arrivals of Russian citizens over the weekend.",
        {(E, "RU", "GE", 8000, "approx", None)},
    ),
    (
        "Some 20,000 people have fled Abkhazia's capital, according to the Russian government.",
        {(E, "GE", None, 20000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), HOST_REPORTS)
def test_the_hosts_officials_name_the_destination(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)
