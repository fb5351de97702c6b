"""Phrasing classes of the fourth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import RE, B, C, M, R, check

# People going back home ("went back", "crossing back", "made their way back") are returns.
RETURNS = [
    "Around 4,000 Syrians a week are crossing back into Syria from Jordan, officials said.",
    "More than 60,000 Ukrainians went back across the Polish border in March.",
    "Some 12,000 Burundians have made their way back from Tanzania since January.",
    "Over 2,500 Tajiks travelled back home from Russia last month.",
]


@pytest.mark.parametrize("summary", RETURNS)
def test_people_going_back_are_no_emigration(summary: str) -> None:
    check("", summary, set())


# A closure the government is only evaluating, studying or reviewing is hedged.
HEDGED = [
    "Peru's president said he was evaluating a closure of the border with Bolivia.",
    "The Thai cabinet is studying the closure of its crossings with Cambodia.",
    "Uzbekistan is reviewing whether to seal its frontier with Afghanistan.",
    "Chad's government is assessing a shutdown of the Sudanese border, ministers said.",
]


@pytest.mark.parametrize("summary", HEDGED)
def test_a_closure_under_evaluation_is_no_event(summary: str) -> None:
    check("", summary, set())


# Civilians mobilised for a disaster, named before the verb in the passive, are no call-up.
CIVILIANS = [
    "About 3,000 rescue workers were mobilised after floods hit northern Italy.",
    "More than 800 firefighters have been mobilized across Greece to fight the blazes.",
    "Some 2,000 health workers were mobilised in Brazil for the vaccination drive.",
]


@pytest.mark.parametrize("summary", CIVILIANS)
def test_civilians_mobilised_in_the_passive_are_no_call_up(summary: str) -> None:
    check("", summary, set())


# Most crossings shut, or all but a few kept open: only some crossings, so restricted.
SOME_CROSSINGS = [
    (
        "Guinea shut most of its border crossings on Monday, leaving only two open.",
        {(B, "GN", None, None, None, R)},
    ),
    (
        "Bolivia closed most land checkpoints with Peru, keeping only Desaguadero open.",
        {(B, "BO", "PE", None, None, R)},
    ),
    (
        "Zambia has sealed all but three crossings on its frontier with Malawi.",
        {(B, "ZM", "MW", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), SOME_CROSSINGS)
def test_most_crossings_is_restricted(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Entry reopened by visas issued again; entry stopped for one nation's visa holders.
VISAS = [
    (
        "Japan will resume issuing tourist visas to foreigners from October 11, the government "
        "said.",
        {(B, "JP", None, None, None, RE)},
    ),
    (
        "Poland stopped admitting Russian citizens holding tourist visas on Tuesday.",
        {(B, "PL", "RU", None, None, R)},
    ),
    (
        "Finland will cease accepting Belarusians on Schengen tourist visas from next week.",
        {(B, "FI", "BY", None, None, R)},
    ),
    (
        "Latvia will stop admitting Russian nationals at its road crossings from Monday.",
        {(B, "LV", "RU", None, None, R)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), VISAS)
def test_visas_resumed_or_stopped(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


def test_a_month_name_before_a_call_up_is_no_decoy() -> None:
    check(
        "", "In March, Georgia called up 4,000 reservists.", {(M, "GE", None, 4000, "exact", None)}
    )


# A figure in parentheses or between dashes after the people called up is theirs.
APPOSITION = [
    (
        "Serbia has recalled former conscripts (about 7,500 men, officials said) to the army.",
        {(M, "RS", None, 7500, "approx", None)},
    ),
    (
        "Armenia called up reserve officers – roughly 4,000 of them – for a month of drills.",
        {(M, "AM", None, 4000, "approx", None)},
    ),
    (
        "Chad mobilised its veterans (at least 3,000) to guard the eastern frontier.",
        {(M, "TD", None, 3000, "at_least", None)},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), APPOSITION)
def test_a_figure_in_apposition(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)


# Two kinds of border joined by "and"/"or" before the noun, then a list of neighbours.
PAIRED_NOUNS = [
    (
        "Mali reopened its land and air borders with Senegal, Guinea and Niger on Monday.",
        {(B, "ML", c, None, None, RE) for c in ("SN", "GN", "NE")},
    ),
    ("Gabon shut its road and river crossings with Cameroon.", {(B, "GA", "CM", None, None, C)}),
    ("Police closed shops and restaurants near the border with Chad.", set()),
]


@pytest.mark.parametrize(("summary", "expected"), PAIRED_NOUNS)
def test_paired_border_nouns(summary: str, expected: set[tuple[object, ...]]) -> None:
    check("", summary, expected)
