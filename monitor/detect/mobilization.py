"""Mobilization: a state calls people up. A figure counts only when it is attached to
the call-up ("calls up 300,000", "300,000 reservists were mobilised", "call-up of 30,000")."""

from __future__ import annotations

import re
from functools import cache

from monitor.detect.context import Context, Finding, Sentence, blocked, make_finding
from monitor.detect.lexicon import Lexicon, load_lexicon
from monitor.detect.numbers import Amount
from monitor.model import EventKind

_MILITARY = (
    r"(?:reservists|reserve soldiers|reserve troops|reserve personnel|conscripts|recruits"
    r"|draftees|soldiers|troops|servicemen|fighters)"
)
_PASSIVE = (
    r"(?:(?:were|was|have been|has been|had been|will be|would be|to be|are being|should be|"
    r"being|must be|are to be)\s+)?(?:\w+\s+)?(?:called up|mobili[sz]ed|drafted|conscripted|"
    r"recruited|enlisted|summoned|reported (?:for|to) (?:duty|service|(?:their )?units|"
    r"barracks)|receiv(?:e|ed|es|ing) (?:their )?(?:call-up |draft |mobili[sz]ation )?"
    r"(?:orders|papers|notices|summonses))\b"
)


# "call-up papers were sent to 10,000 men"
_SENT = (
    r"(?:\s+(?:(?:were|was|have been|has been|had been|are being|will be|being)\s+)?"
    r"(?:sent|issued|handed|delivered|served|mailed)(?:\s+out)?)?"
)
# "160,000 men aged 18 to 30 to be conscripted"
_AGES = r"(?:(?:aged|between the ages of|ages)\s+\d+\s*(?:to|-|–|and)\s*\d+\s+)?"


@cache
def _attached(lang: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    trigger = load_lexicon(lang).patterns["mobilization_trigger"].pattern
    after_trigger = re.compile(
        r"(?:"
        + trigger
        + r")(?:\s+(?:papers|orders|notices|summonses))?"
        + _SENT
        + r"(?:\s+(?:of|for|to|up)?|"
        # an apposition: "called up former soldiers (some 12,000 men)", "... – about 9,000 –"
        + r"(?:\s+[\w-]+){0,3}\s*(?:\(|\s[–—-])\s*(?:[\w-]+\s+){0,3}?)\s*$",
        re.IGNORECASE,
    )
    noun_after = re.compile(r"^\s+(?:[\w-]+\s+){0,2}?" + _MILITARY + r"\b", re.IGNORECASE)
    passive_after = re.compile(r"^\s+(?:[\w-]+\s+){0,3}?" + _AGES + _PASSIVE, re.IGNORECASE)
    return after_trigger, noun_after, passive_after


def _is_attached(s: Sentence, amount: Amount, lex: Lexicon) -> bool:
    after_trigger, noun_after, passive_after = _attached(lex.language)
    before = s.text[max(0, amount.start - 60) : amount.start]
    after = s.text[amount.end : amount.end + 80]
    return bool(
        after_trigger.search(before) or noun_after.match(after) or passive_after.match(after)
    )


# a place people go to is no state calling them up: "men have left for Moldova since the draft"
_DESTINATION = re.compile(r"(?i)\b(?:to|for|into|towards?)\s+(?:the\s+)?(?:neighbou?ring\s+)?$")


def _actor(s: Sentence, pos: int, ctx: Context) -> tuple[str | None, str]:
    before = [
        m
        for m in s.mentions
        if m.end <= pos
        and m.form not in ("region", "group")
        and not _DESTINATION.search(s.text[max(0, m.start - 25) : m.start])
    ]
    if before:
        m = before[-1]
        code = m.codes[0] if m.codes else None
        return code, f"country: {m.text}"
    if ctx.mobilizer:
        return ctx.mobilizer, "country: (from earlier in the item)"
    after = [m for m in s.mentions if m.start >= pos and m.form in ("name", "demonym", "metonym")]
    for m in after:
        if not re.search(r"\b(?:to|in|into|against|from)\s+(?:the\s+)?$", s.text[: m.start]):
            return m.code, f"country: {m.text}"
    if ctx.recent:
        return ctx.recent[0], "country: (last named)"
    if after:  # "the army drafted 20,000 men, officials in Kyiv said"
        return after[0].code, f"country: {after[0].text}"
    return None, ""


def _is_decoy(s: Sentence, lex: Lexicon, start: int) -> bool:
    window = s.text[max(0, start - 30) : start + 60]
    return s.has(lex, "mobilization_decoy", window)


def _is_anchor(s: Sentence, lex: Lexicon, start: int, end: int) -> bool:
    clause_start, _ = s.clause_at(start)
    before = s.text[max(clause_start, start - 70) : start]
    return s.has(lex, "anchor_before", before) or s.has(lex, "anchor_after", s.text[end : end + 40])


def _figured(s: Sentence, lex: Lexicon, ctx: Context, trigger: re.Match[str]) -> list[Finding]:
    found = []
    start, end = s.clause_at(trigger.start())
    clause = s.text[start:end]
    if s.has(lex, "blocker", clause):
        return []
    for amount in s.amounts:
        if not (start <= amount.start < end) or amount.value is None or not amount.people:
            continue
        if amount.baseline:
            continue
        if not _is_attached(s, amount, lex):
            continue
        country, cue = _actor(s, min(trigger.start(), amount.start), ctx)
        if country:
            cues = [f"trigger: {trigger.group(0)}", cue]
            found.append(make_finding(EventKind.MOBILIZATION, country, s, cues, amount=amount))
    return found


def _unfigured(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    strong = (
        lex.patterns["mobilization_strong"].finditer(s.text) if s.may("mobilization_strong") else ()
    )
    for m in strong:
        if _is_decoy(s, lex, m.start()) or _is_anchor(s, lex, m.start(), m.end()):
            continue
        if blocked(s, lex, m.start(), (m.start(), m.start())):
            continue
        country, cue = _actor(s, m.start(), ctx)
        if country:
            cues = [f"trigger: {m.group(0)}", cue]
            return [make_finding(EventKind.MOBILIZATION, country, s, cues)]
    return []


def find_mobilization(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    """Mobilization events stated in `s`; remembers the mobilizing state for later sentences."""
    triggers = [
        t
        for t in lex.patterns["mobilization_trigger"].finditer(s.text)
        if not _is_decoy(s, lex, t.start())
    ]
    if not triggers:
        return []
    actor, _ = _actor(s, triggers[0].start(), ctx)
    found: list[Finding] = []
    for trigger in triggers:
        if blocked(s, lex, trigger.start(), trigger.span()):
            continue
        found.extend(_figured(s, lex, ctx, trigger))
    if not found:
        found = _unfigured(s, lex, ctx)
    ctx.mobilizer = actor or ctx.mobilizer
    return found
