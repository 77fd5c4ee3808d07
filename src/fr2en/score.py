"""Per-pair quality: one confidence in 0..1 and named flags that say where to look twice.

Signals (each kept by name in :attr:`~fr2en.types.Scores.signals`):

- ``logprob``: the model's mean log-probability per token of its own output; ``exp(logprob)`` is the
  geometric-mean token probability, the model's confidence.
- ``length_ratio``: English characters over French characters. French is usually a little longer
  than English, so the expected ratio is about 0.9; far from it suggests a dropped or added clause.
"""

from __future__ import annotations

import math

from fr2en.types import Scores, Translation

SCORER = "fr2en-qe/1"
# Typical English/French character ratio in news text, and how far from it a pair may stray unflagged.
EXPECTED_LENGTH_RATIO = 0.9
LENGTH_RATIO_TOLERANCE = 1.8

FLAG_DESCRIPTIONS = {
    "low_score": "the combined score is below the threshold",
    "empty_output": "the English is empty while the French is not",
    "length_ratio": "the English is much shorter or longer than the French usually gives",
    "hit_length_limit": "generation stopped at the length cap (a loop or a runaway output)",
    "split_long_sentence": "the French was longer than the model's window and was translated in parts",
    "unaligned_source": "no English sentence corresponds to this French (left out of the translation)",
    "unaligned_target": "no French sentence corresponds to this English (added by the translation)",
}


def length_factor(ratio: float) -> float:
    """1.0 within the tolerated band around the expected ratio, falling smoothly outside it."""
    if ratio <= 0:
        return 0.0
    distance = abs(math.log(ratio / EXPECTED_LENGTH_RATIO)) - math.log(LENGTH_RATIO_TOLERANCE)
    return math.exp(-2.0 * max(0.0, distance))


def score_null_link(source: str) -> Scores:
    """The verdict on a null link: French with no English (``source`` given), or English with no French."""
    return Scores(score=0.0, flags=("unaligned_source" if source else "unaligned_target",))


def score_pair(source: str, target: str, translation: Translation | None, threshold: float) -> Scores:
    """Score one French/English pair; ``translation`` carries the model's evidence when there is any."""
    signals: list[tuple[str, float]] = []
    flags: list[str] = []
    source_chars = len(source.strip())
    target_chars = len(target.strip())
    if source_chars == 0 and target_chars == 0:
        return Scores(score=1.0)
    if target_chars == 0:
        return Scores(score=0.0, flags=("empty_output", "low_score"), signals=(("length_ratio", 0.0),))
    ratio = target_chars / max(source_chars, 1)
    signals.append(("length_ratio", round(ratio, 4)))
    score = length_factor(ratio)
    if score < 1.0 and abs(math.log(ratio / EXPECTED_LENGTH_RATIO)) > math.log(LENGTH_RATIO_TOLERANCE):
        flags.append("length_ratio")
    if translation is not None and translation.logprob is not None:
        signals.append(("logprob", round(translation.logprob, 4)))
        if translation.min_logprob is not None:
            signals.append(("min_logprob", round(translation.min_logprob, 4)))
        score *= math.exp(translation.logprob)
    if translation is not None and translation.hit_limit:
        flags.append("hit_length_limit")
        score *= 0.5
    if translation is not None and translation.parts > 1:
        flags.append("split_long_sentence")
        signals.append(("parts", float(translation.parts)))
    score = min(1.0, max(0.0, score))
    if score < threshold:
        flags.append("low_score")
    return Scores(score=round(score, 4), flags=tuple(flags), signals=tuple(signals))
