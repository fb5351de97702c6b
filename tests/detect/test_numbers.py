"""Figures: many spellings of one number read back the same; non-people figures are marked."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect import parse_number
from monitor.detect.lexicon import load_lexicon
from monitor.detect.numbers import find_amounts
from monitor.model import Qualifier

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen \
fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def words(n: int) -> str:
    """English words for 1 <= n < 1e9 (a test helper, the product uses text2num)."""
    parts = []
    for scale, name in ((1_000_000, "million"), (1000, "thousand"), (1, "")):
        chunk = n // scale % 1000
        if chunk:
            text = ""
            if chunk >= 100:
                text = f"{ONES[chunk // 100]} hundred "
            rest = chunk % 100
            if rest >= 20:
                text += TENS[rest // 10] + (f"-{ONES[rest % 10]}" if rest % 10 else "")
            elif rest:
                text += ONES[rest]
            parts.append(f"{text.strip()} {name}".strip())
    return " ".join(parts)


def grouped(n: int, sep: str) -> str:
    return f"{n:,}".replace(",", sep)


@settings(deadline=None)  # the machine is shared; a slow example is no failure
@given(
    st.integers(min_value=1000, max_value=999_999_999),
    st.sampled_from([",", " ", "\u202f", "\u2009", "."]),
)
def test_grouped_digits_read_back(n: int, sep: str) -> None:
    assert parse_number(f"{grouped(n, sep)} people") == n


@settings(deadline=None)  # the machine is shared; a slow example is no failure
@given(st.integers(min_value=1, max_value=999))
def test_thousands_and_millions_read_back(n: int) -> None:
    assert parse_number(f"{n}k people") == n * 1000
    assert parse_number(f"{n} thousand people") == n * 1000
    assert parse_number(f"{n}m people") == n * 1_000_000
    assert parse_number(f"{n / 10:g} million people") == n * 100_000


@settings(deadline=None)  # the machine is shared; a slow example is no failure
@given(st.integers(min_value=10, max_value=999_999_999))
def test_number_words_read_back(n: int) -> None:
    assert parse_number(f"{words(n)} people") == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("half a million refugees", 500_000),
        ("a quarter of a million people", 250_000),
        ("1.2 million", 1_200_000),
        ("300k", 300_000),
        ("two hundred thousand reservists", 200_000),
        ("300 thousand", 300_000),
        ("85.000 refugees", 85_000),
    ],
)
def test_spellings(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "qualifier", "value"),
    [
        ("up to 300,000 men", Qualifier.UP_TO, 300_000),
        ("as many as 5,000 men", Qualifier.UP_TO, 5000),
        ("at least 4,000 people", Qualifier.AT_LEAST, 4000),
        ("more than 4,000 people", Qualifier.AT_LEAST, 4000),
        ("over 4,000 people", Qualifier.AT_LEAST, 4000),
        ("about 4,000 people", Qualifier.APPROX, 4000),
        ("around 4,000 people", Qualifier.APPROX, 4000),
        ("almost 4,000 people", Qualifier.APPROX, 4000),
        ("nearly 4,000 people", Qualifier.APPROX, 4000),
        ("some 4,000 people", Qualifier.APPROX, 4000),
        ("an estimated 4,000 people", Qualifier.APPROX, 4000),
        ("4,000 people", Qualifier.EXACT, 4000),
        ("between 4,000 and 5,000 people", Qualifier.AT_LEAST, 4000),
        ("4,000-5,000 people", Qualifier.AT_LEAST, 4000),
    ],
)
def test_qualifiers(text: str, qualifier: Qualifier, value: int) -> None:
    (amount,) = find_amounts(text, load_lexicon("en"))
    assert (amount.value, amount.qualifier, amount.people) == (value, qualifier, True)


@pytest.mark.parametrize(
    "text",
    [
        "an increase of 30%",
        "a line 10 miles long",
        "a 10-mile queue",
        "$3 billion in aid",
        "men aged 18 to 60",
        "for 40 days",
        "500 cars waited",
        "on September 19",
        "in 2022 the",
        "the 300,000th visitor",
        "at 2100 GMT",
    ],
)
def test_figures_that_count_no_people(text: str) -> None:
    assert all(not a.people for a in find_amounts(text, load_lexicon("en")))


@pytest.mark.parametrize(
    "text", ["tens of thousands of men", "hundreds of thousands fled", "thousands"]
)
def test_vague_amounts_have_no_value(text: str) -> None:
    (amount,) = find_amounts(text, load_lexicon("en"))
    assert amount.value is None and amount.qualifier is None
