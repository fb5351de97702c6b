"""The period a sentence speaks of, resolved against the entry's published date."""

from __future__ import annotations

import re
from datetime import date, timedelta

from monitor.detect.lexicon import Lexicon

Period = tuple[date | None, date | None]
_NONE: Period = (None, None)
_DAY = r"(?P<{n}d>\d{{1,2}})(?:st|nd|rd|th)?"
_MONTH = r"(?P<{n}m>[A-Z][a-z]{{2,8}})\.?"
_YEAR = r"(?:,?\s+(?P<{n}y>(?:19|20)\d\d))?"


def _date_pattern(n: str) -> str:
    md = _MONTH.format(n=n) + r"\s+" + _DAY.format(n=n)
    dm = _DAY.format(n=n + "x") + r"\s+" + _MONTH.format(n=n + "x")
    return rf"(?:{md}|{dm}){_YEAR.format(n=n)}"


_RANGE = re.compile(
    r"\b(?:from|between)\s+(?:the\s+\w+\s+of\s+)?"
    + _date_pattern("a")
    + r"\s+(?:to|and|until|-|–)\s+(?:the\s+\w+\s+of\s+)?(?:"
    + _date_pattern("b")
    + r"|(?P<bd2>\d{1,2})(?:,?\s+(?P<by2>(?:19|20)\d\d))?)\b"
)
_SINCE = re.compile(r"\bsince\s+(?:" + _date_pattern("a") + r"|(?P<wd>[A-Z][a-z]+day))\b")
_LAST = re.compile(
    r"\b(?:in\s+)?(?:the\s+)?(?:last|past)\s+(?:(?P<n>\d+|two|three|four|five|six|seven|ten)\s+)?"
    r"(?P<unit>days?|weeks?|months?)\b",
    re.IGNORECASE,
)
_FIRST_WEEK = re.compile(r"\bin the first week(?: of (?P<m>[A-Z][a-z]+))?\b")
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "ten": 10}


def _make(lex: Lexicon, m: re.Match[str], n: str, published: date | None) -> date | None:
    groups = m.groupdict()
    day = groups.get(f"{n}d") or groups.get(f"{n}xd")
    month_name = groups.get(f"{n}m") or groups.get(f"{n}xm")
    month = lex.months.get((month_name or "").lower())
    year_text = groups.get(f"{n}y")
    if not (day and month):
        return None
    if year_text:
        year = int(year_text)
    elif published is not None:
        year = published.year
    else:
        return None
    try:
        found = date(year, month, int(day))
    except ValueError:
        return None
    if not year_text and published is not None and found > published + timedelta(days=31):
        found = found.replace(year=year - 1)
    return found


def _range(lex: Lexicon, m: re.Match[str], published: date | None) -> Period:
    start = _make(lex, m, "a", published)
    end = _make(lex, m, "b", published)
    if end is None and start is not None and m.group("bd2"):
        year = int(m.group("by2")) if m.group("by2") else start.year
        try:
            end = date(year, start.month, int(m.group("bd2")))
        except ValueError:
            end = None
        if m.group("by2"):
            start = start.replace(year=year)
    return (start, end) if start and end and start <= end else _NONE


def _weekday_before(lex: Lexicon, name: str, published: date) -> date | None:
    weekday = lex.weekdays.get(name.lower())
    if weekday is None:
        return None
    back = (published.weekday() - weekday) % 7
    return published - timedelta(days=back or 7)


def find_period(sentence: str, lex: Lexicon, published: date | None) -> Period:
    """(start, end) stated or inferable in `sentence`; (None, None) when unknown."""
    lowered = sentence.lower()  # plain substring tests first: most sentences give no period
    m = _RANGE.search(sentence) if "from " in lowered or "between " in lowered else None
    if m:
        return _range(lex, m, published)
    if published is None:
        return _NONE
    m = _SINCE.search(sentence) if "since " in sentence else None
    if m:
        start = _make(lex, m, "a", published)
        if m.group("wd"):
            start = _weekday_before(lex, m.group("wd"), published)
        return (start, published) if start and start <= published else _NONE
    m = _LAST.search(sentence) if "last " in lowered or "past " in lowered else None
    if m:
        count = _SMALL.get(m.group("n") or "", 0) or int(m.group("n") or 1)
        unit = m.group("unit").lower().rstrip("s")
        days = count * {"day": 1, "week": 7, "month": 30}[unit]
        return (published - timedelta(days=days), published)
    m = _FIRST_WEEK.search(sentence) if "first week" in sentence else None
    if m:
        month = lex.months.get((m.group("m") or "").lower()) or published.month
        year = published.year if month <= published.month else published.year - 1
        return (date(year, month, 1), date(year, month, 7))
    return _NONE
