"""Lexicons: the words and patterns of one language, read once from data files.

A language is supported when `lexicons/<code>.json` and `lexicons/places.<code>.json`
exist. Pattern entries are regular-expression fragments; each named group of them is
compiled into one case-insensitive alternation on word boundaries.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from monitor.model import Qualifier


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Everything detection needs to know about one language."""

    language: str
    stopwords: frozenset[str]
    prefilter: dict[str, tuple[str, ...]]  # role -> keywords, lower case
    whole_words: frozenset[str]  # prefilter keywords that must end at a word end
    gate: dict[str, tuple[frozenset[str], ...]]  # event kind -> sets of roles, any one suffices
    abbreviations: frozenset[str]
    patterns: dict[str, re.Pattern[str]]
    qualifiers: re.Pattern[str]  # a named group per Qualifier, anchored at the end
    number_phrases: dict[str, int]
    scales: dict[str, int]
    number_words: frozenset[str]
    months: dict[str, int]
    weekdays: dict[str, int]
    places: dict[str, tuple[str, ...]]  # surface form -> codes
    place_forms: dict[str, str]  # surface form -> name | demonym | metonym | region | group
    # a name that stands for several states ("Congo") -> code -> the words that pick it
    ambiguous: dict[str, dict[str, re.Pattern[str]]]

    def has(self, name: str, text: str) -> bool:
        return self.patterns[name].search(text) is not None


def _read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("monitor.detect").joinpath("lexicons").joinpath(name).read_text("utf-8")
    )
    return data


@cache
def supported_languages() -> frozenset[str]:
    """Codes of the languages that have a lexicon and a places file."""
    folder = resources.files("monitor.detect").joinpath("lexicons")
    names = {p.name for p in folder.iterdir()}
    return frozenset(n[7:-5] for n in names if n.startswith("places.") and n[7:] in names)


def compile_words(words: list[str]) -> re.Pattern[str]:
    """One alternation, longest first, on word boundaries (where the entry has word ends)."""
    parts = sorted(words, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)


def _plural(demonym: str) -> str | None:
    if demonym.endswith(("an", "i", "ot", "ak", "ech", "ar", "er", "ine", "yk", "ek")):
        return demonym + "s"
    if demonym in ("Afghan", "Kazakh", "Tajik", "Uzbek", "Turk", "Pole", "Finn", "Serb"):
        return demonym + "s"
    return None


def _places(lang: str) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    import pycountry  # a pure dataset; imported only when a lexicon is first built

    data = _read(f"places.{lang}.json")
    codes: dict[str, tuple[str, ...]] = {}
    forms: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name"):
            name = getattr(country, attr, None)
            if name and "," not in name:
                codes[name], forms[name] = (country.alpha_2,), "name"
    for form in ("names", "metonyms", "regions"):
        for name, code in data[form].items():
            codes[name], forms[name] = (code,), form.rstrip("s")
    for name, code in data["demonyms"].items():
        for variant in (name, _plural(name)):
            if variant:
                codes[variant], forms[variant] = (code,), "demonym"
    for name, group in data["groups"].items():
        codes[name], forms[name] = tuple(group), "group"
    return codes, forms


def _demonym_words(forms: dict[str, str]) -> tuple[str, ...]:
    """Plural demonyms as whole 'people' words (" russians", " sudanese")."""
    return tuple(
        " " + name.lower()
        for name, form in forms.items()
        if form == "demonym" and (name.endswith(("s", "ese")) or _same_plural(name))
    )


def _same_plural(demonym: str) -> bool:
    """Demonyms whose plural is the same word: "Rohingya", "Kyrgyz", "Burkinabe"."""
    return _plural(demonym) is None and not demonym.endswith(("ish", "ch", "e", "i"))


def _prefilter(data: dict[str, list[str]], forms: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """The keyword roles, with plural demonyms added as 'people' words."""
    roles = {role: tuple(words) for role, words in data.items()}
    roles["people"] = roles.get("people", ()) + _demonym_words(forms)
    return roles


def _qualifiers(data: dict[str, list[str]]) -> re.Pattern[str]:
    groups = []
    for name, phrases in data.items():
        Qualifier(name)  # a typo in the data file fails here, at load
        ordered = sorted(phrases, key=len, reverse=True)
        groups.append(f"(?P<{name}>" + "|".join(ordered) + ")")
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")\s*$", re.IGNORECASE)


def _ambiguous(lang: str) -> dict[str, dict[str, re.Pattern[str]]]:
    """Per ambiguous name, per code, one case-sensitive pattern of the words that pick it."""
    data = _read(f"places.{lang}.json").get("ambiguous", {})
    return {
        name: {
            code: re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w])")
            for code, words in cues.items()
        }
        for name, cues in data.items()
    }


@cache
def load_lexicon(lang: str) -> Lexicon:
    """The lexicon of `lang`, built on first use and kept."""
    data = _read(f"{lang}.json")
    codes, forms = _places(lang)
    return Lexicon(
        language=lang,
        stopwords=frozenset(data["stopwords"]),
        prefilter=_prefilter(data["prefilter"], forms),
        whole_words=frozenset(_demonym_words(forms)),
        gate={k: tuple(frozenset(x) for x in v) for k, v in data["gate"].items()},
        abbreviations=frozenset(data["abbreviations"]),
        patterns={name: compile_words(words) for name, words in data["patterns"].items()},
        qualifiers=_qualifiers(data["qualifiers"]),
        number_phrases=dict(data["number_phrases"]),
        scales=dict(data["scales"]),
        number_words=frozenset(data["number_words"]),
        months=dict(data["months"]),
        weekdays=dict(data["weekdays"]),
        places=codes,
        place_forms=forms,
        ambiguous=_ambiguous(lang),
    )
