"""Country mentions: names, demonyms, capitals and other metonyms, regions, groups, anaphors."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from monitor.detect.lexicon import Lexicon, load_lexicon

ANAPHOR = "anaphor"


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in a sentence. `codes` has one code, several for a group
    ("the Baltic states"), or for an anaphor ("the country") its candidates, nearest first."""

    start: int
    end: int
    text: str
    codes: tuple[str, ...]
    form: str  # name | demonym | metonym | region | group | anaphor

    @property
    def code(self) -> str:
        return self.codes[0]


@cache
def _place_pattern(lang: str) -> re.Pattern[str]:
    names = sorted(load_lexicon(lang).places, key=len, reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w])")


def find_mentions(sentence: str, lex: Lexicon, earlier: Sequence[str] = ()) -> tuple[Mention, ...]:
    """Places in `sentence`. An anaphor ("the nation") gets as candidates the countries named
    before it in the sentence (nearest first), then `earlier` (the item's countries)."""
    found = []
    for m in _place_pattern(lex.language).finditer(sentence):
        text = m.group(0)
        found.append(Mention(m.start(), m.end(), text, lex.places[text], lex.place_forms[text]))
    for m in lex.patterns["anaphors"].finditer(sentence):
        before = [x for x in reversed(found) if x.end <= m.start() and x.form != "region"]
        found.append(_anaphor(m, before, earlier))
    return tuple(sorted((x for x in found if x.codes), key=lambda x: x.start))


def _anaphor(m: re.Match[str], before: list[Mention], earlier: Sequence[str]) -> Mention:
    candidates: list[str] = []
    for code in [c for x in before for c in x.codes] + list(earlier):
        if code not in candidates:
            candidates.append(code)
    if m.group(0).lower().endswith("two countries"):
        return Mention(m.start(), m.end(), m.group(0), tuple(candidates[:2]), "group")
    return Mention(m.start(), m.end(), m.group(0), tuple(candidates[:4]), ANAPHOR)


def pick(mention: Mention, avoid: Sequence[str | None] = ()) -> str | None:
    """The code a mention stands for, skipping the codes in `avoid` for an anaphor."""
    if mention.form != ANAPHOR:
        return mention.code
    return next((c for c in mention.codes if c not in avoid), None)


def coordinated(mentions: Sequence[Mention], index: int, sentence: str) -> list[Mention]:
    """The mention at `index` with those joined to it before by ',' or 'and'."""
    group = [mentions[index]]
    i = index
    while i > 0:
        gap = sentence[mentions[i - 1].end : mentions[i].start]
        if not re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", gap):
            break
        i -= 1
        group.insert(0, mentions[i])
    return group


def following_list(mentions: Sequence[Mention], index: int, sentence: str) -> list[Mention]:
    """The mention at `index` with those joined to it after by ',' or 'and'."""
    group = [mentions[index]]
    i = index
    while i + 1 < len(mentions):
        gap = sentence[mentions[i].end : mentions[i + 1].start]
        if not re.fullmatch(r"\s*(?:,|,?\s*and|&)\s*(?:the\s+)?", gap):
            break
        i += 1
        group.append(mentions[i])
    return group
