"""Text: HTML to sentences; the language gate; title and summary read once."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.detect import detect
from monitor.detect.language import guess_language
from monitor.detect.lexicon import load_lexicon
from monitor.detect.text import clean_text, split_sentences


def test_html_stripped_and_entities_decoded() -> None:
    raw = "<p>Poland&#8217;s guards &amp; police</p><p>said&nbsp;300&#8239;000 crossed.</p>"
    assert clean_text(raw) == "Poland’s guards & police. said 300 000 crossed."


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("Troops left on Sept. 21 for the front. They returned.", 2),
        ("The U.S. Army said so. Others agreed.", 2),
        ("Rear Adm. Daniel Hagari spoke. Then he left.", 2),
        ("Vladimir V. Putin signed it. Nobody knew!", 2),
        ('He said "no." Then he went home.', 2),
    ],
)
def test_sentences_split_around_abbreviations(text: str, count: int) -> None:
    assert len(split_sentences(text, load_lexicon("en").abbreviations)) == count


def test_title_repeated_in_summary_is_read_once() -> None:
    title = "Around 20,000 Russians entered Georgia last week"
    events = detect(title, title + ", the ministry said.", date(2022, 10, 3)).events
    assert len(events) == 1


def test_title_figure_for_the_summary_flow_adds_nothing() -> None:
    title = "Almost 20,000 fled to Georgia"
    summary = "Some 19,740 Russians crossed into Georgia on Monday, officials said."
    (event,) = detect(title, summary, date(2022, 10, 3)).events
    assert event.figure is not None and event.figure.value == 19740


def test_a_fact_only_in_the_title_is_kept() -> None:
    (event,) = detect("Israel calls up 300,000 reservists", "Fighting went on.", None).events
    assert event.evidence == "Israel calls up 300,000 reservists"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Финляндия закрыла границу с Россией для туристов, сообщило правительство.", "ru"),
        ("Фінляндія закрила кордон з Росією для російських туристів, повідомив уряд.", "uk"),
        (
            "Die Regierung hat die Grenze zu Russland geschlossen, sagte der Minister am Freitag.",
            "de",
        ),
        ("Le gouvernement a fermé la frontière avec la Russie pour les touristes russes.", "fr"),
        ("Finland closed its border with Russia to tourists, the government said.", "en"),
    ],
)
def test_language_guess(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_unsupported_language_is_skipped_not_misread() -> None:
    found = detect("", "Финляндия закрыла границу с Россией, 300 000 человек уехали.", None)
    assert found.skipped and found.events == () and found.language == "ru"


def test_unrelated_text_passes_the_prefilter_empty() -> None:
    found = detect("Chipmaker unveils processor", "Shipments begin in May.", None)
    assert (found.events, found.skipped, found.language) == ((), False, "en")
