"""Phrasing classes of the sixth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import RE, B, C, E, R, check

# "Congo" alone names either state: the item's other words decide (DRC, Kinshasa, Goma, the
# Kivus: CD; Republic of Congo, Brazzaville, Pointe-Noire: CG), for "Congolese" as well.
CONGO = [
    (
        "Burundi closes border with Congo",
        "Burundi closed its border with the Democratic Republic of Congo on Friday as fighting "
        "reached Uvira.",
        {(B, "BI", "CD", None, None, C)},
    ),
    (
        "",
        "Some 7,000 people fled Congo into Uganda this week as rebels advanced on Goma.",
        {(E, "CD", "UG", 7000, "approx", None)},
    ),
    (
        "",
        "About 4,000 refugees from Congo reached Zambia after unrest in Lubumbashi.",
        {(E, "CD", "ZM", 4000, "approx", None)},
    ),
    (
        "",
        "Nearly 2,000 Congolese crossed into Gabon after clashes on the outskirts of Brazzaville.",
        {(E, "CG", "GA", 2000, "approx", None)},
    ),
    (
        "Cameroon shuts frontier with Congo",
        "Cameroon shut its frontier with Congo on Monday after unrest in Pointe-Noire.",
        {(B, "CM", "CG", None, None, C)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), CONGO)
def test_congo_is_read_from_the_items_other_words(
    title: str, summary: str, expected: set[tuple[object, ...]]
) -> None:
    check(title, summary, expected)


# Near misses: with no other word, or with words for both states, each name keeps its entry.
CONGO_UNDECIDED = [
    (
        "",
        "Some 3,000 Congolese crossed into Uganda on Tuesday.",
        {(E, "CD", "UG", 3000, "approx", None)},
    ),
    (
        "",
        "Angola shut its frontier with Congo on Monday, a day after talks between Kinshasa and "
        "Brazzaville.",
        {(B, "AO", "CG", None, None, C)},
    ),
]


@pytest.mark.parametrize(("title", "summary", "expected"), CONGO_UNDECIDED)
def test_congo_without_a_deciding_word_keeps_its_entry(
    title: str, summary: str, expected: set[tuple[object, ...]]
) -> None:
    check(title, summary, expected)


# Transit: the country people reach is the destination, not the one they are on their way to
# ("on their way to", "bound for", "en route to", "heading north towards", "in transit to"),
# wherever the two are named; an onward hope ("many of them hoping to reach") hedges no count.
TRANSIT = [
    (
        "On their way to Turkey, some 5,000 Russians crossed into Georgia last week.",
        {(E, "RU", "GE", 5000, "approx", None)},
    ),
    (
        "About 3,000 Venezuelans bound for the United States entered Mexico on Monday.",
        {(E, "VE", "MX", 3000, "approx", None)},
    ),
    (
        "Some 9,000 Haitians en route to the United States reached Guatemala in May.",
        {(E, "HT", "GT", 9000, "approx", None)},
    ),
    (
        "About 4,000 Afghans in transit to Turkey crossed into Iran this week.",
        {(E, "AF", "IR", 4000, "approx", None)},
    ),
    (
        "Honduran officials said 2,500 Venezuelans entered the country each day, most of them "
        "heading north towards the United States.",
        {(E, "VE", "HN", 2500, "exact", None)},
    ),
    (
        "More than 12,000 Eritreans have crossed into Sudan, many of them hoping to reach Europe.",
        {(E, "ER", "SD", 12000, "at_least", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), TRANSIT)
def test_the_country_reached_is_the_destination(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Near misses: with no country reached named, the place they head for is the destination.
HEADING_ONLY = [
    (
        "Around 6,000 Venezuelans left the country last month, most of them heading to Colombia.",
        {(E, "VE", "CO", 6000, "approx", None)},
    ),
    (
        "Some 2,000 Nicaraguans fled on Sunday, bound for Costa Rica.",
        {(E, "NI", "CR", 2000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), HEADING_ONLY)
def test_with_no_country_reached_the_goal_is_the_destination(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Per-host shares of one count: each figure goes to the host named beside it ("20,000 to
# Georgia", "Poland with 980,000", "66,000 Georgia" with the verb not repeated); the total
# before them takes no share's host.
SHARES = [
    (
        "More than 50,000 Russians went to Kazakhstan, 20,000 to Georgia.",
        {(E, "RU", "KZ", 50000, "at_least", None), (E, "RU", "GE", 20000, "exact", None)},
    ),
    (
        "Some 98,000 Russians entered Kazakhstan, 66,000 Georgia and 20,000 Mongolia.",
        {
            (E, "RU", "KZ", 98000, "approx", None),
            (E, "RU", "GE", 66000, "exact", None),
            (E, "RU", "MN", 20000, "exact", None),
        },
    ),
    (
        "The UN counts 1.3 million Sudanese refugees in Chad, 600,000 in South Sudan and "
        "500,000 in Egypt.",
        {
            (E, "SD", "TD", 1300000, "exact", None),
            (E, "SD", "SS", 600000, "exact", None),
            (E, "SD", "EG", 500000, "exact", None),
        },
    ),
    (
        "About 6 million Ukrainians have fled abroad, with 1.5 million in Poland and 1.1 million "
        "in Germany.",
        {
            (E, "UA", None, 6000000, "approx", None),
            (E, "UA", "PL", 1500000, "exact", None),
            (E, "UA", "DE", 1100000, "exact", None),
        },
    ),
    (
        "Some 3.9 million Syrians are registered in the region. Turkey hosts the most, with 3.1 "
        "million, followed by Lebanon with 800,000.",
        {
            (E, "SY", None, 3900000, "approx", None),
            (E, "SY", "TR", 3100000, "exact", None),
            (E, "SY", "LB", 800000, "exact", None),
        },
    ),
    (
        "About 40,000 Armenians have gone to Russia this year and 10,000 to France.",
        {(E, "AM", "RU", 40000, "approx", None), (E, "AM", "FR", 10000, "exact", None)},
    ),
    (
        "Belarusians went to Poland (45,000) and Lithuania (30,000), the survey found.",
        {(E, "BY", "PL", 45000, "exact", None), (E, "BY", "LT", 30000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SHARES)
def test_each_share_goes_to_its_own_host(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Near misses: a second figure that restates the flow ("or 30,000 a month", "97,700 by the
# official count") is no share, and shares the one host; going back or to a match is no move;
# a share that moves on from the host ("heading on to Chile") leaves it again.
NO_SHARES = [
    (
        "More than 1,000 Afghans a day, or 30,000 a month, are crossing into Iran.",
        {(E, "AF", "IR", 1000, "at_least", None), (E, "AF", "IR", 30000, "exact", None)},
    ),
    (
        "Almost 100,000 Russians, 97,700 by the official count, crossed into Kazakhstan.",
        {(E, "RU", "KZ", 100000, "approx", None), (E, "RU", "KZ", 97700, "exact", None)},
    ),
    ("Some 20,000 Ukrainians went back to Ukraine in March.", set()),
    (
        "Some 4,000 Venezuelans entered Peru, 3,000 of them heading on to Chile.",
        {(E, "VE", "PE", 4000, "approx", None)},
    ),
    ("Some 3,000 fans went to Georgia for the match.", set()),
]


@pytest.mark.parametrize(("summary", "expected"), NO_SHARES)
def test_a_restated_count_is_no_share(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# A count of people of no stated nationality that the item breaks down by nationality ("8,000
# of them Venezuelans", "Of those, 1,100 were Tunisians", "the rest, some 9,000, are Lebanese")
# is of mixed origins: no event; each nationality's own figure is one, to the total's host.
SUBSETS = [
    (
        "Some 12,000 people fled to Colombia last week, 8,000 of them Venezuelans.",
        {(E, "VE", "CO", 8000, "exact", None)},
    ),
    (
        "About 9,000 migrants reached Panama in May, 5,000 of them Venezuelans and 1,200 "
        "Ecuadorians.",
        {(E, "VE", "PA", 5000, "exact", None), (E, "EC", "PA", 1200, "exact", None)},
    ),
    (
        "Of the 40,000 people who entered Uganda this year, about 22,000 are Congolese "
        "refugees, officials said.",
        {(E, "CD", "UG", 22000, "approx", None)},
    ),
    (
        "More than 1,800 migrants landed in Malta last month. Of those, 700 were Libyans who "
        "sailed from Zuwara.",
        {(E, "LY", "MT", 700, "exact", None)},
    ),
    (
        "Some 60,000 people have crossed from Armenia into Georgia this month. Half of them are "
        "Georgians going home; the rest, some 30,000, are Armenians.",
        {(E, "AM", "GE", 30000, "approx", None)},
    ),
    (
        "About 15,000 people fled to Kenya last week. Some 11,000 of them were Somalis.",
        {(E, "SO", "KE", 11000, "approx", None)},
    ),
    (
        "Eritreans made up 6,000 of the 9,500 people who crossed into Ethiopia in March.",
        {(E, "ER", "ET", 6000, "exact", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SUBSETS)
def test_a_total_broken_down_by_nationality_is_mixed(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Near misses: a total of one nationality keeps its count, whatever its parts ("of them
# women", "many of them Hazaras"); a breakdown that is no nationality leaves a total alone;
# shares of no figure ("70 percent of them", "mostly Tunisians and ...") only make it mixed.
NOT_SUBSETS = [
    (
        "About 12,000 Sudanese crossed into Chad last week, 8,000 of them women.",
        {(E, "SD", "TD", 12000, "approx", None), (E, "SD", "TD", 8000, "exact", None)},
    ),
    (
        "About 12,000 people fled Sudan to Chad last week. Some 8,000 of them were women.",
        {(E, "SD", "TD", 12000, "approx", None)},
    ),
    (
        "Some 400,000 Russians entered Kazakhstan in a month. About 100,000 of them remain.",
        {(E, "RU", "KZ", 400000, "approx", None), (E, "RU", "KZ", 100000, "approx", None)},
    ),
    ("About 5,000 people crossed into Chad on Monday, 70 percent of them Sudanese.", set()),
    ("Some 8,000 migrants reached Italy in June, mostly Tunisians and Egyptians.", set()),
    (
        "About 20,000 Afghans fled to Iran last month, many of them Hazaras.",
        {(E, "AF", "IR", 20000, "approx", None)},
    ),
    (
        "Some 14,000 Syrians, most of them Kurds, have crossed into Iraq since Sunday.",
        {(E, "SY", "IQ", 14000, "approx", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), NOT_SUBSETS)
def test_a_total_of_one_nationality_is_kept(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Every party an act names is a counterpart: a list ("travellers from Benin and Nigeria"), and
# a party of the same kind added later in the clause ("and, two days later, with Bolivia", "and
# from Peruvians from April", "and extended the ban to Italians"), or after a quoted source
# ("..., the ministry said on Monday, with neighbouring Afghanistan").
SPREAD = [
    (
        "Niger closed its border on Wednesday to all travellers from Benin and Nigeria.",
        {(B, "NE", "BJ", None, None, R), (B, "NE", "NG", None, None, R)},
    ),
    (
        "Peru closed its border with Ecuador and, two days later, with Bolivia.",
        {(B, "PE", "EC", None, None, C), (B, "PE", "BO", None, None, C)},
    ),
    (
        "Japan barred entry on Friday to travellers from China and, from next week, to those "
        "arriving from South Korea.",
        {(B, "JP", "CN", None, None, R), (B, "JP", "KR", None, None, R)},
    ),
    (
        "Panama will require visas from Cuban citizens from June and from Haitians from July.",
        {(B, "PA", "CU", None, None, R), (B, "PA", "HT", None, None, R)},
    ),
    (
        "Fiji banned entry to Iranians on Saturday and extended the ban to Italians on Monday.",
        {(B, "FJ", "IR", None, None, R), (B, "FJ", "IT", None, None, R)},
    ),
    (
        "Uzbekistan has shut its frontier, the foreign ministry said on Monday, with neighbouring "
        "Afghanistan.",
        {(B, "UZ", "AF", None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SPREAD)
def test_every_party_to_the_act_is_a_counterpart(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Near misses: a state named in a second act of another kind, or as the cause, is no party.
NOT_SPREAD = [
    (
        "Latvia closed its border with Belarus and held talks with Lithuania.",
        {(B, "LV", "BY", None, None, C)},
    ),
    (
        "Chad closed its border with Sudan on Thursday, the government said, citing fighting "
        "near Libya.",
        {(B, "TD", "SD", None, None, C)},
    ),
    (
        "Kenya closed its border with Somalia and, a day later, sent troops to Ethiopia.",
        {(B, "KE", "SO", None, None, C)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), NOT_SPREAD)
def test_a_state_outside_the_act_is_no_counterpart(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Two states acting together on one named crossing: it lies between them, so each is the
# other's counterpart (as with "their border"); the verb or the one crossing gives the status.
TWIN_ACTORS = [
    (
        "Turkey and Armenia will reopen the Margara crossing on Friday.",
        {(B, "TR", "AM", None, None, RE), (B, "AM", "TR", None, None, RE)},
    ),
    (
        "Uzbekistan and Tajikistan reopened the Oybek border crossing after a decade.",
        {(B, "UZ", "TJ", None, None, RE), (B, "TJ", "UZ", None, None, RE)},
    ),
    (
        "Kyrgyzstan and Kazakhstan closed the Ak-Zhol checkpoint on Monday.",
        {(B, "KG", "KZ", None, None, R), (B, "KZ", "KG", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), TWIN_ACTORS)
def test_two_states_at_one_named_crossing_face_each_other(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Near misses: their borders or several crossings are each state's own, and the people barred
# stay the counterpart.
NOT_TWINS = [
    (
        "Finland and Norway closed their borders on Friday.",
        {(B, "FI", None, None, None, C), (B, "NO", None, None, None, C)},
    ),
    (
        "Estonia and Latvia closed the Narva and Terehova crossings on Friday.",
        {(B, "EE", None, None, None, R), (B, "LV", None, None, None, R)},
    ),
    (
        "Estonia and Latvia closed the Koidula crossing to Russian tourists.",
        {(B, "EE", "RU", None, None, R), (B, "LV", "RU", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), NOT_TWINS)
def test_several_crossings_or_people_barred_are_no_twins(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)
