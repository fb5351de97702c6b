"""Phrasing classes of the tenth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from monitor.detect import detect
from tests.detect.test_classes import PUBLISHED, B, E, check
from tests.detect.test_rules import facts

# Visas suspended in any form (all visas, waivers, visa-free entry) restrict entry; visas issued
# again reopen it.
VISAS = [
    (
        "Oman suspended the issuing of all visas for Iranian citizens on Monday.",
        {(B, "OM", "IR", None, None, "restricted")},
    ),
    (
        "Seoul halted visa waivers for Japanese travellers from Tuesday.",
        {(B, "KR", "JP", None, None, "restricted")},
    ),
    (
        "Georgia suspended visa-free entry for Iranian citizens, the foreign ministry said.",
        {(B, "GE", "IR", None, None, "restricted")},
    ),
    (
        "Nepal will resume issuing tourist visas on arrival from next month, officials said.",
        {(B, "NP", None, None, None, "reopened")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), VISAS)
def test_visas_stopped_restrict_and_visas_resumed_reopen(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# Closed "to cars and pedestrians" is closed; "16 of the 25 crossing points" is restricted.
CLOSED_OR_PARTIAL = [
    (
        "Kazakhstan closed its crossings with China to pedestrians and cars on Sunday.",
        {(B, "KZ", "CN", None, None, "closed")},
    ),
    (
        "Finland will close 6 of its 9 checkpoints on the border with Russia from Friday.",
        {(B, "FI", "RU", None, None, "restricted")},
    ),
]


@pytest.mark.parametrize(("summary", "expected"), CLOSED_OR_PARTIAL)
def test_all_traffic_is_closed_and_some_crossings_restricted(
    summary: str, expected: set[tuple[object, ...]]
) -> None:
    check("", summary, expected)


# People turned back while "trying to cross" are no count of emigrants.
def test_people_trying_to_cross_are_no_emigration_count() -> None:
    found = facts(
        detect("", "Guards turned back 140 people trying to cross from Turkey.", PUBLISHED).events
    )
    assert not any(fact[0] is E for fact in found)
