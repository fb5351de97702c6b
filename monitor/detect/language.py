"""Which language a text is in: script first, then function words."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from itertools import islice

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OTHER_SCRIPT = re.compile(
    r"[\u0370-\u03ff\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u3040-\u9fff\uac00-\ud7af]"
)
_NOT_LATIN = re.compile(r"[\u0370-\u1fff\u3040-\uffff]")
UNKNOWN = "und"


@cache
def _data() -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """word -> the languages it is a function word of; script letters per language."""
    path = resources.files("monitor.detect").joinpath("lexicons").joinpath("languages.json")
    data = json.loads(path.read_text("utf-8"))
    index: dict[str, list[str]] = {}
    for lang, words in data["latin"].items():
        for word in words:
            index.setdefault(word, []).append(lang)
    return {w: tuple(langs) for w, langs in index.items()}, dict(data["cyrillic_marks"])


@cache
def _english_only() -> re.Pattern[str]:
    """English function words that are no function word of another listed language."""
    index, _ = _data()
    words = sorted(w for w, langs in index.items() if langs == ("en",))
    return re.compile(r"\b(?:" + "|".join(words) + r")\b")


def _cyrillic(text: str) -> str:
    _, marks = _data()
    lowered = text.lower()
    for lang, letters in marks.items():
        if any(ch in lowered for ch in letters):
            return lang
    return "ru"


def guess_language(text: str) -> str:
    """An ISO 639-1 code, or 'und' when the text gives too little to tell."""
    head = text[:400]
    if _NOT_LATIN.search(head):
        if len(_CYRILLIC.findall(head)) > 10:
            return _cyrillic(text)
        if len(_OTHER_SCRIPT.findall(head)) > 10:
            return UNKNOWN
    lowered = head[:300].lower()
    if sum(1 for _ in islice(_english_only().finditer(lowered), 4)) == 4:
        return "en"  # the fast path for the common case: stops at the fourth hit
    index, _ = _data()
    scores: dict[str, int] = {}
    words = _WORD.findall(lowered)
    for word in words[:50]:
        for lang in index.get(word, ()):
            scores[lang] = scores.get(lang, 0) + 1
    english = scores.get("en", 0)
    best = max(scores, key=lambda lang: scores[lang], default="en")
    if scores.get(best, 0) >= 2 and scores[best] > english:
        return best
    if english >= 2 or len(words) < 20:
        return "en"  # a headline alone: read it as English rather than drop it
    return UNKNOWN
