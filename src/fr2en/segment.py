"""French sentence segmentation with character offsets.

One regular-expression pass finds every candidate boundary: final punctuation (``.`` ``!`` ``?``
``…`` ``;`` ``:``) with the closing quotes and brackets after it and the whitespace after those, or
a bare space before a word that only ever opens a sentence. Each candidate is judged from the word
before it and the word after it, with the French knowledge kept as data in ``fr2en/data``
(abbreviations, sentence-opening words, name particles), not as branches:

- after a period: never after a title or reference abbreviation ("M.", "cf.", "art."), nor after
  "p."/"vol."/"no" before a number; after "etc.", "févr.", "Inc." only before a capitalised word;
  after an initial ("J.", "J.-P.", "H.R.F.") only before a word that cannot continue a name ("Il");
  a list number that opens its sentence ("1. Ouvrir") is no end; after an ordinary word, before a
  capital (or a brand written with a lower-case head: "eBay", "iPhone"), a digit, an opening quote
  or a dash ("- premier point": a list item), and before a lower-case word when nothing closes
  after the period and the word cannot be an abbreviation;
- after ``?`` ``!`` or an ellipsis: before a capital or a digit (after any opening quote or bracket),
  never before a lower-case word ("Ah ! mon Dieu"), never inside brackets ("(...)", "(?)");
- after ``;``: before a capitalised sentence-opening word ("; Les prix ..."); after ``:`` or no
  punctuation at all (a heading glued to its text), only before a subject pronoun or demonstrative
  followed by a lower-case word ("Nos tarifs Ils sont ...");
- never inside a quotation that the sentence carries on after (« Je viens. Tu restes », dit-il);
  an opening quote always goes with the sentence it opens, a closing one with the sentence it ends.

Nothing is lost: every sentence is an exact slice of its paragraph, and only whitespace lies between
sentences. Soft-wrap newlines inside a paragraph count as spaces.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from fr2en.types import Document, Paragraph, Sentence

SEGMENTER = "fr2en-rules/2"

_SPACES = " \u00a0\u202f"
_OPENERS = '«“"‘([{'
_CLOSERS = '»”’)]}"'
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüÿœæAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜŸŒÆ")
# Final punctuation, closing marks (French style allows a space before » and ”), whitespace.
_PUNCTUATED = r"(?P<end>[.!?…]+|[;:])(?P<close>(?:[ \u00a0\u202f]?[»”’)\]\"])*)(?P<gap>\s+)(?=\S)"
# What opens the next sentence: quotes, brackets, dashes, an elision mark; then its first word and
# the first character of the word after that.
_NEXT = re.compile(
    r"(?P<lead>(?:\((?:\.\.\.|…)\)|\[(?:\.\.\.|…)\]|[«“\"‘(\[{–—-])\s*)*"
    r"(?P<word>[\w'’.-]*)\s*(?P<following>\S?)"
)
_CURLY_QUOTE = re.compile("[«»“”]")
_NUMBER = re.compile(r"^(?:\d+(?:[.,]\d+)*|[IVXLC]+|[ivxlc]+)$")
# Initials: "J", "J.-P", "H.R.F", "Ph.D"; dotted abbreviations: "c.-à-d", "N.B", "S.N.C.F".
_INITIALS = re.compile(r"^(?:[^\W\d_]{1,2}\.-?)*[^\W\d_]$")
_DOTTED = re.compile(r"^(?:[^\W\d_]{1,3}\.-?)+[^\W\d_]{1,3}$")
_LIST_MARKER = re.compile(r"(?:[a-z]|[ivx]{1,4}|\d{1,3})\)")
# A brand written with a lower-case head, which opens a sentence as a capital would: eBay, iPhone, iOS.
_LOWER_BRAND = re.compile(r"[a-z]{1,4}[A-Z]")
# A dash and a space that open a list item or a line of dialogue: "- premier point".
_ITEM_DASH = re.compile(r"[-–—]\s")
# Web addresses and e-mails, whose short dotted pieces ("www.rtl.fr") are no abbreviation.
_WEB = re.compile(r"^www\.|://|@|\.(?:fr|com|org|net|eu|be|ch|ca|info|io|gouv|edu|int|de|uk|it|es)$", re.I)
_SPACE = re.compile(r"\s")
_QUOTED_SENTENCE_END = re.compile(r"[.!?…]\s+(?!\")")


@dataclass(frozen=True)
class SegmenterTables:
    """The French knowledge the segmenter uses, read from the text files in ``fr2en/data``."""

    never_final: frozenset[str]
    before_number: frozenset[str]
    may_end: frozenset[str]
    starters: frozenset[str]
    bare_starters: frozenset[str]
    particles: frozenset[str]
    title_words: frozenset[str]


# The old name, kept for code written before these tables and the scorer's lexicon were told apart.
Lexicon = SegmenterTables


def _words(name: str) -> frozenset[str]:
    text = files("fr2en").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() for word in line.split("#", 1)[0].split())


@cache
def lexicon() -> SegmenterTables:
    """The segmenter's tables, read once from the package data."""
    return SegmenterTables(
        never_final=_words("abbrev_never_final.txt"),
        before_number=_words("abbrev_before_number.txt"),
        may_end=_words("abbrev_may_end.txt"),
        starters=_words("sentence_starters.txt"),
        bare_starters=_words("bare_starters.txt"),
        particles=_words("name_particles.txt"),
        title_words=_words("title_words.txt"),
    )


@cache
def _candidates() -> re.Pattern[str]:
    """Punctuated candidates, or a bare space before a word of ``bare_starters.txt``."""
    words = sorted(lexicon().bare_starters, key=len, reverse=True)
    whole = "|".join(re.escape(w) for w in words if not w.endswith("'"))
    elided = "|".join(re.escape(w[:-1]) for w in words if w.endswith("'"))
    bare = (
        r"(?<=[^\W_]|[)\]])(?P<bare>[ \u00a0\u202f]+)"
        rf"(?=(?:{whole})[ \u00a0\u202f]+[^\W_]|(?:{elided})['’][^\W\d_])"
    )
    return re.compile(f"{_PUNCTUATED}|{bare}")


def _elision(word: str) -> tuple[str, str]:
    """``("C'", "est")`` for "C'est" or "C’est"; ``(word, "")`` for a word without an elided head."""
    word = word.replace("’", "'")
    apostrophe = word.find("'")
    return (word[: apostrophe + 1], word[apostrophe + 1 :]) if apostrophe > 0 else (word, "")


def _in(word: str, table: frozenset[str]) -> bool:
    """``word`` is in ``table`` as written, or capitalised from a lower-case entry of 2+ letters."""
    if word in table:
        return True
    return len(word) > 1 and word[0].isupper() and (word[0].lower() + word[1:]) in table


@dataclass(frozen=True)
class _Next:
    """What follows a candidate boundary."""

    lead: str  # opening quotes, brackets, dashes and elision marks
    word: str
    following: str  # the first character of the word after ``word``

    @property
    def upper(self) -> bool:
        """A capital, a brand with a lower-case head ("eBay", "iPhone"), or a list marker such as
        "iii)" that opens an item."""
        return (
            self.word[:1].isupper()
            or bool(_LOWER_BRAND.match(self.word))
            or bool(_LIST_MARKER.match(self.word + self.following))
        )

    @property
    def digit(self) -> bool:
        return self.word[:1].isdigit()

    @property
    def number(self) -> bool:
        """A number, or a code reference such as "L. 121" that stands for one."""
        word = self.word
        return self.digit or (
            len(word) == 2 and word[0].isupper() and word[1] == "." and self.following.isdigit()
        )

    @property
    def lower(self) -> bool:
        return self.word[:1].islower() and not self.upper

    def opens(
        self, table: frozenset[str], particles: frozenset[str], names_ok: bool, lower_after: bool
    ) -> bool:
        """True when the word is in ``table`` (itself or its elided head, "C'" for "C'est").

        A particle ("Le", "De", "L'") may begin a name instead ("Le Monde", "De Gaulle"): with
        ``names_ok`` False it never counts, otherwise only before a lower-case word or a number, which
        ``lower_after`` requires of every word.
        """
        head, rest = _elision(self.word)
        if head not in table and head + rest not in table:
            return False
        particle = head in particles
        if particle and not names_ok:
            return False
        then = (rest or self.following)[:1]
        return not (particle or lower_after) or then.islower() or then.isdigit()


def _next_at(text: str, pos: int) -> _Next:
    match = _NEXT.match(text, pos)
    if match is None:  # pragma: no cover - the pattern matches the empty string
        return _Next("", "", "")
    return _Next(match.group("lead") or "", match.group("word"), match.group("following"))


class _Quotes:
    """The quotation marks of one paragraph, indexed on first use so that each question about a
    candidate costs a binary search, however many quotes the paragraph holds."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._curly: tuple[list[int], list[int], list[int]] | None = None
        self._straight: list[int] | None = None

    def _curly_index(self) -> tuple[list[int], list[int], list[int]]:
        """Positions of « » “ ”; for each, the innermost quotation open before it; each one's partner."""
        if self._curly is None:
            positions: list[int] = []
            enclosing: list[int] = []
            partner: list[int] = []
            stack: list[int] = []
            for index, mark in enumerate(_CURLY_QUOTE.finditer(self.text)):
                positions.append(mark.start())
                enclosing.append(stack[-1] if stack else -1)
                partner.append(-1)
                if mark.group() in "«“":
                    stack.append(index)
                elif stack:
                    partner[stack.pop()] = index
            enclosing.append(stack[-1] if stack else -1)
            self._curly = positions, enclosing, partner
        return self._curly

    def embedded(self, pos: int) -> bool:
        """True when ``pos`` lies inside a quotation that opens mid-sentence and that the sentence
        carries on after (with a comma or a lower-case word): « Je viens. Tu restes », dit-il."""
        positions, enclosing, partner = self._curly_index()
        opening = enclosing[bisect_left(positions, pos)]
        if opening < 0 or partner[opening] < 0:
            return False
        before = _char_before(self.text, positions[opening])
        after = _char_after(self.text, positions[partner[opening]] + 1)
        return before not in ".!?…" and (after in ",;)" or after.islower())

    def opens_straight(self, at: int) -> bool:
        """True when the ``"`` at ``at`` opens a quotation rather than closing the sentence before it.

        A quote spaced on both sides is judged by parity (an even number of quotes before it means
        it opens one) when the paragraph's quotes pair up. Otherwise parity means nothing, and it
        opens one only if the next quote closes within the next sentence (" Ils partent ", dit-il.).
        """
        text = self.text
        if at + 1 < len(text) and not text[at + 1].isspace():
            return True
        if at > 0 and not text[at - 1].isspace():
            return False
        if self._straight is None:
            self._straight = [m.start() for m in re.finditer('"', text)]
        index = bisect_left(self._straight, at)
        if len(self._straight) % 2 == 0:
            return index % 2 == 0
        if index + 1 >= len(self._straight):
            return False
        partner = self._straight[index + 1]
        if text[partner - 1].isspace() and text[partner + 1 : partner + 2].isalnum():
            return False  # the next quote opens a quotation of its own
        sentence_end = _QUOTED_SENTENCE_END.search(text, at + 1)
        return sentence_end is None or partner < sentence_end.start()


def _char_before(text: str, pos: int) -> str:
    """The last non-space character before ``pos``, or "." at the start (a sentence starts there)."""
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return text[pos - 1] if pos > 0 else "."


def _char_after(text: str, pos: int) -> str:
    """The first non-space character from ``pos``, or "" at the end."""
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return text[pos : pos + 1]


def _word_before(text: str, start: int, end: int) -> str:
    """The word before ``end`` (back to whitespace or ``start``) without quotes and brackets.

    Empty when a space or a closing bracket comes just before ``end`` ("TASS .", "(2572 m)."): then
    the period cannot belong to an abbreviation.
    """
    first = end
    while first > start and not text[first - 1].isspace():
        first -= 1
    token = text[first:end]
    if token[-1:] in _CLOSERS:
        return ""
    return token.lstrip(_OPENERS)


def _full_word(word: str) -> bool:
    """True when ``word`` cannot be an unknown abbreviation, so a lower-case word after its period
    starts a new sentence: a lower-case word with a vowel ("km", "sq" have none), or a capitalised
    one ending in a vowel (French abbreviations cut before a vowel: "Univ.", "Assoc.")."""
    letters = _elision(word)[1] or word
    if len(letters) < 2 or not letters.isalpha() or not _VOWELS & set(letters):
        return False
    if letters.islower():
        return True
    return len(letters) > 2 and letters[0].isupper() and letters[1:].islower() and letters[-1] in _VOWELS


def _period_ends(word: str, first_token: bool, closed: str, nxt: _Next) -> bool:
    """Judge a single period after ``word`` (empty after a space or bracket) before ``nxt``."""
    lex = lexicon()
    if not word:
        return nxt.upper or nxt.digit
    if first_token and _NUMBER.match(word):  # "1. Ouvrir le flacon", "II. Résultats"
        return False
    initials = not _WEB.search(word) and bool(_INITIALS.match(word) or _DOTTED.match(word))
    never_final = _in(word, lex.never_final)
    may_end = _in(word, lex.may_end)
    if (initials or never_final or may_end) and any(c in closed for c in ")]"):
        return nxt.upper  # "(Gruau par ex.) Ainsi": the bracket closed, a new sentence opens
    if never_final:
        return False
    if nxt.number:  # "p. 12", "vol. 3", "l'art. L. 121": an elided word is still an abbreviation
        stem = _elision(word)[1] or word
        if _in(stem, lex.before_number) or _in(stem, lex.never_final):
            return False
    if may_end:  # "le 27 févr. Elle", but "18 févr. 2025", "18 févr. (AFP) -", "etc. et"
        return nxt.upper and not any(c in nxt.lead for c in "([{–—-")
    if initials:  # "J. Dupont", "J.-P. Sartre", but "Dagobert I. Ils ..."
        return nxt.upper and not nxt.lead and nxt.opens(lex.starters, lex.particles, False, False)
    if nxt.upper or nxt.digit:
        return True
    if _ITEM_DASH.match(nxt.lead):  # "Voici la liste. - premier point": a list item opens
        return True
    # A sentence starting in lower case (web text does): only after a full word, before a word that
    # opens sentences ("il", "c'est", "pour"), so that an unknown abbreviation keeps its sentence.
    head = _elision(nxt.word)[0]
    opener = _in(head[:1].upper() + head[1:], lex.starters)
    return nxt.lower and not nxt.lead and not closed and opener and _full_word(word)


def _bare_boundary(text: str, match: re.Match[str], quotes: _Quotes) -> tuple[int, int] | None:
    """A heading or list item glued to its text: split before a pronoun that opens a sentence."""
    start = match.end("bare")
    lex = lexicon()
    if not _next_at(text, start).opens(lex.bare_starters, frozenset(), True, True):
        return None
    before = match.start("bare")
    while before > 0 and not text[before - 1].isspace() and text[before - 1] not in "'’":
        before -= 1
    if text[before : match.start("bare")].lower() in lex.title_words:
        return None  # "le film Il était une fois": a title, not a sentence
    if quotes.embedded(start):
        return None
    return match.start("bare"), start


def _boundary(text: str, match: re.Match[str], cursor: int, quotes: _Quotes) -> tuple[int, int] | None:
    """Where the sentence before ``match`` ends and the next begins, or None for no boundary."""
    if match.group("bare") is not None:
        return _bare_boundary(text, match, quotes)
    end_mark = match.group("end")
    close = match.group("close")
    end_start = match.start("end")
    sentence_end = match.end("close")
    next_start = match.end("gap")
    # A straight quote spaced on both sides may open the next sentence rather than close this one.
    quote = close.find('"')
    if quote >= 0 and quotes.opens_straight(match.start("close") + quote):
        sentence_end = match.start("close") + len(close[:quote].rstrip(_SPACES))
        next_start = match.start("close") + quote
        close = close[:quote]
    if end_start > 0 and text[end_start - 1] in "([" and close[:1] in ")]":
        return None  # "(...)", "(?)": an elision or a doubt, not an end
    if quotes.embedded(end_start):
        return None
    nxt = _next_at(text, next_start)
    lex = lexicon()
    if end_mark in ";:":
        if close or nxt.lead:
            return None
        if end_mark == ";":
            ends = nxt.opens(lex.starters, lex.particles, True, False)
        else:  # after ":" a capital may open a quotation or a list item of the same sentence
            ends = nxt.opens(lex.bare_starters, frozenset(), True, True)
    elif end_mark == ".":
        first_token = _SPACE.search(text, cursor, end_start) is None
        ends = _period_ends(_word_before(text, cursor, end_start), first_token, close.strip(_SPACES), nxt)
    else:  # "?", "!", an ellipsis, or a mix
        ends = nxt.upper or (nxt.digit and not ("." in end_mark or "…" in end_mark))
    return (sentence_end, next_start) if ends else None


def segment_paragraph(text: str, start: int = 0, paragraph: int = 0) -> tuple[Sentence, ...]:
    """Split one paragraph's text into sentences; ``start`` is the paragraph's offset in its document."""
    sentences: list[Sentence] = []
    cursor = len(text) - len(text.lstrip())
    quotes = _Quotes(text)
    for match in _candidates().finditer(text):
        if match.start() < cursor:
            continue
        found = _boundary(text, match, cursor, quotes)
        if found is None:
            continue
        end, next_start = found
        if end > cursor:
            sentences.append(Sentence(text[cursor:end], start + cursor, start + end, paragraph))
        cursor = next_start
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
