"""Which language a text is in: script first, then function words."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_OTHER_SCRIPT = re.compile(r"[\u0370-\u03ff\u0590-\u08ff\u0900-\u0dff\u0e00-\u0fff\u3040-\u9fff\uac00-\ud7af]")
UNKNOWN = "und"


@cache
def _data() -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    path = resources.files("monitor.detect").joinpath("lexicons").joinpath("languages.json")
    data = json.loads(path.read_text("utf-8"))
    latin = {lang: frozenset(words) for lang, words in data["latin"].items()}
    return latin, dict(data["cyrillic_marks"])


def _cyrillic(text: str) -> str:
    _, marks = _data()
    lowered = text.lower()
    for lang, letters in marks.items():
        if any(ch in lowered for ch in letters):
            return lang
    return "ru"


def guess_language(text: str) -> str:
    """An ISO 639-1 code, or 'und' when the text gives too little to tell."""
    if len(_CYRILLIC.findall(text[:2000])) > 10:
        return _cyrillic(text)
    if len(_OTHER_SCRIPT.findall(text[:2000])) > 10:
        return UNKNOWN
    words = [w.lower() for w in _WORD.findall(text[:2000])]
    latin, _ = _data()
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in latin.items()}
    best = max(scores, key=lambda lang: scores[lang])
    if scores[best] >= 2 and scores[best] > scores.get("en", 0):
        return best
    if scores.get("en", 0) >= 2 or len(words) < 20:
        return "en"  # a headline alone: read it as English rather than drop it
    return UNKNOWN
