"""Plain text from feed HTML, split into sentences and clauses."""

from __future__ import annotations

import html
import re

_TAG = re.compile(r"<[^>]{0,2000}>")
_BLOCK_TAG = re.compile(r"</?(?:p|br|div|li|h[1-6]|tr|blockquote)\b[^>]{0,2000}>", re.IGNORECASE)
_DOTS = re.compile(r"([.!?][\"”’]?)(?:\s*\.)+(?=\s|$)")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# A sentence ends at . ! ? (and closing quotes), before a space and an upper-case letter,
# a digit or an opening quote.
_BOUNDARY = re.compile(r"([.!?]['\"”’)]*)\s+(?=[\"“‘'(]?[A-Z0-9])")
_CLAUSE = re.compile(
    r"\s*(?:;|,\s*while\b|,\s*whereas\b|,\s*but\b|\bwhile\b(?=\s+(?:the|some|about|around|more|over|\d))"
    r"|,\s*(?=(?:(?:most|many|some|all|half) of (?:them|whom) )?(?:warning|adding|saying|noting"
    r"|urging|stressing|arguing|cautioning|hoping|trying|attempting|desperate)\b)"
    r"|\s+(?=(?:that|which)\s+(?:would|could|may|might|allows?|gives?|lets?|enables?|empowers?"
    r"|authori[sz]es)\b)"
    r"|,?\s+and\s+(?=(?:would|will|shall|has|had|did|does|could|may|might|must|should"
    r"|said|says)\s)"
    # a second report: "said that ... had been completed and that no further ... were planned"
    r"|\s+and\s+(?=that\s)"
    # a new speaker: ", and the government said it could not take in more"
    r"|,\s+and\s+(?=(?:the|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:said|says|added|warned"
    r"|insisted|stressed)\b))\s*"
)
_WORD_BEFORE = re.compile(r"[\w.]+$")


def clean_text(raw: str) -> str:
    """Feed HTML to one line of text: tags dropped, entities decoded, spaces collapsed.

    Thin and no-break spaces between digits become plain spaces, so '300 000' reads
    as one number.
    """
    if "<" in raw:
        raw = _SCRIPT.sub(" ", raw)
        raw = _BLOCK_TAG.sub(". ", raw)
        raw = _TAG.sub(" ", raw)
    if "&" in raw:
        raw = html.unescape(raw)
    text = " ".join(raw.split())  # every space, no-break and thin ones too, becomes one
    if "." in text:
        text = _DOTS.sub(r"\1", text).lstrip(". ")
    return " ".join(text.split())


def _ends_with_abbreviation(chunk: str, abbreviations: frozenset[str]) -> bool:
    match = _WORD_BEFORE.search(chunk[-24:])  # a search for "$" reads the whole chunk
    if match is None:
        return False
    word = match.group(0).rstrip(".")
    if len(word) == 1 and word.isupper():  # an initial: "Vladimir V. Putin"
        return True
    return word in abbreviations or word.split(".")[-1] in abbreviations


def split_sentences(text: str, abbreviations: frozenset[str]) -> tuple[str, ...]:
    """Sentences of `text`; a period after an abbreviation ('Sept.', 'U.S.') ends none."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        head = text[start : match.start() + 1]
        if match.group(1).startswith(".") and _ends_with_abbreviation(
            text[start : match.start()], abbreviations
        ):
            continue
        sentences.append(head.strip() + match.group(1)[1:])
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return tuple(s for s in sentences if s)


def split_clauses(sentence: str) -> tuple[tuple[int, str], ...]:
    """(offset, text) of the clauses of a sentence, split at ';', ', while', ', but', before
    a trailing report (', warning that ...') and a second verb ('... and would not ...')."""
    clauses: list[tuple[int, str]] = []
    start = 0
    for match in _CLAUSE.finditer(sentence):
        if match.start() > start:
            clauses.append((start, sentence[start : match.start()]))
        start = match.end()
    if start < len(sentence):
        clauses.append((start, sentence[start:]))
    return tuple(clauses)
