"""French sentence segmentation with character offsets.

A first, rule-based version: a candidate boundary is a run of sentence-final punctuation (closing
quotes and brackets included) followed by whitespace and something that can start a sentence. The
candidate is refused after a known abbreviation or an initial. Nothing is lost: every sentence is
an exact slice of its paragraph, and only whitespace lies between sentences.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from fr2en.types import Document, Paragraph, Sentence

SEGMENTER = "fr2en-rules/1"

# Abbreviations that end with a period but rarely end a sentence (compared lower-cased, no period).
ABBREVIATIONS = frozenset(
    """
    m mm mme mmes mlle mlles dr pr me mgr st ste cf env etc p pp art al éd vol chap fig ex av apr
    j.-c jc n no nº vs cie inc ltd co gén col cdt lt sgt adj ibid id op cit coll dir trad
    janv févr fév avr juil sept oct nov déc lun mar mer jeu ven sam dim
    """.split()
)
_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…]+|\.\.\.)(?P<close>[\s\u00a0\u202f]*[»"”’)\]]+)?(?P<gap>\s+)(?=(?P<next>["«“(\[\-–—]?\s*[A-ZÀ-ÖØ-Ý0-9]))""",
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")


def _refuses(text: str, match: re.Match[str]) -> bool:
    """True when the period at ``match`` belongs to an abbreviation or an initial."""
    if match.group("end") != ".":
        return False
    word = _WORD_BEFORE.search(text, 0, match.start())
    if word is None:
        return False
    token = word.group(1).lower().strip(".")
    if token in ABBREVIATIONS:
        return True
    # A single capital letter followed by a period is an initial ("J. Dupont"), a lower-case one an item.
    return len(token) == 1 and token.isalpha()


def segment_paragraph(text: str, start: int = 0, paragraph: int = 0) -> tuple[Sentence, ...]:
    """Split one paragraph's text into sentences; ``start`` is the paragraph's offset in its document."""
    sentences: list[Sentence] = []
    cursor = len(text) - len(text.lstrip())
    for match in _BOUNDARY.finditer(text):
        if _refuses(text, match):
            continue
        end = match.start("gap")
        if end > cursor:
            sentences.append(Sentence(text[cursor:end], start + cursor, start + end, paragraph))
        cursor = match.end("gap")
    end = len(text.rstrip())
    if end > cursor:
        sentences.append(Sentence(text[cursor:end], start + cursor, start + end, paragraph))
    return tuple(sentences)


def segment_paragraphs(paragraphs: Iterable[Paragraph]) -> tuple[Sentence, ...]:
    """Segment every paragraph, keeping offsets relative to the document."""
    return tuple(
        sentence
        for index, p in enumerate(paragraphs)
        for sentence in segment_paragraph(p.text, p.start, index)
    )


def segment(document: Document) -> tuple[Sentence, ...]:
    """All sentences of a document, in order."""
    return segment_paragraphs(document.paragraphs)
