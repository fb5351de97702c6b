"""The keyword gate: which event kinds a text may report, in one pass of an automaton.

Keywords are grouped by *role* (`prefilter` in the lexicon); a kind is possible when all
roles of one of its `gate` sets are present (`gate` in the lexicon): a weak word such as
"left" needs a people word with it. Keywords are stems matched anywhere ("mobili"); a
leading space asks for a word start (" ban"). Demonyms in the people role ("russians") are
whole words, so "Kazakhstan" is no "Kazakhs".
"""

from __future__ import annotations

from functools import cache

import ahocorasick

from monitor.detect.lexicon import Lexicon, load_lexicon

# role sets, and whether the keyword must end at a word end
_Value = tuple[frozenset[str], bool]


@cache
def _automaton(lang: str) -> ahocorasick.Automaton:
    lex = load_lexicon(lang)
    roles: dict[str, set[str]] = {}
    for role, words in lex.prefilter.items():
        for word in words:
            roles.setdefault(word, set()).add(role)
    whole = lex.whole_words
    automaton = ahocorasick.Automaton()
    for word, found in roles.items():
        value: _Value = (frozenset(found), word in whole)
        automaton.add_word(word, value)
    automaton.make_automaton()
    return automaton


def roles_in(text: str, lex: Lexicon) -> frozenset[str]:
    """The keyword roles in `text`."""
    padded = " " + text.lower() + " "  # " ban" at the start, "russians" at the end
    roles: set[str] = set()
    for last, (found, whole) in _automaton(lex.language).iter(padded):
        if whole and padded[last + 1].isalpha():
            continue
        roles |= found
    return frozenset(roles)


@cache
def _kinds(lang: str, roles: frozenset[str]) -> frozenset[str]:
    gate = load_lexicon(lang).gate
    return frozenset(kind for kind, options in gate.items() if any(o <= roles for o in options))


def kinds_for(roles: frozenset[str], lex: Lexicon) -> frozenset[str]:
    """The event kinds that a text with these keyword roles may report."""
    return _kinds(lex.language, roles)


def kinds_mentioned(text: str, lex: Lexicon) -> frozenset[str]:
    """The event kinds `text` may report."""
    return kinds_for(roles_in(text, lex), lex)
