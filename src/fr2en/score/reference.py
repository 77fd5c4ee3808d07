"""Reference metrics: corpus and sentence BLEU, chrF and TER through sacrebleu, imported lazily."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from fr2en.types import Metric


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
