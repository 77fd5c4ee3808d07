"""Per-pair quality: one calibrated confidence in 0..1, named flags, and reference metrics.

The score is reference-free quality estimation. Each check returns a *penalty*: the evidence, in nats
(natural-log odds), that the pair is damaged. The score is the logistic of a prior minus their sum::

    score = 1 / (1 + exp(-(PRIOR - sum(penalties))))        PRIOR = 3.0

It reads naive-Bayes style as "the chance that this pair needs no second look": each penalty is set
near the log-likelihood ratio of its measurement between damaged and clean pairs (a number changed
happens in about one human pair in 200 and in most damaged ones: 5 nats), and a check that sees
nothing costs nothing. So a pair with no evidence against it scores sigmoid(3) ≈ 0.95, one with
3 nats against it 0.5 (the default threshold), 5 nats ≈ 0.12. ``benchmarks/quality.py`` measures how
well this separates human pairs from corrupted ones. The checks (flag names in ``code``):

Model-free, for any model, the tiny one, or none:

- ``too_short`` / ``too_long``: the English/French character ratio against the expected fr→en ratio
  (e^-0.14 ≈ 0.87 in news), as a z-score whose spread shrinks with length (Gale & Church): one nat
  per deviation beyond 1.5.
- ``missing_content`` / ``added_content``: words that may translate each other are matched across
  the pair (identical tokens such as names and numbers; cognates such as stratégie/strategy,
  saison/season, état/state; a small bundled lexicon of frequent non-cognates, jour/day, ville/city);
  the longest increasing chain of matches anchors the two sentences, and the largest stretch of one
  side with no counterpart between anchors is measured. A stretch that explains an odd length is
  strong evidence of a dropped clause or an invented one; a second English sentence for one French
  sentence adds 2 nats.
- ``unrelated``: the matched share of each side's content, as a tempered binomial log-likelihood
  ratio between translations (about half matched) and unrelated sentences (about 6%); the weaker
  side counts, since only a misalignment leaves both sides unsupported.
- ``untranslated``: French function words or French-accented words in the English (copied source).
- ``repetition``: a word or phrase repeated back to back more than in the French (a loop).
- ``number_mismatch``: numbers on one side only, each read with its language's conventions (French
  2,4 = 2.4; 1 000 and 12 000 = 1,000 and 12,000; 14h = 2 pm; XIXe = 19th; deux = two; 3 millions =
  3,000,000); numbers spelled out may answer digits but are never required.
- ``anchor_mismatch``: URLs, e-mail addresses, @handles and #hashtags on one side only.
- ``name_mismatch``: a name (capitalised mid-sentence) on each side with no counterpart on the other:
  weak (0.7 nat), since translated names do it too; named only with a low score.
- ``unbalanced_brackets``: brackets or quotes left open in the English but not in the French.
- ``punctuation_mismatch``: a sentence-final . ? ! lost or changed (small: named only with a low score).

The model's own evidence, when a model made the English (``translate``) or force-decoded it
(``score``): ``low_model_confidence`` from the mean token log-probability, ``uncertain_token`` from
the lowest one, ``hit_length_limit`` when generation stopped at the cap. Their scale follows the
glass-box QE literature (Fomicheva et al. 2020) rather than a measurement here, since the real model
cannot be run offline; the tiny test model's random weights make every pair look doubtful.

An empty English for a non-empty French scores 0 (``empty_output``). A check raises its flag when
its penalty alone reaches ``FLAG_PENALTY`` (2.5 nats); below the threshold the pair also gets
``low_score``, and when no single check was enough, the checks that pulled it down are named.
:data:`FLAG_DESCRIPTIONS` says what each flag means; the raw measurements and each nonzero penalty
(``penalty_<flag>``) are kept in :attr:`~fr2en.types.Scores.signals`.

Reference metrics (:func:`corpus_metrics`, :func:`sentence_metrics`) wrap sacrebleu, imported lazily.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Any

from fr2en.types import Metric, Scores, Translation

SCORER = "fr2en-qe/2"
# Log-odds of a pair with no evidence against it: sigmoid(3.0) ≈ 0.95.
PRIOR = 3.0
# A check whose penalty reaches this raises its flag even when the total stays above the threshold.
FLAG_PENALTY = 2.5
# Checks whose whole penalty is smaller but still worth naming on its own (rare in human pairs).
_FLAG_AT = {"unbalanced_brackets": 1.0}
# No single check may say more than this: past it the score is ~0 anyway, and the signals stay readable.
_MAX_PENALTY = 12.0

FLAG_DESCRIPTIONS: dict[str, str] = {
    "low_score": "the combined score is below the threshold: look at this pair twice",
    "empty_output": "the English is empty while the French is not",
    "untranslated": "the English still reads as French (the source copied, or part of it left untranslated)",
    "repetition": "a word or phrase repeats back to back, more than in the French (a generation loop)",
    "too_short": "the English is much shorter than the French usually gives: something may be missing",
    "too_long": "the English is much longer than the French usually gives: something may be added",
    "missing_content": "much of the French (words, names, numbers) has no counterpart in the English",
    "added_content": "much of the English (words, names, numbers) has no counterpart in the French",
    "unrelated": "the two sentences share almost nothing: the English may belong to another sentence",
    "number_mismatch": "a number appears on one side only (changed, dropped or invented)",
    "anchor_mismatch": "a URL, e-mail address, @handle or #hashtag appears on one side only",
    "name_mismatch": "a name on each side has no counterpart on the other (a name changed?)",
    "unbalanced_brackets": "brackets or quotes are left open in the English but not in the French",
    "punctuation_mismatch": "the English ends differently from the French (a lost . ? or !)",
    "low_model_confidence": "the model finds this English unlikely for this French (low mean token log-prob)",
    "uncertain_token": "at least one English token is very unlikely under the model",
    "hit_length_limit": "generation stopped at the length cap (a loop or a runaway output)",
    "split_long_sentence": "the French was longer than the model's window and was translated in parts",
    "unaligned_source": "no English sentence corresponds to this French (left out of the translation)",
    "unaligned_target": "no French sentence corresponds to this English (added by the translation)",
}

# Expected log(English chars / French chars) and its spread: var = _LEN_VAR_FLOOR + _LEN_VAR_SCALE/chars.
# Measured on newstest2013 (3000 human pairs): mean -0.139; sd 0.27 under 40 chars, 0.12 over 200.
_LEN_MEAN = -0.14
_LEN_VAR_FLOOR = 0.008
_LEN_VAR_SCALE = 2.2

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

_CLOSERS = "\"'»”’)]}› \u00a0\u202f"
_BRACKET_PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"))
_URLISH = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@#])[@#][^\W_][\w]*")


def strip_accents(text: str) -> str:
    """Lowercase ``text`` without accents or ligatures: ``États`` → ``etats``, ``œuvre`` → ``oeuvre``."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


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
class Lexicon:
    """French word forms and stems mapped to English stems (see ``score_lexicon.txt``)."""

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


def parse_lexicon(text: str) -> Lexicon:
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
    return Lexicon({k: frozenset(v) for k, v in forms.items()}, {k: frozenset(v) for k, v in stems.items()})


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The bundled lexicon, read once."""
    return parse_lexicon(files("fr2en").joinpath("score_lexicon.txt").read_text(encoding="utf-8"))


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


# --- numbers -----------------------------------------------------------------------------------

_SPACES = " \u00a0\u202f\u2009\u2007"
_SPACE_GROUPED = rf"\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?!\d)"
_NUMBER = re.compile(rf"(?<![\d,.])(?:{_SPACE_GROUPED}(?:,\d+)?|\d+(?:[.,]\d+)*)")
# XIXe siècle, Ier; at least one of I, V, X so that the words Le and Ce are not read as 50 and 100.
_FR_ROMAN_ORDINAL = re.compile(r"\b(?=[IVXLC]*[IVX])([IVXLC]+)(?:e|è|ème|eme|er|re)\b")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SCALES = {
    "mille": 1e3,
    "milles": 1e3,
    "millier": 1e3,
    "milliers": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "thousand": 1e3,
    "thousands": 1e3,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
    "trillion": 1e12,
    "trillions": 1e12,
}
_FR_NUMBER_WORDS: dict[str, float] = {
    "un": 1,
    "une": 1,
    "premier": 1,
    "première": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
    "cent": 100,
    "mille": 1000,
    "million": 1e6,
    "millions": 1e6,
    "milliard": 1e9,
    "milliards": 1e9,
    "douzaine": 12,
    "dizaine": 10,
    "dizaines": 10,
    "vingtaine": 20,
    "trentaine": 30,
    "quarantaine": 40,
    "cinquantaine": 50,
    "centaine": 100,
    "centaines": 100,
    "millier": 1000,
    "milliers": 1000,
    "millième": 1000,
    "centième": 100,
    "moitié": 0.5,
    "demi": 0.5,
    "demie": 0.5,
    "deuxième": 2,
    "second": 2,
    "seconde": 2,
    "troisième": 3,
    "quatrième": 4,
    "cinquième": 5,
    "dixième": 10,
    "quart": 0.25,
    "tiers": 1 / 3,
    "double": 2,
    "deux-tiers": 2 / 3,
}
_EN_NUMBER_WORDS = {
    "one": 1,
    "first": 1,
    "two": 2,
    "second": 2,
    "three": 3,
    "third": 3,
    "four": 4,
    "fourth": 4,
    "five": 5,
    "fifth": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "tenth": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1e6,
    "billion": 1e9,
    "dozen": 12,
    "dozens": 12,
    "decade": 10,
    "decades": 10,
    "hundreds": 100,
    "thousands": 1000,
    "millions": 1e6,
    "half": 0.5,
    "quarter": 0.25,
    "twice": 2,
    "double": 2,
    "both": 2,
    "pair": 2,
    "couple": 2,
    "once": 1,
    "single": 1,
    "a": 1,
    "an": 1,
    "century": 100,
    "centuries": 100,
    "percent": 100,
    "per": 100,
    "thousandth": 1000,
    "hundredth": 100,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "eleventh": 11,
    "twelfth": 12,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twentieth": 20,
    "twenties": 20,
    "thirties": 30,
    "forties": 40,
    "fifties": 50,
    "sixties": 60,
}


# Number words that always mean the number: a changed one ("three" for "quatre") is a changed number.
_REQUIRED_NUMBER_WORDS = frozenset(
    """
    trois quatre cinq sept huit dix onze douze treize quatorze quinze seize vingt trente quarante
    cinquante soixante three four five seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen twenty thirty forty fifty sixty seventy eighty ninety
    """.split()
)


_TENS = "dix|vingt|trente|quarante|cinquante|soixante|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = (
    "un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|onze|douze|treize|quatorze|quinze|seize"
    "|one|two|three|four|five|six|seven|eight|nine"
)
# dix-sept, vingt-et-un, soixante-dix, quatre-vingt(s), quatre-vingt-dix, forty-two.
_COMPOUND = re.compile(
    rf"\b(?:quatre[- ]vingts?(?:[- ](?:{_UNITS}))?|(?:{_TENS})[- ](?:et[- ])?(?:{_UNITS}))\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Number:
    """A number on one side: the values it may stand for, and whether the other side must show it.

    Digits and unambiguous number words (trois, seventeen) are ``required``; words that are often
    something else (un/a, second, neuf, both, a couple) may answer a number but need no answer.
    """

    values: frozenset[float]
    required: bool
    text: str


_SPACE_CHARS = re.compile(f"[{_SPACES}]")
# Thousands grouped by the first separator, then maybe decimals after the other one.
_GROUPED = tuple(
    (sep, other, re.compile(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+(?:{re.escape(other)}\d+)?"))
    for sep, other in ((",", "."), (".", ","))
)
_PLAIN_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


@lru_cache(maxsize=1 << 11)
def _parse_number(raw: str, french: bool) -> frozenset[float]:
    """The values a written number may mean; both when its separators are ambiguous (2,500)."""
    compact = _SPACE_CHARS.sub("", raw)
    readings: list[str] = []
    # French writes 2,5 for 2.5 and groups thousands with spaces (or dots); English the other way
    # round. Copy-edited text mixes the two, so a comma or dot before exactly three digits is read
    # both ways.
    for sep, other, grouped in _GROUPED:
        if grouped.fullmatch(compact):
            readings.append(compact.replace(sep, "").replace(other, "."))
    native, foreign = ("," if french else "."), ("." if french else ",")
    if _PLAIN_NUMBER.fullmatch(compact) and (native in compact or not readings):
        readings.append(compact.replace(native, ".").replace(foreign, "."))
    values: set[float] = set()
    for reading in readings:
        try:
            values.add(float(reading))
        except ValueError:
            continue
    return frozenset(values)


def _roman(text: str) -> int | None:
    values = [_ROMAN[c] for c in text]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if 0 < total < 400 else None


def _aliases(value: float, after: str, french: bool) -> set[float]:
    """Every value a number may stand for in the other language: scaled, 24-hour clock, percent."""
    aliases = {round(value, 6)}
    following = _WORD.match(after.lstrip(_SPACES))
    scale = _SCALES.get(following.group().lower()) if following else None
    if scale:
        aliases.add(round(value * scale, 6))
    if 1900 <= value < 2100 and value == int(value):
        aliases.add(value % 100)  # the 1980s, les années 80
    is_time = (french and re.match(r"[ \u00a0]?h(?:eures?)?\b|[ \u00a0]?h\d", after)) or (
        not french and re.match(r"[ \u00a0]?(?:a\.?m\b|p\.?m\b|o'clock)", after.lower())
    )
    if is_time and 0 <= value <= 24:
        aliases.update({value % 12, value % 12 + 12, 12.0 if value % 12 == 0 else value % 12})
    return aliases


def numbers(text: str, french: bool) -> list[Number]:
    """The numbers of one side, in digits and in words, as sets of the values each may stand for."""
    found: list[Number] = []
    for match in _NUMBER.finditer(text):
        values: set[float] = set()
        for value in _parse_number(match.group(), french):
            values |= _aliases(value, text[match.end() :], french)
        if values:
            found.append(Number(frozenset(values), True, match.group()))
    if french:
        for match in _FR_ROMAN_ORDINAL.finditer(text):
            roman = _roman(match.group(1))
            if roman is not None:
                found.append(Number(frozenset({float(roman)}), True, match.group()))
    words = _FR_NUMBER_WORDS if french else _EN_NUMBER_WORDS
    compounds = list(_COMPOUND.finditer(text))
    for match in compounds:
        # dix-sept, vingt-et-un, forty-two: the sum is the number, its parts need no counterpart.
        parts = [words.get(w.lower(), 0.0) for w in _WORD.findall(match.group()) if w.lower() != "et"]
        if match.group().lower().startswith("quatre"):  # quatre-vingt-dix = 4 × 20 + 10
            parts = [80, *parts[2:]]
        found.append(Number(frozenset({float(sum(parts))}), True, match.group()))
    inside = {i for m in compounds for i in range(m.start(), m.end())}
    for match in _WORD.finditer(text):
        spelled = words.get(match.group().lower())
        if spelled is not None:
            values = _aliases(float(spelled), text[match.end() :], french)
            required = match.group().lower() in _REQUIRED_NUMBER_WORDS and match.start() not in inside
            found.append(Number(frozenset(values), required, match.group()))
    return found


def number_mismatch(source: str, target: str) -> tuple[list[str], list[str]]:
    """Numbers (digits, unambiguous words) on one side with no counterpart (digits or words) on the other.

    Returns (French numbers missing from the English, English numbers not in the French).
    """
    french, english = numbers(source, True), numbers(target, False)

    def unmatched(side: list[Number], other: list[Number]) -> list[str]:
        pool = frozenset().union(*(n.values for n in other)) if other else frozenset()
        return [n.text for n in side if n.required and not (n.values & pool)]

    return unmatched(french, english), unmatched(english, french)


# --- other checks ------------------------------------------------------------------------------


def length_z(source: str, target: str) -> float:
    """How many standard deviations the English length strays from what the French predicts."""
    return _length_z(len(source.strip()), len(target.strip()))


def _length_z(source_chars: float, target_chars: float) -> float:
    spread = math.sqrt(_LEN_VAR_FLOOR + _LEN_VAR_SCALE / max(source_chars, 1.0))
    return (math.log(max(target_chars, 1.0) / max(source_chars, 1.0)) - _LEN_MEAN) / spread


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


def tandem_repeats(words: Sequence[str], longest: int = 60) -> int:
    """Words that repeat the unit just before them (``the the``, ``of the city of the city``).

    Units up to ``longest`` words: a whole sentence said twice is a loop too, and the cap keeps a
    pathological one-line document from costing cubic time.
    """
    # A unit of ``size`` words repeats where ``size`` words in a row equal the word ``size`` after
    # them; a run of such equalities ending at k marks words k+1 .. k+size, counted by differences.
    marks = [0] * (len(words) + 1)
    for size in range(1, min(len(words) // 2, longest) + 1):
        run = 0
        for k in range(len(words) - size):
            run = run + 1 if words[k] == words[k + size] else 0
            if run >= size:
                marks[k + 1] += 1
                marks[k + size + 1] -= 1
    return sum(depth > 0 for depth in itertools.accumulate(marks[:-1]))


# A sentence ends at . ! ? … (closing quotes allowed) before a capital; not after an initial or a title.
_SENTENCE_BREAK = re.compile(
    # The lookahead first: it fails fast at the many places with no mark at all.
    r"(?=[.!?…])(?<!\b[A-Za-z])(?<!\bMr)(?<!\bMrs)(?<!\bMs)(?<!\bDr)(?<!\bSt)(?<!\bMme)(?<!\bMlle)(?<!\bvs)(?<!\bNo)"
    r"[.!?…]+[\"'»”’)]*\s+[\"'«“‘(]*[A-ZÀ-Ý]"
)


def sentence_breaks(text: str) -> int:
    """How many times one sentence ends and another starts inside ``text``."""
    return len(_SENTENCE_BREAK.findall(text))


def _final_mark(text: str) -> str:
    stripped = text.rstrip(_CLOSERS)
    return stripped[-1] if stripped and stripped[-1] in ".?!…" else ""


def _unbalanced(text: str) -> int:
    count = sum(abs(text.count(a) - text.count(b)) for a, b in _BRACKET_PAIRS)
    return count + text.count('"') % 2


def _anchors(text: str) -> set[str]:
    return {m.group().rstrip(".,;:!?)").lower() for m in _URLISH.finditer(text)}


# --- combining ---------------------------------------------------------------------------------


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -50 else 0.0


def model_free_penalties(source: str, target: str) -> tuple[dict[str, float], dict[str, float]]:
    """The model-free checks: (penalty per flag name, named raw measurements)."""
    src_tokens, tgt_tokens = tokens(source), tokens(target)
    penalties: dict[str, float] = {}
    signals: dict[str, float] = {}

    z = length_z(source, target)
    signals["length_ratio"] = round(len(target.strip()) / max(len(source.strip()), 1), 4)
    signals["length_z"] = round(z, 3)
    # Beyond one and a half deviations, each further one is about one nat of evidence.
    penalties["too_short"] = max(0.0, -z - 1.5)
    penalties["too_long"] = max(0.0, z - 1.5)

    french, english = french_words(tgt_tokens)
    signals["french_words"] = float(french)
    penalties["untranslated"] = _untranslated_penalty(french, english)

    words_tgt = [t.plain for t in tgt_tokens]
    words_src = [t.plain for t in src_tokens]
    loop = max(0, tandem_repeats(words_tgt) - tandem_repeats(words_src))
    signals["repeated_words"] = float(loop)
    # Back-to-back repeats are rare in human English (about one pair in 400) unless the French has them.
    penalties["repetition"] = 0.0 if loop == 0 else 2.5 + 0.5 * loop

    found = matches(src_tokens, tgt_tokens)
    cover = coverage(src_tokens, tgt_tokens, found)
    signals["coverage_fr"] = round(cover.source, 3)
    signals["coverage_en"] = round(cover.target, 3)
    penalties["unrelated"] = _unrelated_penalty(cover)

    added, dropped = gaps(source, target, src_tokens, tgt_tokens, found)
    signals["added_chars"] = round(added, 1)
    signals["dropped_chars"] = round(dropped, 1)
    extra_sentences = max(0, sentence_breaks(target) - sentence_breaks(source))
    stretch_added, stretch_dropped = _stretch_penalty(len(source), len(target), added, dropped)
    # A second English sentence for one French sentence: about one human pair in 170.
    penalties["added_content"] = stretch_added + 2.0 * extra_sentences
    penalties["missing_content"] = stretch_dropped

    # A name on each side with no counterpart on the other looks like a name changed. Weak evidence:
    # translated names (Pékin/Beijing) do it in about one human pair in 20; small, so never alone a flag.
    names_src = _unmatched_names(src_tokens, {i for i, _ in found}, _FR_FUNCTION)
    names_tgt = _unmatched_names(tgt_tokens, {j for _, j in found}, _EN_FUNCTION)
    penalties["name_mismatch"] = 0.7 if names_src and names_tgt else 0.0

    missing, extra = number_mismatch(source, target)
    signals["numbers_missing"] = float(len(missing))
    signals["numbers_extra"] = float(len(extra))
    # In human pairs a number changed (one missing, one extra) happens about once in 200: about 5 nats.
    penalties["number_mismatch"] = (
        5.0 if missing and extra else 2.5 * min(len(extra), 2) + 1.5 * min(len(missing), 2)
    )

    anchors_src, anchors_tgt = _anchors(source), _anchors(target)
    penalties["anchor_mismatch"] = 3.0 * len(anchors_src ^ anchors_tgt)

    penalties["unbalanced_brackets"] = 1.0 if _unbalanced(target) > _unbalanced(source) else 0.0
    end_src, end_tgt = _final_mark(source), _final_mark(target)
    # A lost final mark is a common trace of truncation; . and … are interchangeable.
    same_end = end_src == end_tgt or (bool(end_src and end_tgt) and {end_src, end_tgt} <= {".", "…"})
    penalties["punctuation_mismatch"] = 0.0 if same_end else 0.8
    return penalties, signals


def _unmatched_names(side: Sequence[Token], matched: set[int], function_words: frozenset[str]) -> int:
    return sum(
        1 for k, t in enumerate(side) if t.name and k not in matched and t.text.lower() not in function_words
    )


def _stretch_penalty(
    source_chars: float, target_chars: float, added: float, dropped: float
) -> tuple[float, float]:
    """Evidence that the largest unanchored English stretch was added, and the French one dropped.

    Two views, summed: (1) under the normal length model, the log-likelihood ratio of "that stretch
    is extra" against "nothing is extra" is (z² − z'²)/2, where z' is the deviation once the stretch is
    taken out, so a stretch that does not explain an odd length counts for nothing; (2) human
    translations rarely leave more than 40 characters unanchored (95th percentile), so each 30 beyond
    20 adds a nat. One nat is taken off for the prior doubt that anything was added at all.
    """
    z = _length_z(source_chars, target_chars)
    z_added = _length_z(source_chars, target_chars - added)
    z_dropped = _length_z(source_chars - dropped, target_chars)
    explained_added = (z * z - z_added * z_added) / 2.0 if z > 0 else 0.0
    explained_dropped = (z * z - z_dropped * z_dropped) / 2.0 if z < 0 else 0.0
    return (
        max(0.0, explained_added + max(0.0, added - 20.0) / 30.0 - 1.0),
        max(0.0, explained_dropped + max(0.0, dropped - 20.0) / 30.0 - 1.0),
    )


def _unrelated_penalty(cover: Coverage) -> float:
    """Evidence from the matched shares: a binomial log-likelihood ratio, tempered for dependence.

    Human translations match about half of each side's content weight; unrelated sentences about one
    part in twenty. The log ratio of those two binomials over the content weight, scaled by 0.65
    because the words of a sentence are not independent, is the evidence that the side is unsupported;
    the weaker of the two sides counts, since only unrelated sentences leave both unsupported.
    """
    clean, chance = 0.5, 0.06

    def evidence(total: float, matched: float) -> float:
        if total <= 0:
            return 0.0
        llr = matched * math.log(clean / chance) + (total - matched) * math.log((1 - clean) / (1 - chance))
        return max(0.0, -0.65 * llr)

    return min(
        evidence(cover.source_total, cover.source_matched), evidence(cover.target_total, cover.target_matched)
    )


def model_penalties(translation: Translation) -> dict[str, float]:
    """The model's own evidence, as penalties.

    Marian models trained with label smoothing give their own good outputs a mean token log-probability
    of about -0.3 to -1.0; hallucinations and unrelated forced outputs fall below -2.5. The lowest token
    of a fluent, adequate output rarely falls below -8.
    """
    penalties: dict[str, float] = {}
    if translation.logprob is not None:
        penalties["low_model_confidence"] = max(0.0, -translation.logprob - 1.2) * 2.0
    if translation.min_logprob is not None:
        penalties["uncertain_token"] = max(0.0, -translation.min_logprob - 8.0) * 0.5
    if translation.hit_limit:
        penalties["hit_length_limit"] = 3.0
    return penalties


def _flag_level(name: str) -> float:
    return _FLAG_AT.get(name, FLAG_PENALTY)


def combine(
    penalties: dict[str, float], threshold: float, info: Iterable[str] = ()
) -> tuple[float, tuple[str, ...]]:
    """The score and flags from named penalties (see the module docstring)."""
    penalties = {name: min(value, _MAX_PENALTY) for name, value in penalties.items()}
    score = _sigmoid(PRIOR - sum(penalties.values()))
    flags = [name for name, value in penalties.items() if value > 0 and value >= _flag_level(name)]
    if score < threshold:
        # Below the threshold, also name what pulled the score down when no single check was enough.
        if not flags:
            ranked = sorted(penalties.items(), key=lambda kv: -kv[1])
            flags = [name for name, value in ranked if value >= 0.5][:3]
        flags.append("low_score")
    flags.extend(info)
    return score, tuple(dict.fromkeys(flags))


def score_pair(
    source: str, target: str, translation: Translation | None, threshold: float, *, use_model: bool = True
) -> Scores:
    """Score one French/English pair; ``translation`` carries the model's evidence when there is any.

    ``use_model=False`` ignores that evidence (the model-free score).
    """
    if not source.strip() and not target.strip():
        return Scores(score=1.0)
    if not target.strip() or (not _WORD.search(target) and _WORD.search(source)):
        return Scores(score=0.0, flags=("empty_output", "low_score"), signals=(("length_ratio", 0.0),))
    penalties, signals = model_free_penalties(source, target)
    info: list[str] = []
    if translation is not None and use_model:
        penalties.update(model_penalties(translation))
        if translation.logprob is not None:
            signals["logprob"] = round(translation.logprob, 4)
        if translation.min_logprob is not None:
            signals["min_logprob"] = round(translation.min_logprob, 4)
        if translation.parts > 1:
            info.append("split_long_sentence")
            signals["parts"] = float(translation.parts)
    score, flags = combine(penalties, threshold, info)
    signals.update({f"penalty_{k}": round(min(v, _MAX_PENALTY), 3) for k, v in penalties.items() if v > 0})
    return Scores(score=round(score, 4), flags=flags, signals=tuple(signals.items()))


# --- reference metrics ---------------------------------------------------------------------------


def corpus_metrics(hypotheses: Sequence[str], references: Sequence[str]) -> tuple[Metric, ...]:
    """Corpus BLEU, chrF and TER of ``hypotheses`` against one reference each, with signatures.

    An empty corpus has no metrics (sacrebleu cannot score it).
    """
    if not hypotheses:
        return ()
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF
    from sacrebleu.metrics.ter import TER

    result = []
    for name, metric in (("BLEU", BLEU()), ("chrF", CHRF()), ("TER", TER())):
        value = metric.corpus_score(list(hypotheses), [list(references)])
        result.append(Metric(name, round(float(value.score), 4), str(metric.get_signature())))
    return tuple(result)


def sentence_metrics(hypothesis: str, reference: str) -> tuple[float, float]:
    """Sentence chrF and sentence BLEU (effective order) of one hypothesis, each 0..100."""
    chrf, bleu = _sentence_scorers()
    return (
        round(float(chrf.sentence_score(hypothesis, [reference]).score), 4),
        round(float(bleu.sentence_score(hypothesis, [reference]).score), 4),
    )


@lru_cache(maxsize=1)
def _sentence_scorers() -> tuple[Any, Any]:
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    return CHRF(), BLEU(effective_order=True)


def score_null_link(source: str) -> Scores:
    """The verdict on a null link: French with no English (``source`` given), or English with no French."""
    return Scores(score=0.0, flags=("unaligned_source" if source else "unaligned_target",))
