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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations that end with a period but rarely end a sentence (compared lower-cased, no period).
ABBREVIATIONS = _words(
    """
    m mm mme mmes mlle mlles dr pr me mgr st ste cf env etc p pp art al éd vol chap fig ex av apr
    j.-c jc n no nº vs cie inc ltd co gén col cdt lt sgt adj ibid id op cit coll dir trad
    janv févr fév avr juil sept oct nov déc lun mar mer jeu ven sam dim
    """
)
# The same for English text (the other side of an alignment, or a model's English to be split).
ENGLISH_ABBREVIATIONS = _words(
    """
    mr mrs ms dr prof st jr sr rev hon gen col lt sgt capt cmdr gov sen rep messrs mt ft
    vs etc cf e.g i.e al approx dept est fig no nos vol ch pp inc ltd co corp bros
    jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n
    """
)
ABBREVIATIONS_BY_LANGUAGE = {"fr": ABBREVIATIONS, "en": ENGLISH_ABBREVIATIONS}
_BOUNDARY = re.compile(
    r"""(?P<end>[.!?…]+|\.\.\.)(?P<close>[\s\u00a0\u202f]*[»"”’)\]]+)?(?P<gap>\s+)(?=(?P<next>["«“(\[\-–—]?\s*[A-ZÀ-ÖØ-Ý0-9]))""",
    re.VERBOSE,
)
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")


def _refuses(text: str, match: re.Match[str], abbreviations: frozenset[str]) -> bool:
    """True when the period at ``match`` belongs to an abbreviation or an initial."""
    if match.group("end") != ".":
        return False
    word = _WORD_BEFORE.search(text, 0, match.start())
    if word is None:
        return False
    token = word.group(1).lower().strip(".")
    if token in abbreviations:
        return True
    # A single capital letter followed by a period is an initial ("J. Dupont"), a lower-case one an item.
    return len(token) == 1 and token.isalpha()


def _abbreviations(language: str) -> frozenset[str]:
    try:
        return ABBREVIATIONS_BY_LANGUAGE[language]
    except KeyError:
        raise ValueError(f"no sentence rules for language {language!r}") from None


def segment_paragraph(
    text: str, start: int = 0, paragraph: int = 0, language: str = "fr"
) -> tuple[Sentence, ...]:
    """Split one paragraph's text into sentences; ``start`` is the paragraph's offset in its document."""
    abbreviations = _abbreviations(language)
    sentences: list[Sentence] = []
    cursor = len(text) - len(text.lstrip())
    for match in _BOUNDARY.finditer(text):
        if _refuses(text, match, abbreviations):
            continue
        end = match.start("gap")
        if end > cursor:
            sentences.append(Sentence(text[cursor:end], start + cursor, start + end, paragraph))
        cursor = match.end("gap")
    end = len(text.rstrip())
    if end > cursor:
        sentences.append(Sentence(text[cursor:end], start + cursor, start + end, paragraph))
    return tuple(sentences)


def segment_paragraphs(paragraphs: Iterable[Paragraph], language: str = "fr") -> tuple[Sentence, ...]:
    """Segment every paragraph, keeping offsets relative to the document."""
    return tuple(
        sentence
        for index, p in enumerate(paragraphs)
        for sentence in segment_paragraph(p.text, p.start, index, language)
    )


def segment(document: Document, language: str = "fr") -> tuple[Sentence, ...]:
    """All sentences of a document, in order; ``language`` (``fr`` or ``en``) picks the abbreviations."""
    return segment_paragraphs(document.paragraphs, language)
