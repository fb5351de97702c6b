"""The fast paths: the keyword gate and the per-sentence pattern cues never lose a match."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.detect import detect
from monitor.detect.cues import cues_in, pattern_prefixes
from monitor.detect.gate import kinds_mentioned, roles_in
from monitor.detect.lexicon import load_lexicon
from monitor.model import EventKind

LEX = load_lexicon("en")


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Kazakhstan hosts a film festival", False),  # "Kazakhs" inside a country's name
        ("Kazakhs left in large numbers", True),
        ("Thousands of Sudanese crossed", True),
        ("The Sudanese", True),
        ("People in Chad", True),
    ],
)
def test_demonyms_are_whole_words(text: str, people: bool) -> None:
    assert ("people" in roles_in(text, LEX)) is people


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("Russia called up 10,000 reservists.", {"mobilization"}),
        ("Finland closed the border.", {"border_closure"}),
        ("The prime minister left for talks.", set()),  # a weak word alone
        ("The bank left rates unchanged and 2,000 people remain in the square.", {"emigration"}),
        ("Shares rose 3% on Monday.", set()),
    ],
)
def test_kinds_need_a_full_set_of_roles(text: str, kinds: set[str]) -> None:
    assert kinds_mentioned(text, LEX) == kinds


def test_trigger_words_in_different_sentences_read_nothing() -> None:
    summary = (
        "Moldova's prime minister left for Brussels on Monday. The museum said its new wing "
        "would open to visitors and schools in June."
    )
    assert detect("", summary, date(2024, 5, 1)).events == ()


def test_one_sentence_with_a_full_set_is_read() -> None:
    found = detect("", "Talks went on. Moldova closed its border with Ukraine.", None).events
    assert [(e.kind, e.country, e.counterpart) for e in found] == [
        (EventKind.BORDER_CLOSURE, "MD", "UA")
    ]


@pytest.mark.parametrize(
    ("pattern", "prefixes"),
    [
        (r"(?<![\w-])(?:clos(?:e|es|ed)|shut)(?![\w])", {"clos", "shut"}),
        (r"(?:[sz]eal|if)", {"seal", "zeal", "if"}),
        (r"(?:are |were )*living in", {"are ", "were", "livi"}),
        (r"\d+ years ago", None),  # starts with any digit: always searched
        (r"(?:a|an) \S+ crossing", {"a ", "an "}),
        (r"%|per cent", {"%", "per "}),
    ],
)
def test_pattern_prefixes(pattern: str, prefixes: set[str] | None) -> None:
    found = pattern_prefixes(re.compile(pattern, re.IGNORECASE))
    assert (None if found is None else set(found)) == prefixes


def _vocabulary() -> list[str]:
    """Words the lexicon's patterns are made of, and some that are not."""
    words: set[str] = {"Russia", "Finland", "Sudanese", "the", "said", "on", "Monday", "7%"}
    for pattern in LEX.patterns.values():
        words.update(re.findall(r"[a-z]{2,}(?:-[a-z]+)?", pattern.pattern))
    return sorted(words)


TOKENS = st.sampled_from(_vocabulary()) | st.from_regex(r"[0-9]{1,3}(,[0-9]{3})?", fullmatch=True)
SEPARATORS = st.sampled_from([" ", " ", " ", ", ", ". ", " - ", " (", ") ", "'"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TOKENS, SEPARATORS), min_size=1, max_size=14), st.booleans())
def test_cues_never_miss_a_match(parts: list[tuple[str, str]], upper: bool) -> None:
    text = "".join(word + sep for word, sep in parts).strip()
    text = text.capitalize() if upper else text
    cues = cues_in(text, LEX)
    for name, pattern in LEX.patterns.items():
        if pattern.search(text):
            assert name in cues, (name, text)
