"""Phrasing classes of the sixth generality round, one table per class.

Every sentence here was written for these tests; none is copied from an evaluation file.
"""

from __future__ import annotations

import pytest

from tests.detect.test_classes import B, C, E, check

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
