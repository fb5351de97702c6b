"""detect(): one entry's title and summary to its events. Pure: no I/O, no clock."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from monitor.detect.borders import find_border_closures
from monitor.detect.context import Context, Finding, read_sentence
from monitor.detect.emigration import find_emigration
from monitor.detect.gate import kinds_for, kinds_mentioned, roles_in
from monitor.detect.language import guess_language
from monitor.detect.lexicon import Lexicon, load_lexicon, supported_languages
from monitor.detect.mobilization import find_mobilization
from monitor.detect.places import names_a_place, resolve_ambiguous
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


def _day(published: date | datetime | None) -> date | None:
    return published.date() if isinstance(published, datetime) else published


def _parts(title: str, summary: str, lex: Lexicon) -> list[tuple[str, bool]]:
    """The sentences to read, the title first: (text, is_title)."""
    parts = [(title, True)] if title else []
    return parts + [(s, False) for s in split_sentences(summary, lex.abbreviations)]


def _findings(parts: list[tuple[str, bool]], published: date | None, lex: Lexicon) -> list[Finding]:
    roles = [roles_in(text, lex) for text, _ in parts]
    if not any(kinds_for(r, lex) for r in roles):
        return []  # no sentence may report anything: nothing to read
    ctx = Context(resolved=resolve_ambiguous(" ".join(text for text, _ in parts), lex))
    found: list[Finding] = []
    for (text, is_title), found_roles in zip(parts, roles, strict=True):
        kinds = set(kinds_for(found_roles, lex))
        if ctx.origin and "emigration_weak" in found_roles:  # "crossed" alone, in a refugee story
            kinds.add(EventKind.EMIGRATION.value)
        if (ctx.flow or ctx.total) and "figure_follow" in found_roles:  # "the figure was 7,000"
            kinds.add(EventKind.EMIGRATION.value)
        sentence = read_sentence(text, lex, ctx, published, is_title, full=bool(kinds))
        for kind, rule in _RULES:
            if kind in kinds:
                found.extend(rule(sentence, lex, ctx))
        ctx.remember(sentence)
    if ctx.withdrawn:  # totals later broken down by nationality: of mixed origins
        found = [f for f in found if not any(f is w for w in ctx.withdrawn)]
    return found


def _key(event: Event) -> tuple[object, ...]:
    value = event.figure.value if event.figure else None
    return (event.kind, event.country, event.counterpart, value)


def _same_flow(a: Event, b: Event) -> bool:
    """b says the same as a, or says it more precisely."""
    return a.kind == b.kind and a.country == b.country and a.counterpart in (None, b.counterpart)


def _counterparts_from_title(kept: list[Finding]) -> list[Finding]:
    """A summary figure with no counterpart takes the one its headline gives for the same
    figure ("Turkey hosts 3.2 million Syrians" over "3.2 million Syrians are registered")."""
    titled = [f.event for f in kept if f.from_title and f.event.counterpart and f.event.figure]
    if not titled:
        return kept
    result = []
    for f in kept:
        e = f.event
        if not f.from_title and e.counterpart is None and e.figure is not None:
            same = [t for t in titled if _key(t)[:2] == _key(e)[:2] and t.figure == e.figure]
            if same and same[0].counterpart != e.country:
                f = replace(f, event=replace(e, counterpart=same[0].counterpart))
        result.append(f)
    return result


def merge_findings(findings: list[Finding]) -> list[Finding]:
    """One event per fact: repeats dropped, a title fact the summary also states dropped, a
    figure-less mention of a flow the item counts dropped, a border event without
    counterpart dropped when the same state's closure names one."""
    unique: dict[tuple[object, ...], Finding] = {}
    for f in sorted(findings, key=lambda f: f.from_title):  # the summary's wording first
        unique.setdefault(_key(f.event), f)
    kept = _counterparts_from_title(list(unique.values()))
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
    parts = _parts(text_title, text_summary, lex)
    merged = merge_findings(_findings(parts, _day(published), lex))
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
