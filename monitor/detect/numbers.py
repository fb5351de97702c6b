"""Figures in a sentence: digits, scale words, number words, vague amounts, qualifiers.

Number words go through text2num; this module only finds where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from text_to_num import text2num

from monitor.detect.lexicon import Lexicon, load_lexicon
from monitor.model import Qualifier

_DIGITS = (
    r"(?<![\w.,])(?P<num>\d{1,3}(?:(?P<sep>[,.\u202f\u2009 ])\d{3})(?:(?P=sep)\d{3})*(?![\d])"
    r"|\d+(?:\.\d+)?)"
)
_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|and|or)\s*$", re.IGNORECASE)
_BETWEEN = re.compile(r"\bbetween\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_SECOND_WORD = re.compile(r"(?!(?:a|an|the|each|every|per|this|that|last|next)\s)[\w'’]+\s+", re.I)
_YEAR = re.compile(r"(?:1[89]|20)\d\d(?:\s*(?:-|–|—|to|and|or)\s*(?:1[89]|20)\d\d)?", re.I)
_WORDY = re.compile(r"(?i)(?:ty|teen|ten|eleven|twelve|hundred|thousand|million|billion)\b")


_Cues = frozenset[str] | None


def _may(cues: _Cues, name: str) -> bool:
    return cues is None or name in cues


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure found in a sentence. `value` is None for a vague amount ("thousands").

    `start` includes the qualifier words; `num_start`..`end` is the number itself.
    `people` is False when the figure counts something else (%, km, money, days, ages).
    `baseline` is True for a prior figure the news compares with ("up from 5,000").
    """

    start: int
    num_start: int
    end: int
    value: int | None
    qualifier: Qualifier | None
    people: bool = True
    baseline: bool = False


@dataclass(frozen=True, slots=True)
class _Patterns:
    number: re.Pattern[str]
    words: re.Pattern[str]
    phrases: re.Pattern[str]


@cache
def _patterns(lang: str) -> _Patterns:
    lex = load_lexicon(lang)
    scales = sorted(lex.scales, key=len, reverse=True)
    long_scales = "|".join(s for s in scales if len(s) > 2)
    short_scales = "|".join(s for s in scales if len(s) <= 2)
    number = re.compile(
        _DIGITS + rf"(?:\s?(?P<scale>{long_scales})\b|(?P<short>{short_scales})\b)?",
        re.IGNORECASE,
    )
    word = "|".join(sorted(lex.number_words, key=len, reverse=True))
    words = re.compile(
        rf"(?<![\w-])(?:(?:{word})(?:[\s-]+(?:and[\s-]+)?(?=(?:{word})\b)|\b))+", re.IGNORECASE
    )
    phrase = "|".join(re.escape(p) for p in sorted(lex.number_phrases, key=len, reverse=True))
    phrases = re.compile(rf"(?<![\w-])(?:{phrase})(?!\w)", re.IGNORECASE)
    return _Patterns(number, words, phrases)


def _digit_value(match: re.Match[str], lex: Lexicon) -> int:
    text, sep = match.group("num"), match.group("sep")
    scale_word = (match.group("scale") or match.group("short") or "").lower()
    scale = lex.scales.get(scale_word, 1)
    if sep and not (sep == "." and scale > 1):
        return int(re.sub(r"\D", "", text)) * scale
    return round(float(text) * scale)


def _raw_numbers(sentence: str, lex: Lexicon) -> list[tuple[int, int, int]]:
    """(start, end, value) of every number, phrases and words first, then digits."""
    pats = _patterns(lex.language)
    found: list[tuple[int, int, int]] = []
    taken: list[tuple[int, int]] = []
    wordy = _WORDY.search(sentence) is not None
    phrases = pats.phrases.finditer(sentence) if wordy else ()
    for m in phrases:
        found.append((m.start(), m.end(), lex.number_phrases[m.group(0).lower()]))
        taken.append(m.span())
    digits = pats.number.finditer(sentence) if _DIGIT.search(sentence) else ()
    for m in digits:
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append((m.start(), m.end(), _digit_value(m, lex)))
            taken.append(m.span())
    words = pats.words.finditer(sentence) if wordy else ()
    for m in words:
        run = m.group(0).strip(" -")
        try:
            value = int(text2num(re.sub(r"\band\b|-", " ", run.lower()).strip(), lex.language))
        except ValueError:
            continue
        span = (m.start(), m.start() + len(run))
        if value >= 10 and not any(a < span[1] and span[0] < b for a, b in taken):
            found.append((*span, value))
            taken.append(span)
    found.sort()
    return found


def _qualifier(before: str, lex: Lexicon) -> tuple[Qualifier, int] | None:
    m = lex.qualifiers.search(before)
    if m is None or m.lastgroup is None:
        return None
    return Qualifier(m.lastgroup), len(before) - m.start()


def _is_people(sentence: str, start: int, end: int, lex: Lexicon, cues: _Cues) -> bool:
    after = sentence[end:].lstrip(" -")
    before = sentence[max(0, start - 25) : start].rstrip()
    nonpeople = lex.patterns["nonpeople_after"]
    if _may(cues, "nonpeople_after"):
        if nonpeople.match(after):
            return False
        second = _SECOND_WORD.match(after)  # "10 more days", not "10,000 a day", "900 the week"
        if second and nonpeople.match(after[second.end() :]):
            return False
    if _may(cues, "nonpeople_before") and _ends_with(lex, "nonpeople_before").search(before):
        return False
    if _is_date(before, after, lex):
        return False
    text = sentence[start:end].strip()
    if not _YEAR.fullmatch(text):
        return True
    # a year (or years: "between 1990 and 1995"), unless people follow it at once
    # ("2000 refugees"), not "In 2022, 800,000 left"
    first_words = re.match(r"[\w'’ -]{0,20}", after)
    return _may(cues, "people_nouns") and lex.has(
        "people_nouns", first_words.group(0) if first_words else ""
    )


@cache
def _ends_with_pattern(lang: str, name: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + load_lexicon(lang).patterns[name].pattern + r")\s*$", re.IGNORECASE)


def _ends_with(lex: Lexicon, name: str) -> re.Pattern[str]:
    return _ends_with_pattern(lex.language, name)


def _is_date(before: str, after: str, lex: Lexicon) -> bool:
    last = re.search(r"([A-Za-z]+)\.?$", before)
    if last and last.group(1).lower() in lex.months:
        return True
    first = re.match(r"([A-Za-z]+)", after)
    return bool(first and first.group(1).lower() in lex.months and first.group(1)[0].isupper())


def _vague(sentence: str, lex: Lexicon, taken: list[tuple[int, int]], cues: _Cues) -> list[Amount]:
    found = []
    for m in lex.patterns["vague"].finditer(sentence) if _may(cues, "vague") else ():
        if not any(a < m.end() and m.start() < b for a, b in taken):
            found.append(Amount(m.start(), m.start(), m.end(), None, None))
    return found


def find_amounts(sentence: str, lex: Lexicon, cues: _Cues = None) -> tuple[Amount, ...]:
    """Every figure in `sentence`, with its qualifier; a range gives its lower bound.
    `cues` (from `cues_in`) lets it skip the lexicon patterns that match nowhere."""
    raw = _raw_numbers(sentence, lex)
    amounts: list[Amount] = []
    skip_until = -1
    for i, (start, end, value) in enumerate(raw):
        if start < skip_until:
            continue
        qualifier = Qualifier.EXACT
        first = start
        q = _qualifier(sentence[max(0, start - 30) : start], lex)
        if q:
            qualifier, width = q
            first = start - width
        last = end
        if i + 1 < len(raw) and _RANGE_JOIN.fullmatch(sentence[end : raw[i + 1][0]]):
            qualifier, skip_until = Qualifier.AT_LEAST, raw[i + 1][1]
            last = skip_until
            between = _BETWEEN.search(sentence[max(0, start - 10) : start])
            first = start - (len(between.group(0)) if between else 0) if not q else first
        people = _is_people(sentence, start, last, lex, cues)
        baseline = _may(cues, "comparison_before") and bool(
            _ends_with(lex, "comparison_before").search(sentence[max(0, first - 40) : first])
        )
        amounts.append(Amount(max(0, first), start, end, value, qualifier, people, baseline))
    taken = [(a.start, a.end) for a in amounts]
    return tuple(sorted(amounts + _vague(sentence, lex, taken, cues), key=lambda a: a.start))


def parse_number(text: str, lang: str = "en") -> int | None:
    """The value of the one figure in `text` ("1.2 million", "300 000", "half a million")."""
    amounts = [a for a in find_amounts(text, load_lexicon(lang)) if a.value is not None]
    return amounts[0].value if len(amounts) == 1 else None
