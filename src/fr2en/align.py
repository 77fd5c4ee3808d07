"""Sentence alignment between a text and its translation: n:m links, null links, confidences.

A candidate link joins a block of ``a`` source sentences with a block of ``b`` target sentences;
its score adds three pieces of evidence, all in nats, and dynamic programming picks the links, in
document order, with the highest total:

- **Shape prior**, Gale & Church's (1993): 1-1 links are usual, each extra sentence in a link makes
  it ten times rarer, and a null link (1-0 or 0-1, a sentence with no counterpart) is rarer still.
- **Length**, Gale & Church's: the target's character count is proportional to the source's, with
  a variance that grows with the length; the proportion is measured on the document itself (from
  a prior of 1, so that a one-paragraph text cannot mistake an omission for its usual ratio).
- **Lexical anchors**: a log-likelihood ratio, aligned versus unrelated, over features that survive
  translation (:func:`anchor_features`: numbers, cognates and names by their first four letters
  without accents, so ``président``/``president`` and ``économie``/``economy`` meet, acronyms,
  marked punctuation, quotes). Words count only when found on both sides of the document, so
  ``dans`` or ``with`` never weigh in; numbers and punctuation always count, since they survive
  translation into any language. Each feature of one side reappears in the other with a
  probability p, or is found by chance as often as the document says (the share of the other
  side's sentences that hold it): a rare number found on both sides is strong evidence, a missing
  feature costs log(1 - p). p is fitted to each document (moment estimate on its 1-1 links), so
  close translations and loose ones are both judged by their own standard.
  Given a machine translation of the source (``src_translated``), its features replace the
  source's: both sides are then in one language and every word, short ones too, can match.

A null link gets its prior alone, so a sentence with no lexical support and an implausible length
is left out rather than forced into a neighbour's link.

Long documents stay fast by coarse-to-fine search, as in Vecalign (Thompson & Koehn, 2019): the
document is aligned at half resolution (neighbouring sentences merged, the priors counted once
per sentence merged), recursively, and the full search then runs in a band around the coarse path.
A link's confidence is its posterior probability under the same model (forward-backward sums over
the band).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from fr2en.errors import AlignmentError
from fr2en.text import fold_accents
from fr2en.types import Link

ALIGNER = "fr2en-align/1"
# The aligner named in the signature of sentence-by-sentence translation, paired by construction.
ONE_TO_ONE = "one-to-one/1"

# The starting value of p, the probability that a feature reappears in the translation; each
# document then gets its own estimate, within 0.2..0.9 and from MIN_EVIDENCE feature occurrences.
P_TRANSLATED = 0.5
# Gale & Church's length model: the target length over the source length is proportional with a
# variance per source character. Gale & Church measured 6.8 on parliamentary text; news and
# literary prose translated sentence by sentence are closer to 2-3.
LENGTH_VARIANCE = 3.0
# The document's length ratio starts from 1 with the weight of this many characters (4-5 sentences).
RATIO_PRIOR = 500
# Gale & Church's priors: 1-1 links 0.89, one extra sentence in a link 0.1 times as likely,
# a null link 0.0099.
LOG_ONE = math.log(0.89)
LOG_EXTRA = math.log(0.1)
LOG_NULL = math.log(0.0099)
# Link shapes searched: up to MAX_SIDE sentences on a side, MAX_TOTAL in all.
MAX_SIDE = 4
MAX_TOTAL = 5
MIN_EVIDENCE = 50  # feature occurrences in 1-1 links needed to estimate p
# Coarse-to-fine search: documents up to FULL_SEARCH_CELLS cells are searched in full; longer ones
# are aligned at half resolution first, and searched within BAND sentences of that path.
FULL_SEARCH_CELLS = 1024
BAND = 3
# A link whose lengths are this many standard deviations off (a log-probability below -30)
# cannot win whatever its lexical support.
HOPELESS_Z = 7.5
_HALF_SQRT2 = math.sqrt(0.5)

_TOKEN = re.compile(
    r"(?P<number>\d+(?:[.,\u00a0\u202f ]\d{3})*(?:[.,]\d+)?)"
    r"|(?P<word>\w+)|(?P<mark>[?!:;%$€£()])|(?P<quote>[«»\"“”])"
)
_NOT_DIGIT = re.compile(r"\D")
# A sentence's (or block's) features and how often each occurs.
Bag = dict[str, int]


# Lower case without accents or ligatures (``Économie`` → ``economie``), cached: words recur.
_fold = functools.lru_cache(maxsize=65536)(fold_accents)


def anchor_features(text: str, *, short_words: bool = False) -> Bag:
    """The features of ``text`` that may survive translation between French and English, counted.

    Numbers (separators dropped: ``1 000,5``, ``1,000.5`` and ``1000.5`` all give ``#10005``), the
    first four letters of words of four letters or more, shorter words that hold a capital inside
    the sentence (names and acronyms: ``UE``, ``Bo``), marked punctuation, and quotes of any style
    as one feature. ``short_words`` keeps every shorter word too: right when both texts are in the
    same language (a machine translation against the target), where any word can match.
    """
    bag: Bag = {}
    for index, match in enumerate(_TOKEN.finditer(text)):
        kind, token = match.lastgroup, match.group()
        if kind == "number":
            feature = "#" + _NOT_DIGIT.sub("", token)
        elif kind == "word":
            if len(token) >= 4:
                feature = _fold(token)[:4]
            elif short_words or (index and not token.islower()):
                feature = _fold(token)
            else:
                continue
        elif kind == "quote":
            feature = '"'
        else:
            feature = token
        bag[feature] = bag.get(feature, 0) + 1
    return bag


def _universal(feature: str) -> bool:
    """Numbers and punctuation survive translation into any language, found on the other side or not."""
    return feature[0] == "#" or not feature[0].isalnum()


def _chars(text: str) -> int:
    return len(text) - text.count(" ")


def _merged(bags: Sequence[Bag]) -> Bag:
    """The features of consecutive sentences taken together."""
    merged = dict(bags[0])
    for bag in bags[1:]:
        for f, n in bag.items():
            merged[f] = merged.get(f, 0) + n
    return merged


@dataclass(frozen=True)
class _Side:
    """One side at one resolution: per sentence its feature counts and character length."""

    features: tuple[Bag, ...]
    lengths: tuple[int, ...]
    unit: int = 1

    def coarsen(self) -> _Side:
        """Half the resolution: sentences 2k and 2k+1 merged."""
        starts = range(0, len(self.lengths), 2)
        features = tuple(_merged(self.features[k : k + 2]) for k in starts)
        return _Side(features, tuple(sum(self.lengths[k : k + 2]) for k in starts), 2 * self.unit)


def _link_types() -> tuple[tuple[int, int], ...]:
    shapes = [(1, 0), (0, 1)]
    shapes.extend(
        (a, b) for a in range(1, MAX_SIDE + 1) for b in range(1, MAX_SIDE + 1) if a + b <= MAX_TOTAL
    )
    return tuple(shapes)


LINK_TYPES = _link_types()
# At coarse resolution a unit is already several sentences: 2:2 is enough to follow the path.
COARSE_LINK_TYPES = tuple((a, b) for a, b in LINK_TYPES if a <= 2 and b <= 2)


class _Scorer:
    """The link score of the module docstring for one pair of sides."""

    def __init__(self, src: _Side, tgt: _Side, translated: float = P_TRANSLATED) -> None:
        ns, nt = len(src.lengths), len(tgt.lengths)
        df_s = _document_frequencies(src.features)
        df_t = _document_frequencies(tgt.features)
        counted = (df_s.keys() & df_t.keys()) | {f for f in df_s.keys() | df_t.keys() if _universal(f)}
        self.src = [{f: n for f, n in bag.items() if f in counted} for bag in src.features]
        self.tgt = [{f: n for f, n in bag.items() if f in counted} for bag in tgt.features]
        # The share of source/target sentences that hold each counted feature: the chance of
        # finding it in an unrelated sentence (never quite 0).
        self.chance = {f: (max(df_s.get(f, 0), 0.5) / ns, max(df_t.get(f, 0), 0.5) / nt) for f in counted}
        self.src_blocks = _blocks(self.src)
        self.tgt_blocks = _blocks(self.tgt)
        self.cum_src = _cumulative(src.lengths)
        self.cum_tgt = _cumulative(tgt.lengths)
        # Measured on the document, from a prior of 1 worth RATIO_PRIOR characters: a short text
        # (one paragraph) cannot tell its ratio from an omission.
        self.ratio = (sum(tgt.lengths) + RATIO_PRIOR) / (sum(src.lengths) + RATIO_PRIOR)
        self.inverse_ratio = 1.0 / self.ratio
        self.deviation = math.sqrt(LENGTH_VARIANCE)
        # A unit of a coarse side stands for ``unit`` sentences: the priors count for each of them.
        self.null = LOG_NULL * src.unit
        self.shapes = LINK_TYPES if src.unit == 1 else COARSE_LINK_TYPES
        self.prior = {(a, b): (LOG_ONE + LOG_EXTRA * (a + b - 2)) * src.unit for a, b in LINK_TYPES}
        self.set_translated(translated)

    def set_translated(self, translated: float) -> None:
        """Use ``translated`` as the probability that a feature reappears in the translation."""
        self.translated = translated
        self.log_unmatched = math.log(1.0 - translated)
        # Per feature, the log-likelihood ratio of finding it on both sides of an a:b link, both
        # directions summed, at index (a - 1) * MAX_SIDE + b - 1.
        self.gain: dict[str, tuple[float, ...]] = {}
        for f, (q_src, q_tgt) in self.chance.items():
            in_tgt, in_src = _gains(translated, q_tgt), _gains(translated, q_src)
            self.gain[f] = tuple(in_tgt[b] + in_src[a] for a in range(MAX_SIDE) for b in range(MAX_SIDE))

    def score(self, i: int, a: int, j: int, b: int) -> float:
        """The score of linking source sentences i..i+a-1 with target sentences j..j+b-1."""
        if a == 0 or b == 0:
            return self.null
        # Gale & Church: the target length is ratio × the source's, variance ∝ the mean length.
        lx = self.cum_src[i + a] - self.cum_src[i]
        ly = self.cum_tgt[j + b] - self.cum_tgt[j]
        mean = 0.5 * (lx + ly * self.inverse_ratio)
        length = 0.0
        if mean > 0:
            z = abs(self.ratio * lx - ly) / (self.deviation * math.sqrt(mean))
            if z > HOPELESS_Z:
                return -math.inf
            length = math.log(math.erfc(z * _HALF_SQRT2))
        # Lexical anchors: matched features gain, unmatched ones cost log(1 - p), both directions.
        x, nx = self.src_blocks[a - 1][i]
        y, ny = self.tgt_blocks[b - 1][j]
        if len(x) > len(y):
            x, y = y, x
        index = (a - 1) * MAX_SIDE + b - 1
        gains = self.gain
        matched = 0
        gain = 0.0
        for f, n in x.items():
            other = y.get(f)
            if other:
                m = n if n < other else other
                matched += m
                gain += m * gains[f][index]
        lexical = 0.5 * (gain + (nx + ny - 2 * matched) * self.log_unmatched)
        return self.prior[a, b] + length + lexical


def _blocks(bags: Sequence[Bag]) -> list[list[tuple[Bag, int]]]:
    """For each block size 1..MAX_SIDE and each start, the block's merged features and their count."""
    sizes = []
    for size in range(1, MAX_SIDE + 1):
        merged = (_merged(bags[start : start + size]) for start in range(len(bags) - size + 1))
        sizes.append([(bag, sum(bag.values())) for bag in merged])
    return sizes


def _document_frequencies(bags: Sequence[Bag]) -> dict[str, int]:
    df: dict[str, int] = {}
    for bag in bags:
        for f in bag:
            df[f] = df.get(f, 0) + 1
    return df


def _gains(translated: float, chance: float) -> tuple[float, ...]:
    """log P(found | aligned) / P(found | unrelated) for a block of 1..MAX_SIDE sentences.

    ``chance`` is the share of the other side's sentences holding the feature. Aligned, the
    feature is translated with probability ``translated``, or else found by chance.
    """
    values = []
    for size in range(1, MAX_SIDE + 1):
        q = 1.0 - (1.0 - chance) ** size
        values.append(math.log((translated + (1.0 - translated) * q) / q))
    return tuple(values)


def _cumulative(values: Sequence[int]) -> list[int]:
    total = [0]
    for value in values:
        total.append(total[-1] + value)
    return total


def _logsumexp(values: Sequence[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


# The search band: for each row i (source sentences consumed), the columns lo..hi it may visit.
Rows = list[tuple[int, int]]
# A link found by the search: source sentences i..i+a-1, target j..j+b-1, confidence.
Found = tuple[int, int, int, int, float]
# Per cell, the links that end there: (shape index, score, start row, start column).
Arrivals = list[tuple[int, float, int, int]]


def _search(scorer: _Scorer, rows: Rows, posteriors: bool) -> list[Found]:
    """The best path through the band ``rows`` (for each i in 0..ns, the j range lo..hi inclusive).

    Returns links as (i, a, j, b, confidence): source sentences i..i+a-1 with target sentences
    j..j+b-1. The confidence is the link's posterior probability when ``posteriors`` is set (the
    forward sums are kept beside the Viterbi maxima, the backward sums computed afterwards), else 1.
    """
    shapes = scorer.shapes
    neg = -math.inf
    ns, nt = len(rows) - 1, rows[-1][1]
    best: list[list[float]] = []
    forward: list[list[float]] = []
    step: list[list[int]] = []
    arrivals: list[list[Arrivals]] = []
    for i in range(ns + 1):
        lo, hi = rows[i]
        best_row = [neg] * (hi - lo + 1)
        forward_row = [neg] * (hi - lo + 1)
        step_row = [-1] * (hi - lo + 1)
        arrival_row: list[Arrivals] = []
        best.append(best_row)
        forward.append(forward_row)
        for j in range(lo, hi + 1):
            here: Arrivals = []
            arrival_row.append(here)
            if i == 0 and j == 0:
                best_row[0] = forward_row[0] = 0.0
                continue
            top, arg = neg, -1
            for t, (a, b) in enumerate(shapes):
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                plo, phi = rows[pi]
                if not plo <= pj <= phi:
                    continue
                prev = best[pi][pj - plo]
                if prev == neg:
                    continue
                value = scorer.score(pi, a, pj, b)
                if value == neg:
                    continue
                if prev + value > top:
                    top, arg = prev + value, t
                if posteriors:
                    here.append((t, value, pi, pj))
            best_row[j - lo], step_row[j - lo] = top, arg
            if here:
                forward_row[j - lo] = _logsumexp([forward[pi][pj - rows[pi][0]] + v for _, v, pi, pj in here])
        step.append(step_row)
        arrivals.append(arrival_row)
    if step[ns][nt - rows[ns][0]] < 0:
        raise AlignmentError("no alignment found within the search band")  # pragma: no cover
    path: list[tuple[int, int, int, int]] = []
    i, j = ns, nt
    while i or j:
        a, b = shapes[step[i][j - rows[i][0]]]
        path.append((i - a, a, j - b, b))
        i, j = i - a, j - b
    path.reverse()
    if not posteriors:
        return [(i, a, j, b, 1.0) for i, a, j, b in path]
    backward = _backward(rows, arrivals)
    z = forward[ns][nt - rows[ns][0]]
    linked = []
    for i, a, j, b in path:
        end_i, end_j = i + a, j + b
        t = shapes.index((a, b))
        value = next(v for u, v, _, _ in arrivals[end_i][end_j - rows[end_i][0]] if u == t)
        value += forward[i][j - rows[i][0]] + backward[end_i][end_j - rows[end_i][0]] - z
        linked.append((i, a, j, b, math.exp(min(0.0, value))))
    return linked


def _backward(rows: Rows, arrivals: list[list[Arrivals]]) -> list[list[float]]:
    """For each cell, the log of the summed scores of every path from it to the end."""
    neg = -math.inf
    # Terms to sum per cell, pushed by the cells its links lead to (all later in this order).
    terms: list[list[list[float]]] = [[[] for _ in range(hi - lo + 1)] for lo, hi in rows]
    backward = [[neg] * (hi - lo + 1) for lo, hi in rows]
    terms[-1][-1].append(0.0)
    for i in range(len(rows) - 1, -1, -1):
        lo, hi = rows[i]
        for j in range(hi, lo - 1, -1):
            pending = terms[i][j - lo]
            if not pending:
                continue
            here = backward[i][j - lo] = _logsumexp(pending)
            for _, value, pi, pj in arrivals[i][j - lo]:
                terms[pi][pj - rows[pi][0]].append(here + value)
    return backward


def _band_around(path: Sequence[Found], ns: int, nt: int, width: int) -> Rows:
    """Rows of the fine search: within ``width`` of a coarse path mapped back to full resolution."""
    lo = [nt] * (ns + 1)
    hi = [0] * (ns + 1)
    for ci, ca, cj, cb, _ in path:
        i0, i1 = min(2 * ci, ns), min(2 * (ci + ca), ns)
        j0, j1 = min(2 * cj, nt), min(2 * (cj + cb), nt)
        for i in range(i0, i1 + 1):
            lo[i] = min(lo[i], j0)
            hi[i] = max(hi[i], j1)
    rows = []
    for i in range(ns + 1):
        # Widen in both directions, in rows and in columns: a coarse error of one step is cheap.
        a = max(0, i - width)
        b = min(ns, i + width)
        rows.append((max(0, min(lo[a : b + 1]) - width), min(nt, max(hi[a : b + 1]) + width)))
    rows[0] = (0, rows[0][1])
    rows[ns] = (rows[ns][0], nt)
    return rows


def _estimate_translated(scorer: _Scorer, path: Sequence[Found]) -> float:
    """The probability that a feature reappears in the translation, measured on the path's 1-1 links.

    Each feature occurrence of a linked pair is found in the partner with probability
    p + (1 - p) q, q its chance of being found anyway; solving for p over all occurrences gives the
    moment estimate. Kept within 0.2..0.9 so that neither finding nor missing a feature is ever
    certain; without enough evidence the starting value stays.
    """
    found = occurrences = by_chance = 0.0
    for i, a, j, b, _ in path:
        if a != 1 or b != 1:
            continue
        x, y = scorer.src[i], scorer.tgt[j]
        for bag, other, side in ((x, y, 1), (y, x, 0)):
            for f, n in bag.items():
                found += min(n, other.get(f, 0))
                occurrences += n
                by_chance += n * scorer.chance[f][side]
    if occurrences < MIN_EVIDENCE:
        return scorer.translated
    estimate = (found - by_chance) / max(occurrences - by_chance, 1e-9)
    return min(0.9, max(0.2, estimate))


def _align(src: _Side, tgt: _Side, top: bool = True) -> tuple[list[Found], float]:
    """Coarse-to-fine search; returns the path and the translation probability fitted on it.

    The probability that a feature reappears in the translation is fitted to the document once:
    on the half-resolution path when there is one, else on a first full search.
    """
    ns, nt = len(src.lengths), len(tgt.lengths)
    if (ns + 1) * (nt + 1) <= FULL_SEARCH_CELLS or ns < 2 or nt < 2:
        rows = [(0, nt)] * (ns + 1)
        scorer = _Scorer(src, tgt)
        first = _search(scorer, rows, posteriors=False)
        translated = _estimate_translated(scorer, first)
        if not top:
            return first, translated
        scorer.set_translated(translated)
    else:
        coarse, translated = _align(src.coarsen(), tgt.coarsen(), top=False)
        rows = _band_around(coarse, ns, nt, BAND)
        scorer = _Scorer(src, tgt, translated)
    return _search(scorer, rows, posteriors=top), translated


def align_sentences(
    src: Sequence[str], tgt: Sequence[str], *, src_translated: Sequence[str] | None = None
) -> list[Link]:
    """Align source sentences with target sentences: n:m links in document order, null links included.

    Every sentence of each side is in exactly one link; a link with an empty side is a sentence left
    untranslated (``tgt == ()``) or added by the translator (``src == ()``). ``score`` is the link's
    posterior probability under the alignment model, in 0..1. ``src_translated``, a machine
    translation of each source sentence into the target language, makes the comparison monolingual
    and more reliable (see the module docstring).
    """
    if src_translated is not None and len(src_translated) != len(src):
        raise AlignmentError(
            f"src_translated has {len(src_translated)} sentences for {len(src)} source sentences; "
            "give one translation per source sentence"
        )
    if not src or not tgt:
        return [Link((i,), (), 1.0) for i in range(len(src))] + [Link((), (j,), 1.0) for j in range(len(tgt))]
    same_language = src_translated is not None
    compared = src_translated if src_translated is not None else src
    source = _Side(
        tuple(anchor_features(s, short_words=same_language) for s in compared), tuple(map(_chars, src))
    )
    target = _Side(tuple(anchor_features(t, short_words=same_language) for t in tgt), tuple(map(_chars, tgt)))
    return [
        Link(tuple(range(i, i + a)), tuple(range(j, j + b)), round(confidence, 4))
        for i, a, j, b, confidence in _align(source, target)[0]
    ]


def align_one_to_one(src: Sequence[str], tgt: Sequence[str]) -> list[Link]:
    """Pair sentence i with sentence i; both sides must have the same number of sentences."""
    if len(src) != len(tgt):
        raise AlignmentError(
            f"cannot pair {len(src)} French sentences one-to-one with {len(tgt)} English ones"
        )
    return [Link((i,), (i,), 1.0) for i in range(len(src))]
