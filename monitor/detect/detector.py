"""detect(): one entry's title and summary to its events. Pure: no I/O, no clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

import ahocorasick

from monitor.detect.borders import find_border_closures
from monitor.detect.context import Context, Finding, read_sentence
from monitor.detect.emigration import find_emigration
from monitor.detect.language import guess_language
from monitor.detect.lexicon import Lexicon, load_lexicon, supported_languages
from monitor.detect.mobilization import find_mobilization
from monitor.detect.places import names_a_place
from monitor.detect.text import clean_text, split_sentences
from monitor.model import Event, EventKind

log = logging.getLogger(__name__)
_RULES = (
    (EventKind.MOBILIZATION.value, find_mobilization),
    (EventKind.BORDER_CLOSURE.value, find_border_closures),
    (EventKind.EMIGRATION.value, find_emigration),
)


@dataclass(frozen=True, slots=True)
class Detection:
    """What one entry reports. `skipped` is True when its language is not supported yet."""

    events: tuple[Event, ...]
    language: str
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class Explanation:
    """One event and the words that produced it (trigger, country, figure ...)."""

    event: Event
    cues: tuple[str, ...]
    from_title: bool


@cache
def _automaton(lang: str) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    roles: dict[str, set[str]] = {}
    for role, words in load_lexicon(lang).prefilter.items():
        for word in words:
            roles.setdefault(word, set()).add(role)
    for word, found in roles.items():
        automaton.add_word(word, frozenset(found))
    automaton.make_automaton()
    return automaton


def roles_in(text: str, lex: Lexicon) -> frozenset[str]:
    """The keyword roles in `text`, found in one pass of an Aho-Corasick automaton."""
    roles: set[str] = set()
    for _, found in _automaton(lex.language).iter(" " + text.lower()):  # " ban" at the start
        roles |= found
    return frozenset(roles)


def kinds_mentioned(text: str, lex: Lexicon, roles: frozenset[str] | None = None) -> set[str]:
    """The keyword gate: the event kinds `text` may report. A kind needs all the roles of one
    of its gate sets: a weak word such as "left" needs a people word next to it."""
    found = roles_in(text, lex) if roles is None else roles
    return {kind for kind, options in lex.gate.items() if any(need <= found for need in options)}


def _day(published: date | datetime | None) -> date | None:
    return published.date() if isinstance(published, datetime) else published


def _findings(title: str, summary: str, published: date | None, lex: Lexicon) -> list[Finding]:
    ctx = Context()
    found: list[Finding] = []
    parts = [(title, True)] if title else []
    parts += [(s, False) for s in split_sentences(summary, lex.abbreviations)]
    for text, is_title in parts:
        roles = roles_in(text, lex)
        kinds = kinds_mentioned(text, lex, roles)
        if ctx.origin and "emigration_weak" in roles:  # "crossed" alone, in a refugee story
            kinds.add(EventKind.EMIGRATION.value)
        sentence = read_sentence(text, lex, ctx, published, is_title, full=bool(kinds))
        for kind, rule in _RULES:
            if kind in kinds:
                found.extend(rule(sentence, lex, ctx))
        ctx.remember(sentence)
    return found


def _key(event: Event) -> tuple[object, ...]:
    value = event.figure.value if event.figure else None
    return (event.kind, event.country, event.counterpart, value)


def _same_flow(a: Event, b: Event) -> bool:
    """b says the same as a, or says it more precisely."""
    return a.kind == b.kind and a.country == b.country and a.counterpart in (None, b.counterpart)


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """One event per fact: repeats dropped, a title fact the summary also states dropped, a
    figure-less mention of a flow the item counts dropped, a border event without
    counterpart dropped when the same state's closure names one."""
    unique: dict[tuple[object, ...], Finding] = {}
    for f in sorted(findings, key=lambda f: f.from_title):  # the summary's wording first
        unique.setdefault(_key(f.event), f)
    kept = list(unique.values())
    body = [f.event for f in kept if not f.from_title]
    result = []
    for f in kept:
        e = f.event
        if f.from_title and any(_same_flow(e, b) for b in body):
            continue
        others = [g.event for g in kept if g is not f]
        if e.figure is None and e.kind != EventKind.BORDER_CLOSURE:
            if any(_same_flow(e, o) and o.figure is not None for o in others):
                continue
        if e.kind == EventKind.BORDER_CLOSURE and e.counterpart is None:
            if any(_same_flow(e, o) and o.counterpart is not None for o in others):
                continue
        result.append(f)
    return result


def _language(title: str, summary: str) -> str:
    return guess_language(f"{title}. {clean_text(summary) if '<' in summary else summary}")


def explain(title: str, summary: str, published: date | datetime | None) -> tuple[Explanation, ...]:
    """The events of an entry with the words behind each (for `monitor extract --explain`)."""
    lang = _language(title, summary)
    if lang not in supported_languages():
        return ()
    return _explain(load_lexicon(lang), title, summary, published)


def _explain(
    lex: Lexicon, title: str, summary: str, published: date | datetime | None
) -> tuple[Explanation, ...]:
    text_title, text_summary = clean_text(title), clean_text(summary)
    if text_summary.startswith(text_title.rstrip(".")):
        text_title = ""
    merged = merge_findings(_findings(text_title, text_summary, _day(published), lex))
    return tuple(Explanation(f.event, f.cues, f.from_title) for f in merged)


def detect(title: str, summary: str, published: date | datetime | None) -> Detection:
    """The events one news entry reports. Text in an unsupported language is skipped, never
    misread: the Detection says so and the caller counts it."""
    lang = _language(title, summary)
    if lang not in supported_languages():
        log.debug("detect skipped language=%s", lang)
        return Detection((), lang, skipped=True)
    lex = load_lexicon(lang)
    text = f"{title} {summary}"
    if not kinds_mentioned(text, lex) or not names_a_place(text, lex):
        return Detection((), lang)
    explained = _explain(lex, title, summary, published)
    return Detection(tuple(x.event for x in explained), lang)
