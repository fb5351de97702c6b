"""Phrasing classes of the third generality round, one table per class, with variants
(other verbs, other countries, passive voice, reported speech, number words).

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
Facts = set[tuple[object, ...]]


def check(title: str, summary: str, expected: Facts) -> None:
    assert facts(detect(title, summary, PUBLISHED).events) == expected


# Reservists summoned, recalled or ordered to report to their units: a call-up.
SUMMONS = [
    (
        "Georgia's defence ministry has summoned some 4,000 reservists for a month of drills.",
        {(M, "GE", None, 4000, "approx", None)},
    ),
    (
        "Serbia recalled 2,500 reserve soldiers to their barracks on Friday, the army said.",
        {(M, "RS", None, 2500, "exact", None)},
    ),
    (
        "About six thousand reservists were summoned by Azerbaijan's army on Monday.",
        {(M, "AZ", None, 6000, "approx", None)},
    ),
    (
        "Mali's junta ordered all reservists under 50 to report to their units within ten days.",
        {(M, "ML", None, None, None, None)},
    ),
    (
        "Chad said conscripts born in 2005 must report to recruitment offices by the end of June.",
        {(M, "TD", None, None, None, None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SUMMONS)
def test_summons_and_reporting_orders_are_call_ups(summary: str, expected: Facts) -> None:
    check("", summary, expected)


def test_a_summoned_diplomat_is_no_call_up() -> None:
    check("", "Poland summoned Belarus's ambassador over the incident on Tuesday.", set())


# A call-up by lottery is a call-up; a lottery is no figure.
LOTTERIES = [
    (
        "Colombia holds its first draft lottery in years on Monday.",
        {(M, "CO", None, None, None, None)},
    ),
    (
        "Thailand will conscript 80,000 men through its annual military service lottery.",
        {(M, "TH", None, 80000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), LOTTERIES)
def test_draft_lotteries(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# A relative clause that gives a power or a possibility belongs to itself: the act before it
# stands ("decreed a mobilisation that allows ..."); a power alone is still no act.
RELATIVE = [
    (
        "Niger's government has declared a general mobilisation that lets the army requisition "
        "vehicles and call up former soldiers.",
        {(M, "NE", None, None, None, None)},
    ),
    (
        "Peru closed its border with Ecuador on Friday, which could strand hundreds of truckers.",
        {(B, "PE", "EC", None, None, C)},
    ),
    ("Parliament passed a law that allows the government to close the border with Chad.", set()),
]


@pytest.mark.parametrize(("summary", "expected"), RELATIVE)
def test_a_relative_clause_hedges_only_itself(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# A hypothetical consequence or a possibility is no call-up.
HYPOTHETICAL = [
    "Restoring the draft would mean about 35,000 young men a year for the army, a think tank said.",
    "A new conscription bill could see 40,000 more men drafted each year, critics warned.",
    "Lowering the draft age would add some 90,000 soldiers, analysts estimated.",
]


@pytest.mark.parametrize("summary", HYPOTHETICAL)
def test_a_hypothetical_consequence_is_no_event(summary: str) -> None:
    check("", summary, set())


def test_a_passed_law_with_a_possible_effect_is_a_conscription_law() -> None:
    check(
        "",
        "Latvia's parliament approved a conscription law on Tuesday; it could see 7,000 men "
        "drafted every year.",
        {(M, "LV", None, None, None, None)},
    )


# The country people flee to is not the state calling them up.
def test_a_destination_is_no_mobilizer() -> None:
    check(
        "",
        "Hundreds of Russian men have left for Kazakhstan since the mobilisation decree was "
        "signed. The defence ministry said 120,000 reservists had been called up so far.",
        {(E, "RU", "KZ", None, None, None), (M, "RU", None, 120000, "exact", None)},
    )


# People living abroad, under protection, or still staying: stocks of emigrants.
STOCKS = [
    (
        "",
        "Nearly 5 million Syrians now live abroad, most of them in neighbouring states.",
        {(E, "SY", None, 5000000, "approx", None)},
    ),
    (
        "",
        "About 1.1 million Ukrainians held temporary protection in Germany at the end of March.",
        {(E, "UA", "DE", 1100000, "approx", None)},
    ),
    (
        "",
        "Some 60,000 Afghans are under international protection in Austria, officials said.",
        {(E, "AF", "AT", 60000, "approx", None)},
    ),
    (
        "",
        "Armenia says 110,000 Russians have entered the country this year. About 40,000 of "
        "them have stayed, the statistics office said.",
        {(E, "RU", "AM", 110000, "exact", None), (E, "RU", "AM", 40000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), STOCKS)
def test_stocks_abroad(title: str, summary: str, expected: Facts) -> None:
    check(title, summary, expected)


# A year that starts a period or dates a baseline does not make the news history; a figure
# dated by an old year is history itself.
YEARS = [
    (
        "More than 90,000 Britons have moved to Spain under the scheme since it began in "
        "March 2019, officials said.",
        {(E, "GB", "ES", 90000, "at_least", None)},
    ),
    (
        "Jordan hosts about 630,000 Syrian refugees, down from a high of 680,000 in 2017, the "
        "UN said.",
        {(E, "SY", "JO", 630000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), YEARS)
def test_years_that_date_another_thing(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# People named by a demonym of a territory or a less common state.
def test_more_demonyms() -> None:
    check(
        "",
        "Around 20,000 Hongkongers moved to Canada last year, Ottawa said.",
        {(E, "HK", "CA", 20000, "approx", None)},
    )
    check(
        "",
        "More than 4,000 Salvadoreans applied for asylum in Mexico in the first quarter.",
        {(E, "SV", "MX", 4000, "at_least", None)},
    )


# The place a war is fought in is background, not where people go.
def test_the_place_of_a_war_is_no_destination() -> None:
    check(
        "",
        "Some 150,000 Russians have relocated to Armenia since the invasion of Ukraine began.",
        {(E, "RU", "AM", 150000, "approx", None)},
    )
    check(
        "",
        "The number of Sudanese who have fled to Egypt since the war in Sudan began has reached "
        "half a million.",
        {(E, "SD", "EG", 500000, "exact", None)},
    )


# Counts of companies, ships, schools or anything a national adjective owns: no people.
NOT_PEOPLE = [
    "About 2,000 Russian-owned firms have been registered in Georgia since the war began.",
    "Some 300 Turkish-flagged ships have left the port, the authorities said.",
    "Around 12,000 Ukrainian-run businesses operate in Poland now.",
]


@pytest.mark.parametrize("summary", NOT_PEOPLE)
def test_counts_of_things_are_no_people(summary: str) -> None:
    check("", summary, set())


# Another count of the flow in other words: "put the total at", "accounted for".
FOLLOW = [
    (
        "Romania says 8,000 Ukrainians crossed into the country on Tuesday. By Wednesday the "
        "border police put the figure at 11,500.",
        {(E, "UA", "RO", 8000, "exact", None), (E, "UA", "RO", 11500, "exact", None)},
    ),
    (
        "Some 25,000 Venezuelans moved to Spain last year, the statistics office said. "
        "Colombians accounted for another 18,000.",
        {(E, "VE", "ES", 25000, "approx", None), (E, "CO", "ES", 18000, "exact", None)},
    ),
    (
        "Chad has received 400,000 refugees from Sudan, the UN said. The tally rose to "
        "450,000 on Friday.",
        {(E, "SD", "TD", 400000, "exact", None), (E, "SD", "TD", 450000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), FOLLOW)
def test_another_count_in_other_words(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# Plans, hopes and people left stranded: nobody has crossed yet.
NOT_ARRIVED = [
    ("UN prepares for 150,000 Burundian refugees", ""),
    ("", "Aid groups are planning for as many as 80,000 Haitians to reach the Dominican Republic."),
    ("", "Thousands of Rohingya waited at the river on Sunday, hoping to cross into Bangladesh."),
    (
        "",
        "Guinea sealed its border on Monday, leaving hundreds of Malians stranded at the crossing.",
    ),
]


@pytest.mark.parametrize(("title", "summary"), NOT_ARRIVED)
def test_no_one_has_crossed_yet(title: str, summary: str) -> None:
    found = {f[0] for f in facts(detect(title, summary, PUBLISHED).events)}
    assert E not in found


def test_people_who_made_it_across() -> None:
    check(
        "",
        "Dozens of Eritreans made it into Sudan overnight, a local official said.",
        {(E, "ER", "SD", None, None, None)},
    )
    check(
        "",
        "Refugees from Myanmar keep arriving in Thailand. About 2,000 a day are crossing, aid "
        "workers said.",
        {(E, "MM", "TH", 2000, "approx", None)},
    )


# The counterpart is the people barred, not a place named in the cause after the act.
def test_a_cause_after_the_act_names_no_counterpart() -> None:
    check(
        "",
        "Panama will require transit visas from Cuban travellers from Monday, officials said, "
        "after a rise in migrants heading for the Mexican border.",
        {(B, "PA", "CU", None, None, R)},
    )


# Entry barred to one nation's people, or one named crossing shut: restricted.
STATUS = [
    (
        "Japan will bar entry to South Korean nationals from Monday.",
        {(B, "JP", "KR", None, None, R)},
    ),
    ("Georgia closed its border to Russians on Friday.", {(B, "GE", "RU", None, None, R)}),
    ("Tajikistan shut Panj crossing to Afghans on Sunday.", {(B, "TJ", "AF", None, None, R)}),
    (
        "Kenya closed its Busia crossing with Uganda on Saturday.",
        {(B, "KE", "UG", None, None, R)},
    ),
    (
        "Chile will close its borders to all foreigners from Tuesday.",
        {(B, "CL", None, None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), STATUS)
def test_status_of_partial_measures(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# A country's name before "border" after the actor is the other side; a leader stands for
# the state.
NAME_BORDER = [
    ("Erdogan orders Syria border sealed", {(B, "TR", "SY", None, None, C)}),
    ("Poland shuts Belarus border crossings", {(B, "PL", "BY", None, None, C)}),
]


@pytest.mark.parametrize(("title", "expected"), NAME_BORDER)
def test_a_name_before_border_is_the_other_side(title: str, expected: Facts) -> None:
    check(title, "", expected)


# Group names stand for their states.
def test_more_groups() -> None:
    check(
        "",
        "The Visegrad Four closed their borders to foreigners on Sunday.",
        {(B, c, None, None, None, C) for c in ("PL", "CZ", "SK", "HU")},
    )


# A closure restated without a country takes the state the item speaks of.
def test_a_closure_without_a_country_in_its_sentence() -> None:
    check(
        "",
        "Norway's government met on Monday to discuss the arrivals. The border will be closed "
        "from Wednesday, the justice minister said.",
        {(B, "NO", None, None, None, C)},
    )


# Call-up papers sent, issued or served to a number of men: the figure is the call-up's.
def test_call_up_papers_sent_to_a_number() -> None:
    check(
        "",
        "Call-up notices were issued to 12,000 men in the Odesa region, Kyiv said.",
        {(M, "UA", None, 12000, "exact", None)},
    )


# Stocks phrased as being somewhere, taken in, or a number that stands at a figure.
MORE_STOCKS = [
    (
        "About 1.3 million Venezuelans are in Peru, officials said.",
        {(E, "VE", "PE", 1300000, "approx", None)},
    ),
    (
        "Ireland has taken in more than 100,000 Ukrainians.",
        {(E, "UA", "IE", 100000, "at_least", None)},
    ),
    (
        "The number of Afghans in Iran stands at 4.5 million, the UN said.",
        {(E, "AF", "IR", 4500000, "exact", None)},
    ),
    (
        "Poland has received over 1.6 million refugees from Ukraine, 950,000 of whom have stayed.",
        {(E, "UA", "PL", 1600000, "at_least", None), (E, "UA", "PL", 950000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), MORE_STOCKS)
def test_more_stocks(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# "their borders" are each state's own; "their border" is the one they share.
PLURAL_BORDERS = [
    (
        "Austria and Slovenia shut their borders to foreigners on Monday.",
        {(B, "AT", None, None, None, C), (B, "SI", None, None, None, C)},
    ),
    (
        "Peru and Bolivia reopened their border on Monday.",
        {(B, "PE", "BO", None, None, RE), (B, "BO", "PE", None, None, RE)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), PLURAL_BORDERS)
def test_their_border_or_borders(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# The state acting named after the act: "by Hungarian authorities", "..., Warsaw said".
AGENT_AFTER = [
    (
        "The border with Romania was sealed by Moldovan authorities on Friday.",
        {(B, "MD", "RO", None, None, C)},
    ),
    (
        "Crossings into Latvia from Russia were closed on Monday, Riga said.",
        {(B, "LV", "RU", None, None, C)},
    ),
    (
        "Indonesia will no longer allow Chinese nationals to enter without a visa.",
        {(B, "ID", "CN", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), AGENT_AFTER)
def test_the_actor_after_the_act(summary: str, expected: Facts) -> None:
    check("", summary, expected)


# Unions, parties and movements that mobilise members call no one up; a closure named as
# a noun ("the border closure cost ...") takes no actor from elsewhere in the item.
NOT_AN_ACT = [
    ("", "The opposition party mobilised 20,000 members for a rally in Georgia."),
    ("Trade slump", "Mongolia's exports fell last year. The border closure cost $1 billion."),
]


@pytest.mark.parametrize(("title", "summary"), NOT_AN_ACT)
def test_not_an_act(title: str, summary: str) -> None:
    check(title, summary, set())


# People named by a national adjective before a people noun ("Russian arrivals"), a refugee
# population as a stock, a headline's "Country:" as the place counting.
ADJECTIVE_PEOPLE = [
    (
        "Armenia: Russian arrivals top 60,000",
        "",
        {(E, "RU", "AM", 60000, "at_least", None)},
    ),
    (
        "",
        "Iranian emigrants in Canada have passed 250,000, the census office said.",
        set(),  # "passed" names no move and no stay
    ),
    (
        "",
        "Lebanon is home to 1.5 million Syrians, the largest refugee population per head.",
        {(E, "SY", "LB", 1500000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), ADJECTIVE_PEOPLE)
def test_people_named_by_an_adjective(title: str, summary: str, expected: Facts) -> None:
    check(title, summary, expected)
