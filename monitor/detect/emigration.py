"""Emigration: people leaving a country, counted on the way out or where they arrive."""

from __future__ import annotations

import re
from functools import cache

from monitor.detect.context import Context, Finding, Sentence, blocked, make_finding
from monitor.detect.lexicon import Lexicon, load_lexicon
from monitor.detect.numbers import Amount
from monitor.detect.places import Mention, following_list, pick
from monitor.model import EventKind

Span = tuple[int, int]
_NP_GAP = re.compile(
    r"^\s*(?:(?:of|from|who|adult|young|more|ethnic|draft-age|military-age|fighting-age|"
    r"refugees?|people|persons|men|women|citizens|nationals|residents|migrants|evacuees|"
    r"asylum|seekers|individuals|civilians|had|to|fled|fleeing|arrivals|entries)\s+){0,4}$",
    re.IGNORECASE,
)
_MILITARY_NP = re.compile(
    r"^\s*(?:[\w-]+\s+){0,2}?(?:reservists|reserve|soldiers|troops|conscripts|recruits)\b",
    re.IGNORECASE,
)
_HOST_GAP = re.compile(
    r"^(?:['’]s)?\s*(?:(?:has|have|had|now|already|registered|hosts|houses|hosted|housed|"
    r"received|is|was|hosting|sheltering|shelters|took|taken|in|welcomed|says|said|reports|currently|"
    r"still|also|officially|reportedly|"
    r"reported|that|it|home|to|granted|given|gave|issued|temporary|protection|asylum|refugee|status|"
    r"visas|permits)\s+)*"
    # "hosts the largest community, with", "hosted the largest number at", "the majority ..., "
    r"(?:the\s+(?:largest|biggest|greatest|majority|bulk|most|second[- ]largest)\b"
    r"(?:\s+(?:of\s+)?(?:the\s+)?[\w-]+){0,3}?,?\s+(?:(?:with|at)\s+)?)?"
    r"\(?$",  # "Kazakhstan (100,000)"
    re.IGNORECASE,
)
_OFFICIAL = re.compile(
    r"^\s+(?:officials?|government|authorities|ministry|minister|president|interior|foreign|"
    r"defen[cs]e|prime|spokes\w+|agency|army|forces|police|state|media|side|border|council|"
    r"military|troops|source|embassy|economy|market)\b",
    re.IGNORECASE,
)
_REPORTER = re.compile(
    r"^(?:['’]s\s+(?:\w+\s+)?(?:border|interior|migration|frontier|government|authorities|"
    r"ministry|police|statistics)|\s+(?:says|said|reports|recorded|registered|counted|logged)\b"
    r"|:\s)",  # "Kazakhstan: 5,000 arrive"
    re.IGNORECASE,
)
# a country's name used as the people's adjective: "Myanmar nationals", "Congo refugees"
_NAME_AS_PEOPLE = re.compile(
    r"\s+(?:nationals|citizens|refugees|migrants|asylum[- ]seekers|evacuees|passport holders)\b",
    re.IGNORECASE,
)
# a demonym naming the host's officials before the figure: "Libyan authorities registered ..."
_HOST_OFFICIALS = re.compile(
    r"^\s+(?:(?:border|migration|interior|immigration)\s+)?(?:officials|authorities|government"
    r"|ministry|guards|service)\b",
    re.IGNORECASE,
)
_MORE_PLACES = re.compile(r"^\s*(?:,?\s*and|or)\s+$", re.IGNORECASE)


_BACKGROUND = re.compile(
    r"(?i)\b(?:war|fighting|conflict|violence|invasion|crisis|unrest|offensive|clashes|coup)"
    r"\s+(?:in|on|of|against)\s+(?:the\s+)?$"
)
_OF_WHOM = re.compile(r"\s+of\s+(?:whom|them|those|these)\b")
_PART_OF = re.compile(r"^\s*(?:of\s+(?:them|those|these)\b|$)")


# "into northern Ivory Coast", "to neighbouring Chad"
_REGION_WORDS = (
    r"(?:(?:neighbou?ring|(?:north|south)(?:-?(?:east|west))?(?:ern)?|(?:east|west)(?:ern)?"
    r"|central|far)\s+)?"
)


# a place on the way on: "on their way to", "bound for", "heading north towards", "en route to"
_ONWARD = re.compile(
    r"(?i)\b(?:on\s+(?:their|its|his|her|the)\s+way|en\s+route|bound|head(?:ing|ed|s)?"
    r"|continu(?:e|es|ed|ing)(?:\s+on)?|onwards?|in\s+transit|transit(?:ing|ed)?(?:\s+through)?)"
    r"(?:\s+(?:north|south|east|west)\w*)?\s+(?:to|towards?|for|into)\s+(?:the\s+)?"
    + _REGION_WORDS
    + r"$"
)


@cache
def _ends(lang: str, name: str) -> re.Pattern[str]:
    pattern = load_lexicon(lang).patterns[name].pattern
    return re.compile(r"(?:" + pattern + r")\s+(?:the\s+)?" + _REGION_WORDS + r"$", re.IGNORECASE)


def _np_origin(s: Sentence, amount: Amount) -> Mention | None:
    for m in s.mentions:
        if m.start < amount.end or m.start > amount.end + 45:
            continue
        gap = s.text[amount.end : m.start]
        if _NP_GAP.match(gap) and (
            m.form == "demonym" or re.search(r"\b(?:of|from)\s+$", gap) or _names_people(s, m)
        ):
            return m
    return None


def _names_people(s: Sentence, m: Mention) -> bool:
    return m.form == "name" and _NAME_AS_PEOPLE.match(s.text, m.end) is not None


def _cue_origin(s: Sentence, lex: Lexicon, clause: Span) -> Mention | None:
    cue, war = _ends(lex.language, "origin_cue_before"), _ends(lex.language, "origin_war_cue")
    may_cue, may_war = s.may("origin_cue_before"), s.may("origin_war_cue")
    if not (may_cue or may_war):
        return None
    for m in s.mentions_in(*clause):
        before = s.text[clause[0] : m.start]
        if m.form == "region":
            continue
        if may_cue and cue.search(before[-30:]) or may_war and war.search(before):
            return m
    return None


def _people_demonym(s: Sentence, lex: Lexicon, clause: Span) -> Mention | None:
    for m in s.mentions_in(*clause):
        if m.form != "demonym" and not (m.form == "name" and m.text.endswith("akh")):
            if _names_people(s, m):
                return m
            continue
        after = s.text[m.end : m.end + 30]
        if _OFFICIAL.match(after) or re.search(r"\bexcept\s+$", s.text[: m.start]):
            continue
        if m.text.endswith(("s", "ese")) or s.has(lex, "people_nouns", after[:25]):
            return m
    return None


def _origin(s: Sentence, lex: Lexicon, ctx: Context, amount: Amount, clause: Span) -> str | None:
    m = _np_origin(s, amount) or _cue_origin(s, lex, clause) or _people_demonym(s, lex, clause)
    if m is not None and m.form == "demonym":
        # "ethnic Armenians left Karabakh for Armenia": the people's name is no origin here
        left = _cue_origin(s, lex, clause)
        if left and left.code != m.code and m.code == _cue_destination(s, lex, clause, left.code):
            m = left
    if m is not None:
        listed = following_list(s.mentions, s.mentions.index(m), s.text)
        alike = [x for x in listed if (x.form == "demonym") == (m.form == "demonym")]
        return pick(m) if len({x.codes for x in alike}) == 1 else None  # mixed origins
    text = s.text[clause[0] : clause[1]]
    if ctx.mobilizer and re.search(r"(?i)conscript|draft|mobili", text):
        return ctx.mobilizer
    return ctx.origin


def _cue_destination(
    s: Sentence, lex: Lexicon, clause: Span, origin: str | None, near: int = 0
) -> str | None:
    """The place the clause sends people to: a place they reach before a place on their way on
    ("crossed into Georgia on their way to Turkey"), a named place before "the country", then
    the nearest to `near`."""
    cue = _ends(lex.language, "destination_cue_before")
    may_cue = s.may("destination_cue_before")
    mentions = s.mentions_in(*clause)
    found: list[tuple[bool, int, int, str | None]] = []  # anaphor, distance, start, code
    for i, m in enumerate(mentions):
        code = pick(m, (origin,))
        if code is None or code == origin or m.form == "group":
            continue
        if _BACKGROUND.search(s.text[max(0, m.start - 30) : m.start]):
            continue  # "since the war in Ukraine began": where the war is, not where people go
        if re.match(r"\s+border", s.text[m.end : m.end + 8]):
            found.append((m.form == "anaphor", abs(m.start - near), m.start, code))
        elif m.form != "demonym" and may_cue and cue.search(s.text[max(0, m.start - 30) : m.start]):
            nxt = mentions[i + 1] if i + 1 < len(mentions) else None
            many = nxt is not None and _MORE_PLACES.match(s.text[m.end : nxt.start])
            found.append(
                (m.form == "anaphor", abs(m.start - near), m.start, None if many else code)
            )
    if len(found) > 1:  # a place on the way on comes last
        return min(found, key=lambda f: (_onward(s, f[2]), *f[:2]))[3]
    return found[0][3] if found else None


def _onward(s: Sentence, start: int) -> bool:
    return _ONWARD.search(s.text[max(0, start - 45) : start]) is not None


# a host before its share of a count: "Germany hosted the most, with 1.2 million", "Poland with"
_HOST_WITH = re.compile(r"(?i)^(?:\s+[\w-]+){0,4}?,?\s+with\s+$")
# a host after a count whose verb is not repeated: "98,000 entered Kazakhstan, 66,000 Georgia"
_ELIDED_HOST = re.compile(r"\s*(?:,|\.|;|\s+and\b|\s+or\b|$)")


def _share_destination(
    s: Sentence,
    lex: Lexicon,
    amount: Amount,
    clause: Span,
    origin: str | None,
    amounts: list[Amount],
) -> tuple[bool, str | None]:
    """Per-host shares of one count ("went to Kazakhstan, 20,000 to Georgia", "Germany
    hosted the most, with 1.2 million, followed by Poland with 980,000"): each figure's own
    host, named just before it or after it and before the next figure; the first figure, a
    total, takes no host of a later share. (True, code) when that decides, else (False, None)."""
    if len(amounts) < 2:
        return False, None
    i = amounts.index(amount)
    prev_end = amounts[i - 1].end if i else clause[0]
    next_start = amounts[i + 1].start if i + 1 < len(amounts) else clause[1]
    code = _host_before(s, amount, prev_end, origin)
    if code or i:
        code = code or _host_after(s, lex, amount, next_start, origin)
        return code is not None, code
    ends = [*(a.start for a in amounts[2:]), clause[1]]
    if any(
        _host_before(s, a, prev.end, origin) or _host_after(s, lex, a, end, origin, near=True)
        for prev, a, end in zip(amounts, amounts[1:], ends, strict=False)
    ):
        return True, _cue_destination(s, lex, (clause[0], next_start), origin)
    return False, None


# a share's host right after its figure: "20,000 to Georgia", "1.5 million of them in Poland"
_SHARE_GAP = re.compile(r"(?i)\s+(?:[\w-]+\s+){0,2}?(?:to|in|into)\s+(?:the\s+)?")


def _host_before(s: Sentence, amount: Amount, start: int, origin: str | None) -> str | None:
    """A share's host before its figure: "Poland with 980,000", "Georgia 100,000"."""
    host = [m for m in s.mentions if start <= m.start and m.end <= amount.start]
    if host and host[-1].form == "name" and host[-1].code != origin:
        gap = s.text[host[-1].end : amount.start]
        if _HOST_GAP.match(gap) or _HOST_WITH.match(gap):
            return host[-1].code
    return None


def _host_after(
    s: Sentence, lex: Lexicon, amount: Amount, end: int, origin: str | None, near: bool = False
) -> str | None:
    """A share's host after its figure, before the next one: "20,000 to Georgia", "66,000
    Georgia"; `near`: only right beside the figure."""
    after = s.mentions_in(amount.end, end)
    if not after:
        return None
    gap = s.text[amount.end : after[0].start]
    if after[0].form == "name" and after[0].code != origin and not gap.strip():
        return after[0].code if _ELIDED_HOST.match(s.text, after[0].end) else None
    if near and not _SHARE_GAP.fullmatch(gap):
        return None
    return _cue_destination(s, lex, (amount.end, end), origin, amount.end)


def _destination(
    s: Sentence,
    lex: Lexicon,
    ctx: Context,
    amount: Amount,
    clause: Span,
    origin: str | None,
    amounts: list[Amount],
) -> str | None:
    host = [m for m in s.mentions if m.end <= amount.start and m.form == "name"]
    if host and _HOST_GAP.match(s.text[host[-1].end : amount.start]) and host[-1].code != origin:
        return host[-1].code
    shared, code = _share_destination(s, lex, amount, clause, origin, amounts)
    if shared and code:
        return code
    code = code if shared else _cue_destination(s, lex, clause, origin, amount.start)
    if code:
        return code
    for m in s.mentions:
        after = s.text[m.end : m.end + 40]
        named = m.form == "name" and _REPORTER.match(after) is not None
        officials = m.form == "demonym" and _HOST_OFFICIALS.match(after) is not None
        if officials and m.end > amount.start:  # "..., Italian officials said": arrivals only
            officials = s.has(lex, "arrival_verb", s.text[amount.end : m.start])
        if m.code != origin and (named or officials):
            return m.code
    text = s.text[clause[0] : clause[1]]
    if s.has(lex, "arrival_verb", text) or not s.has(lex, "emigration_move", text):
        return ctx.destination if ctx.destination != origin else None  # "another 1,000 arrived"
    return None


def _search(s: Sentence, lex: Lexicon, name: str, text: str) -> re.Match[str] | None:
    return lex.patterns[name].search(text) if s.may(name) else None


def _clause_amounts(s: Sentence, clause: Span) -> list[Amount]:
    text = s.text[clause[0] : clause[1]]
    including = text.find("including")
    cut = clause[0] + including if including >= 0 else -1
    return [
        a
        for a in s.amounts
        if clause[0] <= a.start < clause[1]
        and a.people
        and not a.baseline
        and a.start > cut
        and not _MILITARY_NP.match(s.text[a.end : a.end + 40])
    ]


# a count broken down by nationality: "8,000 of them Venezuelans", "including 47,000 Sudanese",
# "Of those, 1,100 were Tunisians", "the rest, some 90,000, are Lebanese", "among them"
_BREAKDOWN = re.compile(
    r"(?i)\b(?:of\s+(?:them|those|these|whom)|among\s+(?:them|those|these|whom)|including"
    r"|the\s+(?:rest|others|remainder)|mostly|mainly|largely)\b"
)
# the people of a share named after its figure: "of them Venezuelans", "were Tunisians", ", are"
_SHARE_PEOPLE = re.compile(
    r"(?i),?\s+(?:(?P<of>of\s+(?:them|those|these|whom))\s+)?(?:(?P<be>are|were|was)\s+)?"
    r"(?:(?:all|mostly|mainly|ethnic)\s+)?"
)
_INCLUDING = re.compile(r"(?i)\b(?:including|among\s+(?:them|whom))\s+$")


def _nationals(s: Sentence, lex: Lexicon, m: Mention) -> bool:
    """`m` names a people: "Venezuelans", "Sudanese refugees", "Myanmar nationals"."""
    if m.form == "name":
        return _names_people(s, m)
    if m.form != "demonym":
        return False
    return m.text.endswith(("s", "ese")) or s.has(lex, "people_nouns", s.text[m.end : m.end + 25])


def _own_people(s: Sentence, lex: Lexicon, amount: Amount) -> Mention | None:
    """The nationality a figure's own words give it: "12,000 Sudanese", "5,000 Myanmar
    nationals"; none for "12,000 people" or "12,000 migrants from Sudan"."""
    m = _np_origin(s, amount)
    return m if m is not None and _nationals(s, lex, m) else None


def _share_people(s: Sentence, lex: Lexicon, amount: Amount, total: bool) -> Mention | None:
    """The nationality of a figure that is part of a total: "8,000 of them Venezuelans",
    "including 47,000 Sudanese"; with `total` (a total was counted just before) also "1,100
    were Tunisians", "some 90,000, are Lebanese", "60,000 Sudanese refugees are among them"."""
    after = [m for m in s.mentions if amount.end <= m.start <= amount.end + 40]
    for m in after[:1]:
        gap = _SHARE_PEOPLE.fullmatch(s.text, amount.end, m.start)
        if gap and (gap.group("of") or total and gap.group("be")) and _nationals(s, lex, m):
            return m
    own = _own_people(s, lex, amount)
    if own and _INCLUDING.search(s.text[max(0, amount.start - 16) : amount.start]):
        return own
    if own and total and _BREAKDOWN.search(s.text):
        return own
    return None


def _broken_down(s: Sentence, lex: Lexicon, start: int) -> bool:
    """Whether `s` after `start` breaks a count down by nationality, with figures or not
    ("8,000 of them Venezuelans", "About 70 percent of them are Syrians")."""
    for marker in _BREAKDOWN.finditer(s.text, start):
        near = [m for m in s.mentions if marker.start() - 40 <= m.start <= marker.end() + 40]
        if any(m.start >= start and _nationals(s, lex, m) for m in near):
            return True
    return False


_OF_THE = re.compile(r"(?i)\s+(?:out\s+)?of\s+(?:the\s+|a\s+total\s+of\s+)?")
_MOVES_ON = re.compile(
    r"(?i)\b(?:head\w*|mov\w*|travell?\w*|went|going|gone|continu\w*|press\w*)\s+on\b|\bonwards?\b"
)


def _whole_of(s: Sentence, lex: Lexicon, part: Amount, whole: Amount, clause: Span) -> bool:
    """ "Venezuelans made up 8,000 of the 12,000 people who ...": `whole` counts people of
    several nationalities, `part` one of them."""
    if not _OF_THE.fullmatch(s.text, part.end, whole.start):
        return False
    return any(_nationals(s, lex, m) for m in s.mentions_in(clause[0], part.start))


def _mixed(s: Sentence, lex: Lexicon, i: int, amounts: list[Amount], clause: Span) -> bool:
    """The figure `amounts[i]`, of people of no stated nationality, is a total the sentence
    breaks down by nationality."""
    amount = amounts[i]
    return (
        _broken_down(s, lex, amount.end)
        or any(_share_people(s, lex, b, total=True) for b in amounts[i + 1 :])
        or i > 0
        and _whole_of(s, lex, amounts[i - 1], amount, clause)
    )


def _moves_on(s: Sentence, amount: Amount, amounts: list[Amount], clause: Span) -> bool:
    """A share that moves on from the destination ("3,000 of them heading on to Chile") leaves
    it again: no event."""
    i = amounts.index(amount)
    end = amounts[i + 1].start if i + 1 < len(amounts) else clause[1]
    return _MOVES_ON.search(s.text, amount.end, end) is not None


def _clause_trigger(s: Sentence, lex: Lexicon, clause: Span) -> re.Match[str] | None:
    """The words of the clause that move or host people, unless the clause states no fact."""
    text = s.text[clause[0] : clause[1]]
    trigger = _search(s, lex, "emigration_move", text) or _search(s, lex, "emigration_static", text)
    if trigger is None or s.has(lex, "blocker", text) or s.has(lex, "emigration_decoy", text):
        return None
    at = clause[0] + trigger.start()
    return None if blocked(s, lex, at, (at, at + len(trigger.group(0)))) else trigger


def _clause_events(s: Sentence, lex: Lexicon, ctx: Context, clause: Span) -> list[Finding]:
    trigger = _clause_trigger(s, lex, clause)
    if trigger is None:
        return []
    found: list[Finding] = []
    amounts = _clause_amounts(s, clause)
    for i, amount in enumerate(amounts):
        share = _share_people(s, lex, amount, total=i > 0) if i else None
        own = share or _own_people(s, lex, amount)
        if i and _moves_on(s, amount, amounts, clause):  # "3,000 of them heading on to Chile"
            continue
        if own is None and _mixed(s, lex, i, amounts, clause):  # a total of many nationalities
            origin = None
        else:
            origin = pick(share) if share else _origin(s, lex, ctx, amount, clause)
        if origin is None or origin == "EU":
            if own is None:
                ctx.total = (None, _destination(s, lex, ctx, amount, clause, None, amounts))
            continue
        destination = _destination(s, lex, ctx, amount, clause, origin, amounts)
        if (
            share
            and destination == origin
            or _part_of_last_count(s, trigger, ctx, amount, own, (origin, destination), found)
        ):
            # "of them South Sudanese" into South Sudan is home; "2,000 of them were moved to
            # shelters" lies within the flow counted before
            continue
        if found and _OF_WHOM.match(s.text, amount.end):  # "400,000 ..., 100,000 of whom stayed"
            destination = destination or found[-1].event.counterpart
        cues = [f"trigger: {trigger.group(0)}", f"from: {origin}", f"to: {destination}"]
        finding = make_finding(EventKind.EMIGRATION, origin, s, cues, destination, amount=amount)
        found.append(finding)
        if own is None:  # a count of people of no stated nationality: it may be broken down
            ctx.total = (finding, destination)
    return found


# people moved on inside the host country: "relocated 1,100 of them to other states"
_RELOCATED = re.compile(
    r"(?i)^(?:moved|relocated|transferred|taken|bused|bussed|flown|sent|resettled|dispersed)\b"
)


def _part_of_last_count(
    s: Sentence,
    trigger: re.Match[str],
    ctx: Context,
    amount: Amount,
    own: Mention | None,
    flow: tuple[str, str | None],
    found: list[Finding],
) -> bool:
    """A figure "of them", in a later sentence, moved on within the host of the flow counted
    before ("2,000 of them were moved to shelters") is a part of that count, not a count. A
    part that stays ("30,000 of them have registered residence") is a stock of its own."""
    if found or own is not None or ctx.flow is None or not _OF_WHOM.match(s.text, amount.end):
        return False
    origin, destination = flow
    last_origin, last_destination = ctx.flow
    return (
        _RELOCATED.match(trigger.group(0)) is not None
        and origin == last_origin
        and destination in (None, last_destination)
    )


def _remember(s: Sentence, lex: Lexicon, ctx: Context) -> None:
    whole = (0, len(s.text))
    m = _cue_origin(s, lex, whole) or _people_demonym(s, lex, whole)
    origin = pick(m) if m else ctx.origin
    destination = _cue_destination(s, lex, whole, origin)
    ctx.origin = origin
    ctx.destination = destination or ctx.destination


def _follow_up(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    """Another count of the flow just counted: "On Friday the figure was 7,000.", "That
    compared with 3,100 the week before." (the guidelines: counts for two days, two events)."""
    m = (
        lex.patterns["figure_follow"].search(s.text)
        if ctx.flow and s.may("figure_follow")
        else None
    )
    if m is None or ctx.flow is None or blocked(s, lex, m.start(), m.span()):
        return []
    origin, destination = ctx.flow
    clause = s.clause_at(m.start())
    people = _people_demonym(s, lex, clause)  # "Ukrainians accounted for 15,000 more"
    if people is not None and people.code != destination:
        origin = people.code
    cues = [f"trigger: {m.group(0)}", f"from: {origin}", f"to: {destination}"]
    return [
        make_finding(EventKind.EMIGRATION, origin, s, cues, destination, amount=amount)
        for amount in _clause_amounts(s, clause)
        if amount.value is not None
        and (amount.start > m.start() or _PART_OF.match(s.text[amount.end : m.start()]))
    ]


def _shares(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding] | None:
    """The sentence after a count of people of no stated nationality, when it breaks that
    count down by nationality ("Of those, 1,100 were Tunisians"; "70 percent of them are
    Syrians; the rest, some 90,000, are Lebanese"): the total was of mixed origins, so it is
    withdrawn; each nationality's figure is an event to the total's destination."""
    total, ctx.total = ctx.total, None
    if total is None or not _broken_down(s, lex, 0):
        return None
    finding, destination = total
    if finding is not None:
        ctx.withdrawn.append(finding)
    found = []
    for amount in s.amounts:
        people = _share_people(s, lex, amount, total=True) if amount.people else None
        if people is None or amount.baseline or pick(people) in (None, destination):
            continue
        origin = pick(people) or ""
        cues = [f"share of: {finding.event.evidence[:60] if finding else destination}"]
        cues += [f"from: {origin}", f"to: {destination}"]
        found.append(make_finding(EventKind.EMIGRATION, origin, s, cues, destination, amount))
    return found


def find_emigration(s: Sentence, lex: Lexicon, ctx: Context) -> list[Finding]:
    """Emigration flows and stocks stated in `s`; remembers origin and destination."""
    shares = _shares(s, lex, ctx)
    if shares:
        last = shares[-1].event
        ctx.flow = (last.country, last.counterpart)
        return shares
    if not (s.has(lex, "emigration_move", s.text) or s.has(lex, "emigration_static", s.text)):
        return _follow_up(s, lex, ctx)
    found = []
    for clause in s.clauses:
        found.extend(_clause_events(s, lex, ctx, clause))
    _remember(s, lex, ctx)
    if found:
        last = found[-1].event
        ctx.flow = (last.country, last.counterpart)
        ctx.destination = last.counterpart or ctx.destination
    return found
