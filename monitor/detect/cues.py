"""Which lexicon patterns may match in a sentence, found in one pass of an automaton.

A regular-expression search costs microseconds even when it finds nothing, and the rules ask
a sentence dozens of questions ("a hedge in this clause?", "a decoy near this word?"). Every
lexicon pattern starts at a word start (`compile_words`), so the few letters a match can
begin with are known from the pattern itself; one automaton over those prefixes tells which
patterns a sentence may contain, and the rules skip the others without a search.

The prefixes are read from the compiled pattern by the standard library's own parser; a
pattern whose start is not a short set of letters (a digit class, any word) is always
searched.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from functools import cache
from typing import Any

import ahocorasick

from monitor.detect.lexicon import Lexicon, load_lexicon

_LONGEST = 4  # letters of a prefix; longer ones select no better
_SHORTEST = 2  # a pattern that may start with fewer letters is always searched
_MOST = 400  # prefixes per pattern; beyond that the pattern is always searched
_CLASS_MOST = 8  # characters a class such as [sz] may stand for
_Prefixes = set[tuple[str, bool]]  # (letters, whole): whole when the letters are the whole match
_ANY: _Prefixes = {("", False)}  # a class of many characters, a back-reference ...


@cache
def _parser() -> Any:
    return importlib.import_module("re._parser")  # sre_parse, under its 3.11 name


def _concat(left: _Prefixes, right: _Prefixes) -> _Prefixes:
    out: _Prefixes = set()
    for a, whole in left:
        if not whole or len(a) >= _LONGEST:
            out.add((a[:_LONGEST], False))
            continue
        for b, b_whole in right:
            joined = a + b
            out.add((joined[:_LONGEST], b_whole and len(joined) <= _LONGEST))
    if len(out) > _MOST:
        raise _Unknown
    return out


class _Unknown(Exception):
    """The pattern may start in too many ways to be worth an automaton."""


def _sequence(items: Iterable[tuple[Any, Any]]) -> _Prefixes:
    found: _Prefixes = {("", True)}
    for op, av in items:
        found = _concat(found, _element(op, av))
        if all(not whole or len(a) >= _LONGEST for a, whole in found):
            break
    return found


def _repeat(low: int, high: int, items: Any) -> _Prefixes:
    one = _sequence(items)
    found: _Prefixes = {("", True)}
    for _ in range(min(low, _LONGEST)):
        found = _concat(found, one)
    optional = one | {("", True)}
    for _ in range(min(high - low, _LONGEST)):
        found = _concat(found, optional)
    return found


def _element(op: Any, av: Any) -> _Prefixes:
    c = _parser()  # re._parser re-exports the opcodes of re._constants
    if op == c.LITERAL:
        return {(chr(av).lower(), True)}
    if op == c.IN:
        return _char_class(av, c)
    if op == c.SUBPATTERN:
        return _sequence(av[3])
    if op == c.BRANCH:
        return {p for branch in av[1] for p in _sequence(branch)}
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        return _repeat(av[0], av[1], av[2])
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return {("", True)}  # takes no letters
    return _ANY


def _char_class(items: Any, c: Any) -> _Prefixes:
    chars: set[str] = set()
    for op, av in items:
        if op == c.LITERAL:
            chars.add(chr(av).lower())
        elif op == c.RANGE and av[1] - av[0] < _CLASS_MOST:
            chars.update(chr(x).lower() for x in range(av[0], av[1] + 1))
        else:
            return _ANY
    if len(chars) > _CLASS_MOST:
        return _ANY
    return {(ch, True) for ch in chars}


def pattern_prefixes(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """The lower-case letters every match of `pattern` begins with; None when unknown."""
    try:
        found = _sequence(_parser().parse(pattern.pattern, pattern.flags))
    except (_Unknown, RecursionError, ImportError, AttributeError):
        return None  # too many starts, or a Python whose parser moved: always search
    if any(len(a) < _SHORTEST and a.isalpha() or not a for a, _ in found):
        return None  # "%" or "$" alone is a good cue, a letter or two not
    return frozenset(a for a, _ in found)


@cache
def _automaton(lang: str) -> tuple[ahocorasick.Automaton, frozenset[str]]:
    """The prefix automaton of a language, and the patterns it cannot rule out."""
    by_prefix: dict[str, set[str]] = {}
    always: set[str] = set()
    for name, pattern in load_lexicon(lang).patterns.items():
        prefixes = pattern_prefixes(pattern)
        if prefixes is None:
            always.add(name)
            continue
        for prefix in prefixes:
            by_prefix.setdefault(prefix, set()).add(name)
    automaton = ahocorasick.Automaton()
    for prefix, names in by_prefix.items():
        automaton.add_word(prefix, (len(prefix), frozenset(names)))
    automaton.make_automaton()
    return automaton, frozenset(always)


def cues_in(text: str, lex: Lexicon) -> frozenset[str]:
    """Names of the lexicon patterns that may match somewhere in `text` (never fewer)."""
    automaton, always = _automaton(lex.language)
    lowered = text.lower()
    found = set(always)
    for last, (size, names) in automaton.iter(lowered):
        start = last - size + 1
        if start == 0 or not lowered[start - 1].isalpha():  # a match starts at no mid-word
            found |= names
    return frozenset(found)
