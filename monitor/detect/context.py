"""One sentence read once (places, figures, clauses, period), and what the item said before."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from monitor.detect.cues import cues_in
from monitor.detect.lexicon import Lexicon
from monitor.detect.numbers import Amount, find_amounts
from monitor.detect.periods import Period, find_period
from monitor.detect.places import Mention, find_mentions
from monitor.detect.text import split_clauses
from monitor.model import BorderStatus, Event, EventKind, Figure


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    mentions: tuple[Mention, ...]
    amounts: tuple[Amount, ...]
    clauses: tuple[tuple[int, int], ...]
    period: Period
    historical: bool
    question: bool
    title: bool
    cues: frozenset[str] | None = None  # lexicon patterns that may match; None: any may

    def may(self, name: str) -> bool:
        """False when the lexicon pattern `name` matches nowhere in the sentence."""
        return self.cues is None or name in self.cues

    def has(self, lex: Lexicon, name: str, text: str) -> bool:
        """Whether lexicon pattern `name` matches in `text`, a part of this sentence."""
        return self.may(name) and lex.has(name, text)

    def clause_at(self, pos: int) -> tuple[int, int]:
        for start, end in self.clauses:
            if start <= pos < end:
                return start, end
        return 0, len(self.text)

    def clause_text(self, pos: int, blank: tuple[int, int] | None = None) -> str:
        start, end = self.clause_at(pos)
        text = self.text[start:end]
        if blank is not None:
            a, b = max(blank[0], start) - start, min(blank[1], end) - start
            if a < b:
                text = text[:a] + " " * (b - a) + text[b:]
        return text

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        return [m for m in self.mentions if start <= m.start and m.end <= end]


@dataclass(frozen=True, slots=True)
class Finding:
    """An event with the words that produced it, and whether the title alone gave it."""

    event: Event
    cues: tuple[str, ...]
    from_title: bool


@dataclass(slots=True)
class Context:
    """What the item has said so far; lives for one `detect` call only."""

    counts: Counter[str] = field(default_factory=Counter)
    recent: list[str] = field(default_factory=list)
    origin: str | None = None
    destination: str | None = None
    mobilizer: str | None = None
    border: list[Finding] = field(default_factory=list)
    flow: tuple[str, str | None] | None = None  # the last emigration counted: origin, destination
    historical: bool = False
    subject: str | None = None  # the state the item first speaks of as an actor
    resolved: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "Congo": ("CD",)
    # the last count of people of no stated nationality: its event (if any), its destination
    total: tuple[Finding | None, str | None] | None = None
    withdrawn: list[Finding] = field(default_factory=list)  # a total found to be mixed later

    def earlier(self) -> tuple[str, ...]:
        """Countries named so far, most named first, then most recent."""
        order = {code: i for i, code in enumerate(self.recent)}
        return tuple(sorted(self.counts, key=lambda c: (-self.counts[c], order.get(c, 99))))

    def remember(self, sentence: Sentence) -> None:
        for m in sentence.mentions:
            if m.form in ("name", "demonym", "metonym"):
                self.counts[m.code] += 1
                if m.code in self.recent:
                    self.recent.remove(m.code)
                self.recent.insert(0, m.code)
        self.historical = sentence.historical
        if self.subject is None:
            self.subject = _subject(sentence)


_NOT_SUBJECT = re.compile(
    r"(?i)\b(?:from|to|into|with|between|in|for|of|near|at|on)\s+(?:the\s+)?$"
)


def _subject(sentence: Sentence) -> str | None:
    """The first state named as a speaker or actor ("Finland's government", "Poland"), not
    as a place of origin or arrival."""
    for m in sentence.mentions:
        if m.form in ("name", "metonym") and not _NOT_SUBJECT.search(sentence.text[: m.start]):
            return m.code
    return None


def read_sentence(
    text: str, lex: Lexicon, ctx: Context, published: date | None, title: bool, full: bool = True
) -> Sentence:
    """The sentence read for the rules; with `full` False only its places (for context)."""
    if not full:
        mentions = find_mentions(text, lex, ctx.earlier(), resolved=ctx.resolved)
        return Sentence(text, mentions, (), ((0, len(text)),), (None, None), False, False, title)
    cues = cues_in(text, lex)
    clauses = tuple((start, start + len(part)) for start, part in split_clauses(text))
    return Sentence(
        text=text,
        mentions=find_mentions(text, lex, ctx.earlier(), cues, ctx.resolved),
        amounts=_date_amounts(text, find_amounts(text, lex, cues), published),
        clauses=clauses,
        period=find_period(text, lex, published),
        historical=_historical(text, lex, published, cues),
        question=text.rstrip().endswith("?"),
        title=title,
        cues=cues,
    )


# a figure dated by a year of its own: "a peak of 3.7 million in 2021"
_DATED = re.compile(
    r"\s*(?:[\w-]+\s+){0,3}?in\s+(?:early\s+|late\s+|mid-)?(?:[A-Z][a-z]+\s+)?((?:19|20)\d\d)\b"
)


def _date_amounts(
    text: str, amounts: tuple[Amount, ...], published: date | None
) -> tuple[Amount, ...]:
    """Figures dated before the story's time are history: marked as a baseline."""
    if not any(ch.isdigit() for ch in text):
        return amounts
    result = []
    for a in amounts:
        m = _DATED.match(text, a.end) if a.people and not a.baseline else None
        if m and (published is None or int(m.group(1)) < published.year - 1):
            a = replace(a, baseline=True)
        result.append(a)
    return tuple(result)


def _historical(text: str, lex: Lexicon, published: date | None, cues: frozenset[str]) -> bool:
    if "historical" in cues and lex.has("historical", text):
        return True
    years = lex.patterns["historical_year"].finditer(text) if "historical_year" in cues else ()
    for m in years:
        year = int(next(g for g in m.groups() if g))
        if published is None or year < published.year - 1:
            return not _DATES_ANOTHER.search(text[max(0, m.start() - 60) : m.start() + 1])
    return False


# a year that starts a period or dates a baseline, not the news: "since it opened in 2021",
# "down from a peak of 3.7 million in 2021", "twice as many as in 2019", "men born in 2005"
_DATES_ANOTHER = re.compile(
    r"(?i)\b(?:since|(?:up|down) from|compared (?:with|to)|than|as in|peak(?:ed)?|high(?:est)?"
    r"|low(?:est)?|record|born|founded|built|established)\b(?:[^,;]|(?<=\d),(?=\d)){0,45}$"
)


def blocked(sentence: Sentence, lex: Lexicon, pos: int, span: tuple[int, int]) -> str | None:
    """Why the clause at `pos` states no fact: a hedge, a denial, a question, the past."""
    if sentence.question:
        return "question"
    if sentence.historical:
        return "historical"
    clause = sentence.clause_text(pos, blank=span)
    for name in ("hedge", "negation"):
        m = lex.patterns[name].search(clause) if sentence.may(name) else None
        if m:
            return f"{name}: {m.group(0)}"
    return None


def make_finding(
    kind: EventKind,
    country: str,
    sentence: Sentence,
    cues: list[str],
    counterpart: str | None = None,
    amount: Amount | None = None,
    status: BorderStatus | None = None,
) -> Finding:
    figure = None
    if amount is not None and amount.value is not None and amount.qualifier is not None:
        figure = Figure(amount.value, amount.qualifier)
        cues = [*cues, f"figure: {sentence.text[amount.start : amount.end]}"]
    confidence = 0.9 if figure or status else 0.7
    event = Event(
        kind=kind,
        country=country,
        evidence=sentence.text,
        counterpart=counterpart if counterpart != country else None,
        figure=figure,
        status=status,
        period_start=sentence.period[0],
        period_end=sentence.period[1],
        confidence=confidence,
    )
    return Finding(event, tuple(cues), sentence.title)
