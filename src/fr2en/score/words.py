"""Word evidence: tokens, the bundled lexicon, cognates, matches between the two sides, coverage,
the monotone chain of anchors and the unanchored stretches between them, French left in the English."""

from __future__ import annotations

import bisect
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from fr2en.score.surface import _LEN_MEAN
from fr2en.text import fold_accents

# The scorer's name for the shared folding (kept: others import it from fr2en.score).
strip_accents = fold_accents

_WORD = re.compile(r"[^\W_]+")
_FR_FUNCTION = frozenset(
    """
    le la les l un une des du de d au aux et ou mais donc ni car que qu qui quoi dont où ce cet cette
    ces ça cela ceci celui celle ceux celles lequel laquelle lesquels il ils elle elles on nous vous je
    j tu me m te t se s lui leur leurs y en ne n pas plus moins très sur sous dans par pour avec sans
    chez entre vers est sont était étaient été être avoir a ont avait avaient aura auront sera seront
    serait seraient aurait auraient ait soit sont suis es sommes êtes étais fut furent ayant étant avons
    avez fait son sa ses mon ma mes ton ta tes notre nos votre vos si comme aussi bien tout tous toute
    toutes même quand lorsque lorsqu puis cette aujourd hui ainsi afin jusqu dès d'où eux moi toi
    """.split()
)
_EN_FUNCTION = frozenset(
    """
    the a an and or but so nor for that which who whom whose what where when why how this these those it
    its he she they them his her their him we us our you your i me my is are was were be been being have
    has had do does did will would shall should can could may might must of to in on at by with from as
    into about over under after before since during while than then there here not no also very more
    most all any some each every other such only just both either neither if because although though
    whether out up down off again further once own same too s t
    """.split()
)
# Words that are function words in both languages (a, on, son...) say nothing about the language.
_FR_ONLY = _FR_FUNCTION - _EN_FUNCTION - {"son", "plus", "fait", "ma", "me", "sa", "ne", "net"}
_EN_ONLY = _EN_FUNCTION - _FR_FUNCTION
_FRENCH_LETTERS = frozenset("éèêëàâçîïôûùœ")


def _english_stem(word: str) -> str:
    """A crude English stem, enough to equate ``years``/``year`` and ``killed``/``kill``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class TranslationLexicon:
    """French word forms and stems mapped to English stems (see ``data/score_lexicon.txt``)."""

    forms: dict[str, frozenset[str]]
    stems: dict[str, frozenset[str]]

    def english(self, french: str) -> frozenset[str]:
        """English stems the accent-free French word may translate to (empty when unknown)."""
        found: set[str] = set()
        for key in (french, french[:-1] if len(french) > 3 and french[-1] in "sx" else ""):
            found.update(self.forms.get(key, ()))
        for end in range(len(french), 3, -1):
            found.update(self.stems.get(french[:end], ()))
        return frozenset(found)


# The old name, kept for code written before the segmenter's tables and this lexicon were told apart.
Lexicon = TranslationLexicon


def parse_lexicon(text: str) -> TranslationLexicon:
    """Read the ``french forms = english forms`` lines of a lexicon file."""
    forms: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#") or "=" not in line:
            continue
        left, right = line.split("=", 1)
        english = {_english_stem(strip_accents(w)) for w in right.split()}
        for french in left.split():
            key = strip_accents(french)
            target = stems if key.endswith("*") else forms
            target.setdefault(key.rstrip("*"), set()).update(english)
    return TranslationLexicon(
        {k: frozenset(v) for k, v in forms.items()}, {k: frozenset(v) for k, v in stems.items()}
    )


@lru_cache(maxsize=1)
def lexicon() -> TranslationLexicon:
    """The bundled lexicon, read once."""
    return parse_lexicon(
        files("fr2en").joinpath("data").joinpath("score_lexicon.txt").read_text(encoding="utf-8")
    )


@lru_cache(maxsize=1 << 13)
def _lexicon_stems(french: str) -> frozenset[str]:
    return lexicon().english(french)


# --- tokens ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """A word of one side: as written, accent-free, and whether it is a name (capitalised mid-sentence)."""

    text: str
    plain: str
    name: bool
    digits: bool
    start: int = 0


def tokens(text: str) -> list[Token]:
    """The words of ``text`` (letters or digits), each marked as a name or a number or neither."""
    result: list[Token] = []
    for match in _WORD.finditer(text):
        word = match.group()
        # The last character before the word that is not a space, quote, bracket or dash.
        before = match.start() - 1
        while before >= 0 and text[before] in _OPENERS:
            before -= 1
        initial = before < 0 or text[before] in ".!?:;\n"
        name = (word[0].isupper() and not initial and len(word) > 1 and not word.isupper()) or (
            word.isupper() and len(word) > 1 and word.isalpha()
        )
        result.append(Token(word, _plain_word(word), name, word.isdigit(), match.start()))
    return result


_OPENERS = frozenset(" \u00a0\u202f\"'«“‘(-–—")


@lru_cache(maxsize=1 << 13)
def _plain_word(word: str) -> str:
    # Words recur across a document's sentences: normalise each once.
    return strip_accents(word)


def _is_content(token: Token, function_words: frozenset[str]) -> bool:
    """Words that carry meaning: not function words, and long enough not to match by chance."""
    if token.digits or token.name:
        return True
    return token.text.lower() not in function_words and len(token.plain) >= 3


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _lcs(a: str, b: str) -> int:
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b):
            current.append(previous[j] + 1 if x == y else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def cognates(french: str, english: str) -> bool:
    """Whether two accent-free words look like the same word: a shared start or mostly the same letters.

    French é- often stands for English s- (état/state, école/school, étude/study).
    """
    if french == english:
        return True
    if (
        french[:1] == "e"
        and english[:1] == "s"
        and len(french) >= 4
        and (_similar(french[1:], english) or _similar("s" + french[1:], english))
    ):
        return True
    return _similar(french, english)


def _similar(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 4 or len(b) < 4 or a[0] != b[0]:
        return False
    prefix = _common_prefix(a, b)
    if prefix >= 4 and prefix * 2 >= min(len(a), len(b)):
        return True
    return abs(len(a) - len(b)) <= 3 and 2 * _lcs(a, b) >= 0.75 * (len(a) + len(b))


@dataclass(frozen=True)
class Coverage:
    """How much of each side's content has a counterpart on the other side (weights, not counts)."""

    source_total: float
    source_matched: float
    target_total: float
    target_matched: float

    @property
    def source(self) -> float:
        """Matched share of the French content; 1.0 when there is none."""
        return self.source_matched / self.source_total if self.source_total else 1.0

    @property
    def target(self) -> float:
        """Matched share of the English content; 1.0 when there is none."""
        return self.target_matched / self.target_total if self.target_total else 1.0


def _weight(token: Token) -> float:
    # Names and numbers survive translation almost always, so missing ones say more than a missing word.
    return 2.0 if token.name or token.digits else 1.0


def matches(source: Sequence[Token], target: Sequence[Token]) -> list[tuple[int, int]]:
    """Every (French index, English index) of words that may translate each other.

    A match is an identical token (names, numbers), a cognate, or a lexicon pair.
    """
    stems = [_english_stem(t.plain) for t in target]
    # Only words with the same initial can be equal or cognates (French é- also meets English s-),
    # and lexicon pairs are found by stem: index the English both ways rather than try every pair.
    by_initial: dict[str, list[int]] = {}
    by_stem: dict[str, list[int]] = {}
    for j, english in enumerate(target):
        by_initial.setdefault(english.plain[:1], []).append(j)
        by_stem.setdefault(stems[j], []).append(j)
    found: list[tuple[int, int]] = []
    for i, french in enumerate(source):
        translations = _lexicon_stems(french.plain) if not french.digits else frozenset()
        candidates = set(by_initial.get(french.plain[:1], ()))
        if french.plain[:1] == "e":
            candidates.update(by_initial.get("s", ()))
        for stem in translations:
            candidates.update(by_stem.get(stem, ()))
        for j in sorted(candidates):
            english = target[j]
            if (
                french.plain == english.plain
                or (not french.digits and not english.digits and cognates(french.plain, english.plain))
                or stems[j] in translations
            ):
                found.append((i, j))
    return found


def coverage(source: Sequence[Token], target: Sequence[Token], found: Sequence[tuple[int, int]]) -> Coverage:
    """How much content of each side takes part in ``found`` matches."""
    matched_source = [False] * len(source)
    matched_target = [False] * len(target)
    for i, j in found:
        matched_source[i] = matched_target[j] = True
    source_content = [
        (t, m) for t, m in zip(source, matched_source, strict=True) if _is_content(t, _FR_FUNCTION)
    ]
    target_content = [
        (t, m) for t, m in zip(target, matched_target, strict=True) if _is_content(t, _EN_FUNCTION)
    ]
    return Coverage(
        source_total=sum(_weight(t) for t, _ in source_content),
        source_matched=sum(_weight(t) for t, m in source_content if m),
        target_total=sum(_weight(t) for t, _ in target_content),
        target_matched=sum(_weight(t) for t, m in target_content if m),
    )


def monotone_chain(found: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest run of matches increasing on both sides: anchors that keep the word order.

    Translation between French and English is mostly monotone, so stray matches (a cognate that
    happens to occur twice) fall out and what is left marks corresponding places in the two sentences.
    """
    points = sorted(set(found), key=lambda p: (p[0], -p[1]))
    tails: list[int] = []
    tail_index: list[int] = []
    previous: list[int | None] = [None] * len(points)
    for k, (_, j) in enumerate(points):
        position = bisect.bisect_left(tails, j)
        if position == len(tails):
            tails.append(j)
            tail_index.append(k)
        else:
            tails[position] = j
            tail_index[position] = k
        previous[k] = tail_index[position - 1] if position else None
    chain: list[tuple[int, int]] = []
    cursor = tail_index[-1] if tail_index else None
    while cursor is not None:
        chain.append(points[cursor])
        cursor = previous[cursor]
    return chain[::-1]


def gaps(
    source: str,
    target: str,
    src_tokens: Sequence[Token],
    tgt_tokens: Sequence[Token],
    found: Sequence[tuple[int, int]],
) -> tuple[float, float]:
    """The largest stretch of English with no French counterpart, and of French with no English, in chars.

    Between consecutive anchors (and before the first and after the last), the English should be about
    as long as the French stretch predicts; what it has beyond that was added, what it lacks was dropped.
    """
    ratio = math.exp(_LEN_MEAN)
    bounds = [(0, 0)]
    bounds += [(src_tokens[i].start, tgt_tokens[j].start) for i, j in monotone_chain(found)]
    bounds.append((len(source), len(target)))
    added = dropped = 0.0
    for (s1, t1), (s2, t2) in itertools.pairwise(bounds):
        excess = (t2 - t1) - ratio * (s2 - s1)
        added, dropped = max(added, excess), max(dropped, -excess / ratio)
    return added, dropped


def french_words(target: Sequence[Token]) -> tuple[int, int]:
    """How many of the English's telling words are French (function words, accented words; names
    aside) and how many are English function words."""
    french = sum(
        1
        for t in target
        if not t.name and (t.text.lower() in _FR_ONLY or any(c in _FRENCH_LETTERS for c in t.text.lower()))
    )
    english = sum(1 for t in target if t.text.lower() in _EN_ONLY)
    return french, english


def _untranslated_penalty(french: int, english: int) -> float:
    """Evidence of French left in the English, by share (a copied sentence) or by count (a copied
    clause in a long sentence). The share is smoothed so that a two-word English with one
    French-looking word stays near zero; two French words occur in about one human English sentence
    in 400, three in one in 3500."""
    share = french / (french + english + 2)
    return max(max(0.0, share - 0.12) * 14.0, max(0.0, 1.5 * (french - 1) - 0.5))
