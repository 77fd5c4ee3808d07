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
(``penalty_<flag>``) are kept in :attr:`~fr2en.types.Quality.signals`.

Reference metrics (:func:`corpus_metrics`, :func:`sentence_metrics`) wrap sacrebleu, imported lazily.

The package, by concern: :mod:`~fr2en.score.words` (tokens, lexicon, cognates, matches, coverage,
unanchored stretches, French left in the English), :mod:`~fr2en.score.numerals` (numbers in digits
and words; the word tables are ``fr2en/data/number_*.txt``), :mod:`~fr2en.score.surface` (length,
repetition, punctuation, brackets, anchors), :mod:`~fr2en.score.combine` (penalties, the score, the
flags and :data:`FLAG_DESCRIPTIONS`) and :mod:`~fr2en.score.reference` (sacrebleu). Every name is
importable from ``fr2en.score`` itself.
"""

from __future__ import annotations

from fr2en.score.combine import (
    FLAG_DESCRIPTIONS,
    FLAG_PENALTY,
    PRIOR,
    SCORER,
    combine,
    model_free_penalties,
    model_penalties,
    score_null_link,
    score_pair,
)
from fr2en.score.numerals import Number, number_mismatch, numbers
from fr2en.score.numerals import _parse_number as _parse_number
from fr2en.score.reference import corpus_metrics, sentence_metrics
from fr2en.score.surface import length_z, sentence_breaks, tandem_repeats
from fr2en.score.words import (
    Coverage,
    Lexicon,
    Token,
    TranslationLexicon,
    cognates,
    coverage,
    french_words,
    gaps,
    lexicon,
    matches,
    monotone_chain,
    parse_lexicon,
    strip_accents,
    tokens,
)
from fr2en.score.words import _english_stem as _english_stem

__all__ = [
    "FLAG_DESCRIPTIONS",
    "FLAG_PENALTY",
    "PRIOR",
    "SCORER",
    "Coverage",
    "Lexicon",
    "Number",
    "Token",
    "TranslationLexicon",
    "cognates",
    "combine",
    "corpus_metrics",
    "coverage",
    "french_words",
    "gaps",
    "length_z",
    "lexicon",
    "matches",
    "model_free_penalties",
    "model_penalties",
    "monotone_chain",
    "number_mismatch",
    "numbers",
    "parse_lexicon",
    "score_null_link",
    "score_pair",
    "sentence_breaks",
    "sentence_metrics",
    "strip_accents",
    "tandem_repeats",
    "tokens",
]
