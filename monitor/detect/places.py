"""Country mentions: names, demonyms, capitals and other metonyms, regions, groups, anaphors."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import ahocorasick

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
def _automaton(lang: str) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name in load_lexicon(lang).places:
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def _is_word_edge(text: str, i: int) -> bool:
    return i < 0 or i >= len(text) or not (text[i].isalnum() or text[i] == "_")


def _names(sentence: str, lang: str) -> list[tuple[int, int, str]]:
    """Place names in `sentence` on word edges, longest first where they overlap."""
    hits = []
    for last, name in _automaton(lang).iter(sentence):
        start = last - len(name) + 1
        if _is_word_edge(sentence, start - 1) and _is_word_edge(sentence, last + 1):
            hits.append((start, last + 1, name))
    hits.sort(key=lambda h: (h[0], h[0] - h[1]))
    kept: list[tuple[int, int, str]] = []
    for hit in hits:
        if not kept or hit[0] >= kept[-1][1]:
            kept.append(hit)
    return kept


def names_a_place(text: str, lex: Lexicon) -> bool:
    """True when `text` names any country, people, capital or region (a cheap gate)."""
    for last, name in _automaton(lex.language).iter(text):
        start = last - len(name) + 1
        if _is_word_edge(text, start - 1) and _is_word_edge(text, last + 1):
            return True
    return False


def resolve_ambiguous(text: str, lex: Lexicon) -> dict[str, tuple[str, ...]]:
    """The state each ambiguous name of `text` stands for, when the text's other words pick
    exactly one ("Congo" with "Kinshasa" or "Goma": CD; with "Brazzaville": CG)."""
    found: dict[str, tuple[str, ...]] = {}
    for name, cues in lex.ambiguous.items():
        if name in text:
            codes = [code for code, pattern in cues.items() if pattern.search(text)]
            if len(codes) == 1:
                found[name] = (codes[0],)
    return found


def find_mentions(
    sentence: str,
    lex: Lexicon,
    earlier: Sequence[str] = (),
    cues: frozenset[str] | None = None,
    resolved: Mapping[str, tuple[str, ...]] | None = None,
) -> tuple[Mention, ...]:
    """Places in `sentence`. An anaphor ("the nation") gets as candidates the countries named
    before it in the sentence (nearest first), then `earlier` (the item's countries).
    `cues` (from `cues_in`) lets it skip the anaphor search when there is none; `resolved`
    (from `resolve_ambiguous`) gives the item's reading of an ambiguous name."""
    codes = lex.places if not resolved else {**lex.places, **resolved}
    found = [
        Mention(start, end, name, codes[name], lex.place_forms[name])
        for start, end, name in _names(sentence, lex.language)
    ]
    anaphors = () if cues is not None and "anaphors" not in cues else None
    for m in anaphors if anaphors is not None else lex.patterns["anaphors"].finditer(sentence):
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
