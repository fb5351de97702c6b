"""Border closures: a state closes, restricts or reopens its border or entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from monitor.detect.context import Context, Finding, Sentence, blocked, make_finding
from monitor.detect.lexicon import Lexicon, load_lexicon
from monitor.detect.places import Mention, coordinated, following_list, pick
from monitor.model import BorderStatus, Event, EventKind

_FILLER = (
    r"(?:(?!(?:near|at|by|along|on|across|to|from|for|in|into|after|before|and|or|as|"
    r"with|until|due|because|over|down|out)\b)[\w'’-]+,?\s+){0,6}?"
)
# two kinds of border joined: "its land and air borders", "road or rail crossings"
_PAIRED = r"(?:[\w-]+\s+(?:and|or|&)\s+[\w-]+\s+)?"
_AFTER_NOUN = (
    r"(?:,?\s+(?:with|between|and|of|the|two|its|their|countries|nations|into|from|on|along"
    r"|(?-i:[A-Z])[\w'’-]*))*"
    r",?\s+(?:(?:will|would|shall|to|has|have|had|is|are|was|were)\s+)?"
    r"(?:(?:be|been|remain|remains|remained|stay|stays|stayed|being)\s+)?"
    r"(?:(?:fully|completely|partially|temporarily|practically|officially|now|also|again)\s+)?"
)
_PARTICIPLE = (
    r"(?P<verb>closed|shut|sealed|suspended|reopened|re-opened|opened|open|reopen|reopens"
    r"|opens|closes|close|shuts)"
)


# an adjective, not a verb: "its last open crossing", "the border will stay open"
_OPEN_ADJECTIVE = re.compile(
    r"(?i)\b(?:last|only|remaining|still|an|the|its|their|be|stay|stays|stayed|remain|remains"
    r"|remained|kept|keep|keeps|keeping)\s+$"
)
_BORDER_AFTER = re.compile(r"(?:-\w+)?\s+(?:land\s+)?(?:border|frontier|crossing)")
# "their border" is one border shared; "their borders" are each state's own; so is one named
# crossing two states act on together ("Turkey and Armenia will reopen the Margara crossing")
_PAIR = re.compile(
    r"(?i)\b(?:between\b|their\s+(?:\w+\s+)?(?:common\s+|shared\s+)?border\b"
    r"|the\s+(?:(?-i:[A-Z])[\w'’-]+\s+){1,3}(?:border\s+)?(?:crossing|checkpoint|border post)"
    r"(?:\s+point)?\b(?!s))"
)


@dataclass(frozen=True, slots=True)
class _Action:
    start: int  # where the subject must come before
    end: int
    text: str
    status: BorderStatus | None  # None: decide from the clause
    verb: tuple[int, int]  # the words that name the act: no hedge or denial among them


@cache
def _patterns(lang: str) -> tuple[re.Pattern[str], ...]:
    pats = load_lexicon(lang).patterns
    close, restrict, open_ = (
        pats[n].pattern for n in ("border_close", "border_restrict", "border_open")
    )
    noun = pats["border_noun"].pattern
    verb_first = re.compile(
        rf"(?P<verb>{close}|{restrict}|{open_})\s+{_FILLER}{_PAIRED}(?P<noun>{noun})",
        re.IGNORECASE,
    )
    noun_first = re.compile(rf"(?P<noun>{noun}){_AFTER_NOUN}{_PARTICIPLE}\b", re.IGNORECASE)
    nominal = re.compile(
        rf"(?P<noun>{noun})\s+(?P<verb>closures?|shutdowns?|reopenings?)\b", re.IGNORECASE
    )
    return verb_first, noun_first, nominal


def _verb_status(verb: str, lex: Lexicon) -> BorderStatus | None:
    if lex.has("border_open", verb) or re.match(r"(?i)re-?open", verb):
        return BorderStatus.REOPENED
    if lex.has("border_restrict", verb):
        return BorderStatus.RESTRICTED
    return None


def _actions(s: Sentence, lex: Lexicon) -> list[_Action]:
    found = []
    if s.may("border_noun"):  # the verb, noun and nominal patterns all need a border noun
        for pattern in _patterns(lex.language):
            for m in pattern.finditer(s.text):
                status = _verb_status(m.group("verb"), lex)
                if status is BorderStatus.REOPENED and _keeps_open(s, lex, m):
                    continue
                found.append(_Action(m.start(), m.end(), m.group(0), status, m.span("verb")))
    for name, status in _ENTRY_ACTS:
        for m in lex.patterns[name].finditer(s.text) if s.may(name) else ():
            found.append(_Action(m.start(), m.end(), m.group(0), status, m.span()))
    found.sort(key=lambda a: a.start)
    return found


_ENTRY_ACTS = (
    ("entry_bar", None),
    ("entry_restrict", BorderStatus.RESTRICTED),
    ("entry_open", BorderStatus.REOPENED),
)


def _keeps_open(s: Sentence, lex: Lexicon, m: re.Match[str]) -> bool:
    """'open' as an adjective ("its last open crossing") or a border kept open: no change."""
    verb = m.group("verb").lower()
    if verb == "open" and _OPEN_ADJECTIVE.search(
        s.text[max(0, m.start("verb") - 12) : m.start("verb")]
    ):
        return True
    return s.has(lex, "stay_open", s.text[max(0, m.start() - 40) : m.end()])


def _status(s: Sentence, lex: Lexicon, action: _Action) -> BorderStatus:
    if action.status is not None:
        return action.status
    start, end = s.clause_at(action.start)
    if s.has(lex, "restricted_cue", s.text[start:end]) or _one_people(s, action, end):
        return BorderStatus.RESTRICTED
    return BorderStatus.CLOSED


_PEOPLE_BARRED = re.compile(r"(?i)\b(?:to|for|on|against)\s+(?:all\s+|most\s+)?$")
_PEOPLE_NOUN = re.compile(
    r"(?i)\s+(?:citizens|nationals|passport holders|travell?ers|visitors|tourists|residents"
    r"|men|students|workers|migrants|refugees)\b"
)


def _one_people(s: Sentence, action: _Action, end: int) -> bool:
    """Entry shut to one nation's people ("to Chinese citizens", "to Afghans"): restricted."""
    for m in s.mentions:
        if m.form not in ("demonym", "name") or not action.start <= m.start < end:
            continue
        if _BORDER_AFTER.match(s.text, m.end):
            continue
        people = _PEOPLE_NOUN.match(s.text, m.end)
        if people and m.start < action.end:  # "no longer allow Myanmar nationals to enter"
            return True
        barred = _PEOPLE_BARRED.search(s.text[max(0, m.start - 16) : m.start])
        plural = m.form == "demonym" and m.text.endswith(("s", "ese"))
        if barred and (plural or people):
            return True
    return False


def _actors(s: Sentence, action: _Action, ctx: Context) -> list[Mention]:
    clause_start, _ = s.clause_at(action.start)
    before = [
        m for m in s.mentions if m.end <= action.start and m.form != "region" or _inside(m, action)
    ]
    before = [m for m in before if m.start >= clause_start and not _is_object(s, m)]
    before = [m for i, m in enumerate(before) if not _names_the_border(s, m, first=i == 0)]
    if before:
        last = before[-1]
        names = [m for m in before if m.form == "name"]
        if last.form == "metonym" and any(m.code == last.code for m in names):
            last = names[-1]  # "Venezuela and Colombia, Nicolás Maduro and ...": the names
        return coordinated(s.mentions, s.mentions.index(last), s.text)
    after = [m for m in s.mentions if m.start >= action.end and m.form in ("name", "anaphor")]
    if after and re.search(r"(?i)\b(?:enter|into)\s+$", s.text[action.end - 8 : after[0].start]):
        return [after[0]]
    return _agent_after(s, action)


# "was shut by Hungarian authorities", "..., Warsaw said"
_BY = re.compile(r"(?i)\bby\s+(?:the\s+)?$")
_AGENT_NOUN = re.compile(
    r"(?i)\s+(?:authorities|government|officials|border guards?|police|army|forces|troops)\b"
)
_SPEAKER = re.compile(r"(?i)^(?:['’]s\s+\w+(?:\s+\w+)?)?\s+(?:said|says|announced|confirmed)\b")


def _agent_after(s: Sentence, action: _Action) -> list[Mention]:
    for m in s.mentions:
        if m.start < action.end or m.form in ("region", "group", "anaphor"):
            continue
        by = _BY.search(s.text[max(0, m.start - 8) : m.start])
        if by and (m.form != "demonym" or _AGENT_NOUN.match(s.text, m.end)):
            return [m]
        if m.form in ("name", "metonym") and _SPEAKER.match(s.text[m.end : m.end + 40]):
            return [m]
    return []


def _inside(m: Mention, action: _Action) -> bool:
    inside = action.start <= m.start and m.end <= action.end
    return inside and m.form == "demonym" and action.text.lower().startswith("only")


def _names_the_border(s: Sentence, m: Mention, first: bool = False) -> bool:
    """'the Russian border': the people's adjective names the other side, not the actor; so
    does a country's name after the actor ("Maduro orders Brazil border shut")."""
    if _BORDER_AFTER.match(s.text, m.end) is None:
        return False
    return m.form == "demonym" or m.form == "name" and not first


def _is_object(s: Sentence, m: Mention) -> bool:
    before = s.text[max(0, m.start - 12) : m.start]
    return bool(re.search(r"\b(?:with|between|from|to|into|near)\s+(?:the\s+)?$", before))


# the cause or the time after the act names no counterpart: "..., after a surge of arrivals"
_CAUSE = re.compile(
    r"(?i),?\s+(?:after|because|amid|following|citing|due to|as|when|over fears|to stop"
    r"|to prevent)\b"
)


_WITH = re.compile(r"(?i)\bwith\s+(?:the\s+)?(?:neighbou?ring\s+)?$")
# a further party to the same act, later in the clause: "... and, two days later, with Bolivia",
# "... and from Peruvians", "... and extended the ban to Italians"
_AGAIN = re.compile(
    r"(?i)[^,;.]{0,30}?\s+and\s*,?(?:[^,;]{1,40},\s*)?\s*(?:(?:later|then|also)\s+)?"
    r"(?:(?:extend|expand|widen)\w*\s+(?:the|its|this|that)\s+\w+\s+)?(?:with|to|from|for)\s+"
    r"(?:(?:all\s+)?(?:those|people|travell?ers|visitors|citizens|nationals|anyone)\s+"
    r"(?:arriving\s+|coming\s+|travell?ing\s+)?from\s+)?(?:the\s+)?(?:neighbou?ring\s+)?"
)


def _counterparts(s: Sentence, action: _Action, actors: list[str]) -> list[str]:
    start, end = s.clause_at(action.start)
    cause = _CAUSE.search(s.text, action.end, end)
    end = cause.start() if cause else end
    inside = [m for m in s.mentions if start <= m.start < end and m.form != "region"]
    for i, m in enumerate(inside):
        gap = s.text[max(start, m.start - 25) : m.start]
        if _WITH.search(gap) and m.start > action.start:
            return _with_more(s, inside, i, actors)
        if re.search(r"\bbetween\s+(?:the\s+)?$", gap):
            pair = [c for x in following_list(inside, i, s.text) for c in x.codes]
            return [c for c in pair if c not in actors][:1]
    for m in inside:
        if _BORDER_AFTER.match(s.text, m.end) and m.code not in actors:
            return [m.code]
    for i, m in enumerate(inside):
        if m.start >= action.start and m.code not in actors and _people_concerned(s, action, m):
            return _with_more(s, inside, i, actors)
    return []


def _people_concerned(s: Sentence, action: _Action, m: Mention) -> bool:
    """`m` names the people barred: "Russian tourists", "travellers from China", "Myanmar
    nationals", "entry from Belarus"."""
    start, _ = s.clause_at(action.start)
    before = s.text[max(start, m.start - 40) : m.start]
    if m.form == "demonym":
        return not re.search(r"\bexcept\s+(?:for\s+)?$", before)
    return m.form == "name" and bool(
        _TRAVELLERS_FROM.search(before)
        or _PEOPLE_NOUN.match(s.text, m.end)  # "Myanmar nationals"
        or m.end <= action.end
        and re.search(r"(?i)\b(?:from|into)\s+(?:the\s+)?$", before)
    )


def _with_more(s: Sentence, inside: list[Mention], i: int, actors: list[str]) -> list[str]:
    """The counterparts listed from `inside[i]` ("from Benin and Nigeria"), and those of the
    same kind the clause adds later ("... and, from Monday, with Bolivia")."""
    found: list[str] = []
    while True:
        group = following_list(inside, i, s.text)
        found += [c for x in group for c in x.codes if c not in actors and c not in found]
        i = inside.index(group[-1]) + 1
        if i >= len(inside):
            return found
        m = inside[i]
        if m.form not in ("name", "demonym") or not _AGAIN.fullmatch(
            s.text, group[-1].end, m.start
        ):
            return found


# the people concerned: "to Chile", "for Peru", "travellers from China", "who have been in Brazil"
_TRAVELLERS_FROM = re.compile(
    r"(?i)(?:\b(?:to|for)|(?:travell?ers|visitors|arrivals|passengers|nationals|foreigners|people"
    r"|anyone|those)\s+(?:arriving\s+|coming\s+)?from|\bbeen in|\btravell?ed (?:to|through)"
    r"|\bvisited)\s+(?:the\s+)?$"
)


def _events_for(s: Sentence, lex: Lexicon, ctx: Context, action: _Action) -> list[Finding]:
    status = _status(s, lex, action)
    actors = _actors(s, action, ctx)
    if _by_others(s, lex, action):
        return []
    codes = [c for m in actors for c in (m.codes if m.form == "group" else [pick(m)]) if c]
    pair = [m for m in s.mentions if m.form == "group" and m.text.lower().endswith("countries")]
    if not codes and pair:
        codes = list(pair[0].codes)
    if not codes and ctx.border:
        codes = [ctx.border[-1].event.country]
    if not codes and ctx.subject and not s.title and not _NOMINAL.search(action.text):
        codes = [ctx.subject]  # "The border will close on Friday.", not "The closure cost ..."
    cues = [f"trigger: {action.text}"]
    found = []
    for code in dict.fromkeys(codes):
        others: list[str | None] = list(_counterparts(s, action, [code]))
        if not others and len(codes) == 2 and _PAIR.search(s.text):
            others = [c for c in codes if c != code]
        for other in others or [None]:
            event_cues = [*cues, f"country: {code}", f"counterpart: {other}"]
            found.append(
                make_finding(EventKind.BORDER_CLOSURE, code, s, event_cues, other, status=status)
            )
    return found


_NOMINAL = re.compile(r"(?i)(?:closures?|shutdowns?|reopenings?)$")


def _by_others(s: Sentence, lex: Lexicon, action: _Action) -> bool:
    """Drivers, protesters or the weather close a crossing: no state acts."""
    start, _ = s.clause_at(action.start)
    return s.has(lex, "border_decoy", s.text[start : action.start])


def _follow_up(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    m = lex.patterns["follow_up"].search(s.text) if s.may("follow_up") else None
    if m is None or not ctx.border or blocked(s, lex, m.start(), m.span()):
        return []
    model = ctx.border[-1].event
    names = [x for x in s.mentions if x.end <= m.start() and x.form in ("name", "group")]
    if not names:
        return []
    found = []
    for mention in coordinated(s.mentions, s.mentions.index(names[-1]), s.text):
        for code in mention.codes:
            if code != model.country:
                found.append(_copy(model, code, s, m.group(0)))
    return found


def _copy(model: Event, code: str, s: Sentence, cue: str) -> Finding:
    cues = [f"trigger: {cue}", f"as: {model.evidence[:60]}"]
    return make_finding(
        EventKind.BORDER_CLOSURE, code, s, cues, model.counterpart, status=model.status
    )


def find_border_closures(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    """Border closures, restrictions and reopenings stated in `s`."""
    found: list[Finding] = []
    for action in _actions(s, lex):
        if blocked(s, lex, action.start, action.verb):
            continue
        found.extend(_events_for(s, lex, ctx, action))
    if not found:
        found = _follow_up(s, lex, ctx)
    ctx.border.extend(found)
    return found
