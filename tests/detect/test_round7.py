"""Phrasing classes of the seventh generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from monitor.detect import detect
from tests.detect.test_classes import B, E, M, check, facts

# A report, claim or rumour of a closure that the sentence itself calls false is no event.
DENIED_REPORTS = [
    "Reports that Hungary will close its border with Serbia are false, a spokesman said.",
    "Claims that Poland would shut its crossings with Belarus on Monday were untrue.",
    "Rumours that Kazakhstan is about to seal its frontier with Russia are groundless.",
    "Posts saying Georgia would close its border with Armenia were fake, the ministry said.",
    "Talk of Slovakia closing its border with Ukraine is baseless, the premier said.",
]


@pytest.mark.parametrize("summary", DENIED_REPORTS)
def test_a_report_called_false_is_no_event(summary: str) -> None:
    check("", summary, set())


# Conscripts leaving the army at the end of their service are no call-up.
DISCHARGED = [
    "The army discharged 12,000 conscripts who had finished their service, the ministry said.",
    "Some 8,000 conscripts were demobilised and sent home after a year in uniform.",
    "Belarus released 5,000 conscripts from service this week at the end of their term.",
    "About 30,000 conscripts will be discharged in December, the general staff said.",
]


@pytest.mark.parametrize("summary", DISCHARGED)
def test_conscripts_discharged_are_no_call_up(summary: str) -> None:
    check("", summary, set())


# A bill or a debate about the draft is no call-up yet.
DEBATES = [
    ("Estonian MPs debate extending conscription to women", ""),
    ("", "Lithuania's parliament is debating a bill that would lower the conscription age."),
    ("", "A bill to raise the call-up age for reservists was submitted to parliament."),
]


@pytest.mark.parametrize(("title", "summary"), DEBATES)
def test_a_debate_on_the_draft_is_no_call_up(title: str, summary: str) -> None:
    check(title, summary, set())


# Former soldiers ordered back to their units are called up, with or without a figure.
RECALLS = [
    (
        "Chad ordered former soldiers to rejoin their units within two weeks, the army said.",
        {(M, "TD", None, None, None, None)},
    ),
    (
        "Niger has recalled retired officers to active duty, state television reported.",
        {(M, "NE", None, None, None, None)},
    ),
    (
        "Burkina Faso told reservists who left the army since 2019 to report back to barracks.",
        {(M, "BF", None, None, None, None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), RECALLS)
def test_soldiers_ordered_back_to_their_units_are_called_up(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# "N of them" after a count is a part of it, not a count of its own.
SUBSETS = [
    (
        "About 9,000 Haitians crossed into the Dominican Republic last week",
        "Officials said 2,000 of them were later moved to shelters near the border.",
        {(E, "HT", "DO", 9000, "approx", None)},
    ),
    (
        "Some 40,000 Sudanese have entered Chad since April",
        "Aid groups said about 6,000 of them had been taken to a new camp near Adre.",
        {(E, "SD", "TD", 40000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), SUBSETS)
def test_a_part_of_a_count_is_not_a_count(
    title: str, summary: str, expected: set[tuple[object, ...]]
) -> None:
    check(title, summary, expected)


# Visas no longer issued to one nation's citizens restrict their entry.
VISAS_SUSPENDED = [
    (
        "Russia suspended the issuing of visas to Estonian citizens on Friday.",
        {(B, "RU", "EE", None, None, "restricted")},
    ),
    (
        "Algeria has stopped issuing visas to French nationals until further notice.",
        {(B, "DZ", "FR", None, None, "restricted")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), VISAS_SUSPENDED)
def test_visas_suspended_for_one_nation_restrict_entry(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Two states that reopen or close "their" border each act, against the other.
JOINT = [
    (
        "Ethiopia and Eritrea reopened their shared border on Tuesday.",
        {(B, "ET", "ER", None, None, "reopened"), (B, "ER", "ET", None, None, "reopened")},
    ),
    (
        "Guatemala and Honduras closed their common border for three days.",
        {(B, "GT", "HN", None, None, "closed"), (B, "HN", "GT", None, None, "closed")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), JOINT)
def test_two_states_and_their_border_face_each_other(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# People who "live and work" abroad are a stock of emigrants.
LIVE_AND_WORK = [
    (
        "About 120,000 Tajik citizens live and work in Russia, the embassy said.",
        {(E, "TJ", "RU", 120000, "approx", None)},
    ),
    (
        "Nearly 45,000 Nepalis now work and live in Qatar, according to the labour ministry.",
        {(E, "NP", "QA", 45000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), LIVE_AND_WORK)
def test_people_who_live_and_work_abroad_are_a_stock(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# A call-up or a closure dated by month and year in its own clause is background, even when
# the item carries no date of its own.
DATED_UNDATED = [
    ("", "Mothers of men mobilised in October 2022 gathered outside the ministry on Sunday."),
    ("", "Ghana shut its land borders in March 2020 and has kept some of them closed since."),
]


@pytest.mark.parametrize(("title", "summary"), DATED_UNDATED)
def test_a_past_dated_by_month_and_year_is_background_without_a_date(
    title: str, summary: str
) -> None:
    assert facts(detect(title, summary, None).events) == set()


# A title or summary that opens "N years after ..." looks back; "N years after" later in a
# sentence only dates what came before the news.
YEARS_AFTER = [
    ("Ten years after Tunisia sealed its border, traders count their losses", "", set()),
    (
        "",
        "Chile reopened its border to tourists on Monday, nearly two years after it was shut.",
        {(B, "CL", None, None, None, "reopened")},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), YEARS_AFTER)
def test_years_after_opens_a_look_back(
    title: str, summary: str, expected: set[tuple[object, ...]]
) -> None:
    check(title, summary, expected)


# "mobilised men" after "of", "for", "among" ... names people called up before, not a call-up.
MOBILISED_PEOPLE = [
    ("Families of mobilised soldiers rally in Novosibirsk", ""),
    ("", "Aid for mobilised men and their families will rise next year, the governor said."),
]


@pytest.mark.parametrize(("title", "summary"), MOBILISED_PEOPLE)
def test_people_mobilised_before_are_no_call_up(title: str, summary: str) -> None:
    check(title, summary, set())


# A part that stays ("N of them have registered") is a stock of its own, unlike one moved on.
def test_a_part_that_stays_is_a_stock_of_its_own() -> None:
    check(
        "",
        "Some 50,000 Armenians have come to Georgia this year. About 9,000 of them have "
        "registered as residents, officials said.",
        {(E, "AM", "GE", 50000, "approx", None), (E, "AM", "GE", 9000, "approx", None)},
    )
