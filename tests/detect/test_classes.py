"""Classes of phrasing the labelling guidelines decide, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

from datetime import date

import pytest

from monitor.detect import detect
from monitor.model import BorderStatus, EventKind
from tests.detect.test_rules import facts

M, B, E = EventKind.MOBILIZATION, EventKind.BORDER_CLOSURE, EventKind.EMIGRATION
C, R, RE = BorderStatus.CLOSED, BorderStatus.RESTRICTED, BorderStatus.REOPENED
PUBLISHED = date(2024, 5, 2)


def check(title: str, summary: str, expected: set[tuple[object, ...]]) -> None:
    assert facts(detect(title, summary, PUBLISHED).events) == expected


# A denial, or a statement that nothing is planned or that a border stays open, is no event.
DENIALS = [
    ("Hungary rules out shutting its frontier with Serbia", ""),
    ("", "Slovakia's premier ruled out closing the border with Hungary on Sunday."),
    (
        "",
        "Latvia's interior minister said the crossings with Belarus would remain open and that "
        "there were no plans to seal them.",
    ),
    ("", "Kyrgyzstan's border service denied reports that it had closed crossings with China."),
    ("", "Officials insisted the frontier with Turkey stays open to all travellers."),
]


@pytest.mark.parametrize(("title", "summary"), DENIALS)
def test_a_denial_or_a_border_kept_open_is_no_event(title: str, summary: str) -> None:
    check(title, summary, set())


# Entry barred or restricted for some travellers, by any verb: restricted.
ENTRY = [
    (
        "Lithuania restricted entry for Belarusian lorry owners on Wednesday.",
        {(B, "LT", "BY", None, None, R)},
    ),
    (
        "Kazakhstan began turning back Russian tourists at its northern checkpoints.",
        {(B, "KZ", "RU", None, None, R)},
    ),
    (
        "Chile will require Haitians to obtain a consular visa before travelling to the country.",
        {(B, "CL", "HT", None, None, R)},
    ),
    ("Japan suspended all tourist visas on Thursday.", {(B, "JP", None, None, None, R)}),
    (
        "Peru barred entry on Monday to travellers who have been in India in the past two weeks.",
        {(B, "PE", "IN", None, None, R)},
    ),
    (
        "Mongolia closed its borders to all foreigners from Friday.",
        {(B, "MN", None, None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), ENTRY)
def test_entry_restrictions(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Only a state closes a border: drivers, farmers, protesters or the weather do not.
NOT_A_STATE = [
    "Romanian farmers blocked two crossings on the border with Ukraine in protest over imports.",
    "Heavy snow closed the mountain crossing between Georgia and Russia for a third day.",
    "Striking customs officers and truckers halted traffic at the border with Slovenia.",
]


@pytest.mark.parametrize("summary", NOT_A_STATE)
def test_no_state_no_border_event(summary: str) -> None:
    check("", summary, set())


# Who is who at a border.
BORDER_ROLES = [
    (  # "their border": each is the other's counterpart
        "Armenia and Turkey reopened their land border on Friday after decades.",
        {(B, "AM", "TR", None, None, RE), (B, "TR", "AM", None, None, RE)},
    ),
    (  # "the Russian border" names the other side, not the actor
        "Finland will shut the remaining crossings on the Russian border from midnight.",
        {(B, "FI", "RU", None, None, C)},
    ),
    (  # "its last open crossing" is an adjective, not a reopening
        "Norway shut Storskog, its last open crossing on the Russian land border, on Tuesday.",
        {(B, "NO", "RU", None, None, C)},
    ),
    (  # travellers from a country: the counterpart, and only some travellers
        "Jordan closed its border to travellers from Syria on Sunday.",
        {(B, "JO", "SY", None, None, R)},
    ),
    (  # flights from elsewhere are not the people barred
        "Uruguay closed its borders to all non-residents, and flights from Spain were cancelled.",
        {(B, "UY", None, None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), BORDER_ROLES)
def test_border_roles(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Explicit history: a month and a year before the story's time.
HISTORY = [
    "In June 1991, Slovenia sealed its border with Croatia.",
    "In October 1973, Israel mobilised 200,000 reservists within two days.",
    "In April 1999, about 300,000 Kosovars fled into Albania.",
]


@pytest.mark.parametrize("summary", HISTORY)
def test_a_dated_past_is_history(summary: str) -> None:
    check("", summary, set())


def test_a_recent_month_is_news() -> None:
    check(
        "",
        "In March 2024, Moldova called up 5,000 reservists for training.",
        {(M, "MD", None, 5000, "exact", None)},
    )


# A call-up named as the time or cause of another fact is no event of its own.
def test_a_call_up_as_time_anchor() -> None:
    check(
        "",
        "Some 4,000 Russians a day crossed into Kazakhstan before the call-up was announced.",
        {(E, "RU", "KZ", 4000, "approx", None)},
    )


# A prior figure the news compares with is no new fact.
BASELINES = [
    (
        "About 3,000 Venezuelans a day are crossing into Colombia, down from 5,000 in January.",
        {(E, "VE", "CO", 3000, "approx", None)},
    ),
    (
        "Nearly 900 Eritreans arrived in Ethiopia on Monday, up from 400 to 500 a day last month.",
        {(E, "ER", "ET", 900, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), BASELINES)
def test_a_baseline_figure_is_no_event(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Civil "mobilisation" (activists, unions, protesters) is no call-up.
CIVIL = [
    "Climate protesters mobilised across France on Saturday, with 80,000 marching in Paris.",
    "Opposition campaigners in Georgia mobilise 30,000 for a rally in Tbilisi.",
]


@pytest.mark.parametrize("summary", CIVIL)
def test_civil_mobilisation_is_no_event(summary: str) -> None:
    check("", summary, set())


# Conscription laws and drives: draft age, reinstated service, seasonal call-ups.
CONSCRIPTION = [
    ("Moldova's parliament voted to raise the conscription age to 30.", (M, "MD", None, None)),
    (
        "Latvia reintroduced compulsory military service for men aged 18 to 27.",
        (M, "LV", None, None),
    ),
    ("Lithuania to bring back conscription after eight years", (M, "LT", None, None)),
    (
        "Uzbekistan will conscript some 25,000 young men this spring, the defence ministry said.",
        (M, "UZ", 25000, "approx"),
    ),
    (
        "Belarus ordered 120 000 men aged 18 to 27 to be called up for military service.",
        (M, "BY", 120000, "exact"),
    ),
    (
        "Azerbaijan lowered the minimum age for mobilization to 20 on Monday.",
        (M, "AZ", None, None),
    ),
]


@pytest.mark.parametrize(("summary", "expected"), CONSCRIPTION)
def test_conscription_laws_and_drives(summary: str, expected: tuple[object, ...]) -> None:
    kind, country, value, qualifier = expected
    check("", summary, {(kind, country, None, value, qualifier, None)})


# A hedge in a trailing report ("..., warning that camps could fill") does not undo the fact.
def test_a_hedge_in_a_trailing_report() -> None:
    check(
        "",
        "About 2,500 Eritreans are arriving in Sudan each week, the UN said on Friday, warning "
        "that camps could soon be full.",
        {(E, "ER", "SD", 2500, "approx", None)},
    )


def test_mixed_origins_need_several_nations() -> None:
    check(
        "",
        "More than 6,000 Venezuelans left the country in May, most of them women and children.",
        {(E, "VE", None, 6000, "at_least", None)},
    )
    check(
        "",
        "Some 1,200 migrants reached Lampedusa, most of them Tunisians, Egyptians and Syrians.",
        set(),
    )


# Who left where: origins, hosts and destinations.
EMIGRATION = [
    (  # a reporting clause after the place is no list of origins
        "",
        "By Friday night, 12,480 refugees had entered Chad from Sudan, the Chadian government "
        "said.",
        {(E, "SD", "TD", 12480, "exact", None)},
    ),
    (  # a host "is home to" people from the origin
        "",
        "Germany is home to 1.1 million Ukrainians under temporary protection, officials said.",
        {(E, "UA", "DE", 1100000, "exact", None)},
    ),
    (  # protection granted by the host
        "",
        "Poland has granted temporary protection to 950 000 Ukrainians since the invasion.",
        {(E, "UA", "PL", 950000, "exact", None)},
    ),
    (  # the host's government reports a registration
        "",
        "Hungary's government said it had registered the arrival of more than 30,000 Ukrainians "
        "since Friday.",
        {(E, "UA", "HU", 30000, "at_least", None)},
    ),
    (  # ethnic kin moving to their kin state leave the place they left
        "",
        "Tens of thousands of ethnic Uzbeks have left Kyrgyzstan for Uzbekistan, a rights group "
        "said.",
        {(E, "KG", "UZ", None, None, None)},
    ),
    (  # a region of the destination
        "",
        "Close to 7,000 Malians have fled into eastern Mauritania this month.",
        {(E, "ML", "MR", 7000, "approx", None)},
    ),
    (  # further arrivals go where the item said
        "",
        "About 5,000 Sudanese have crossed into South Sudan since Monday. Another 800 arrive every "
        "day, officials said.",
        {(E, "SD", "SS", 5000, "approx", None), (E, "SD", "SS", 800, "exact", None)},
    ),
    (  # moving abroad under a law whose name has "Return" in it
        "",
        "About 12,000 Ukrainians moved to Israel under the Law of Return last year.",
        {(E, "UA", "IL", 12000, "approx", None)},
    ),
    (
        "",
        "More than 9,000 Nicaraguans sought asylum in Mexico in the first half of the year.",
        {(E, "NI", "MX", 9000, "at_least", None)},
    ),
    (  # people leaving the destination again
        "",
        "Around 20,000 Ukrainians have since left Moldova for Romania, officials said.",
        set(),
    ),
    (  # the headline gives the destination the summary leaves out
        "Brazil hosts some 25,000 Haitians",
        "Some 25,000 Haitians have found refuge since the earthquake, officials said.",
        {(E, "HT", "BR", 25000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), EMIGRATION)
def test_emigration_roles(title: str, summary: str, expected: set[tuple[object, ...]]) -> None:
    check(title, summary, expected)


# Another count of the same flow, for another day or week, is another event.
FOLLOW_UPS = [
    (
        "About 4,200 Ukrainians entered Romania on Sunday, the border police said. On Saturday "
        "the figure was 3,900.",
        {(E, "UA", "RO", 4200, "approx", None), (E, "UA", "RO", 3900, "exact", None)},
    ),
    (
        "Some 2,000 Afghans crossed into Pakistan last week. That compared with 1,400 the week "
        "before.",
        {(E, "AF", "PK", 2000, "approx", None), (E, "AF", "PK", 1400, "exact", None)},
    ),
    (
        "Slovakia registered more than 100,000 Ukrainians this year. The country estimates about "
        "60,000 have stayed.",
        {(E, "UA", "SK", 100000, "at_least", None), (E, "UA", "SK", 60000, "approx", None)},
    ),
    ("Trade with Poland grew. The figure was 7,000, the ministry said.", set()),
]


@pytest.mark.parametrize(("summary", "expected"), FOLLOW_UPS)
def test_follow_up_counts(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


def test_a_daily_rate_counts_people() -> None:
    check(
        "",
        "Refugees keep coming: some 3,000 a day are crossing into Poland from Belarus.",
        {(E, "BY", "PL", 3000, "approx", None)},
    )


# A hedge or a denial in a second predicate ("... and would not ...") belongs to that one.
SECOND_PREDICATE = [
    (
        "Slovakia said it would keep its border closed to Hungarian tourists and would not issue "
        "new visas.",
        {(B, "SK", "HU", None, None, R)},
    ),
    (
        "Romania sealed its border with Moldova on Monday and could extend the measure next week.",
        {(B, "RO", "MD", None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SECOND_PREDICATE)
def test_second_predicate(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


MORE = [
    (  # one named crossing: only some crossings
        "Bulgaria temporarily closed the Kapitan Andreevo crossing on its border with Turkey.",
        {(B, "BG", "TR", None, None, R)},
    ),
    (  # a people whose plural is the same word
        "Close to 1,500 Rohingya landed in Malaysia this month.",
        {(E, "MM", "MY", 1500, "approx", None)},
    ),
    (  # arrivals counted by their origin
        "Kyrgyzstan has registered 21,000 arrivals from Russia since Monday.",
        {(E, "RU", "KG", 21000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), MORE)
def test_more_roles(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


def test_a_power_to_act_is_no_act() -> None:
    check(
        "",
        "Norway's parliament passed a law allowing the government to close the border with Russia.",
        set(),
    )
    check("", "Poland gave border guards the power to close crossings with Belarus.", set())


MORE_BORDERS = [
    ("Hungary stopped issuing visas to Belarusians on Monday.", {(B, "HU", "BY", None, None, R)}),
    ("Vietnam will let in foreign tourists again from July.", {(B, "VN", None, None, None, RE)}),
    (  # closed to goods only: a restriction
        "Uzbekistan closed its border with Tajikistan to lorries for a week.",
        {(B, "UZ", "TJ", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), MORE_BORDERS)
def test_more_borders(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


def test_a_year_before_a_figure_is_no_figure() -> None:
    check(
        "",
        "In 2023, 120,000 Moldovans left the country, the statistics office said.",
        {(E, "MD", None, 120000, "exact", None)},
    )
