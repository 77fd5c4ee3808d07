"""Combining the checks: penalties in nats, the score, the flags and what each flag means."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from fr2en.score.numerals import number_mismatch
from fr2en.score.surface import (
    _anchors,
    _final_mark,
    _length_z,
    _unbalanced,
    length_z,
    sentence_breaks,
    tandem_repeats,
)
from fr2en.score.words import (
    _EN_FUNCTION,
    _FR_FUNCTION,
    _WORD,
    Coverage,
    Token,
    _untranslated_penalty,
    coverage,
    french_words,
    gaps,
    matches,
    tokens,
)
from fr2en.types import Quality, Translation

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
    "missing_content": "a stretch of the French (words, names, numbers) has no counterpart in the English",
    "added_content": "a stretch of the English has no counterpart in the French, or it has an extra sentence",
    "unrelated": "the two sentences share almost nothing: the English may belong to another sentence",
    "number_mismatch": (
        "a number appears on one side only (changed, dropped or invented);"
        " French 2,4 / 1 000 / 14h / XIXe match English 2.4 / 1,000 / 2 pm / 19th"
    ),
    "anchor_mismatch": "a URL, e-mail address, @handle or #hashtag appears on one side only",
    "name_mismatch": (
        "a name on each side has no counterpart on the other (a name changed?); weak, named only with a low score"
    ),
    "unbalanced_brackets": "brackets or quotes are left open in the English but not in the French",
    "punctuation_mismatch": (
        "the English ends differently from the French (a lost . ? or !); named only with a low score"
    ),
    "low_model_confidence": "the model finds this English unlikely for this French (low mean token log-probability)",
    "uncertain_token": "at least one English token is very unlikely under the model",
    "hit_length_limit": "generation stopped at the length cap (a loop or a runaway output)",
    "split_long_sentence": "the French was longer than the model's window and was translated in parts",
    "unaligned_source": (
        "no English sentence corresponds to this French (left out of the translation; raised by the aligner:"
        " fr2en align, and translate --unit paragraph)"
    ),
    "unaligned_target": (
        "no French sentence corresponds to this English (added by the translation; raised by the aligner:"
        " fr2en align, and translate --unit paragraph)"
    ),
}


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
) -> Quality:
    """Score one French/English pair; ``translation`` carries the model's evidence when there is any.

    ``use_model=False`` ignores that evidence (the model-free score).
    """
    if not source.strip() and not target.strip():
        return Quality(score=1.0)
    if not target.strip() or (not _WORD.search(target) and _WORD.search(source)):
        return Quality(score=0.0, flags=("empty_output", "low_score"), signals=(("length_ratio", 0.0),))
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
    return Quality(score=round(score, 4), flags=flags, signals=tuple(signals.items()))


def score_null_link(source: str) -> Quality:
    """The verdict on a null link: French with no English (``source`` given), or English with no French."""
    return Quality(score=0.0, flags=("unaligned_source" if source else "unaligned_target",))
