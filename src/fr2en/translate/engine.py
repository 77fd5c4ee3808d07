"""The part of translating that every backend shares: plan, tokenise, batch, run, rejoin.

A backend only says how to run planned batches of source pieces through its model
(:data:`RunBatches`); everything else — whitespace clean-up, deduplication, the window split, batching
by a token budget, progress, and putting results back in input order — happens here, identically.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from fr2en.config import ModelSettings
from fr2en.translate import Progress
from fr2en.translate.batching import BatchLimits, UnitResult, plan_batches, plan_work, rejoin
from fr2en.translate.vocab import MarianVocab
from fr2en.types import Translation

# On a CPU, hypotheses (sentences × beam) per batch beyond which the cost per sentence stops falling
# or rises, for both backends, greedy and beam 4 (benchmarks/batch_size.py): the vocabulary-wide
# scores of a bigger batch no longer fit the caches. A GPU wants bigger batches.
CPU_BATCH_HYPOTHESES = 64
# On a GPU a batch costs about the same per decoding step whatever its size until the device is full
# (each step is a few dozen small kernels and the host's bookkeeping), so a GPU batch holds this many
# times the CPU's tokens and sentences, up to GPU_BATCH_HYPOTHESES hypotheses (sentences × beam).
# Near 1,000 hypotheses the full-size model in float16 needs ~2 GB (decoder cache and one step's
# vocabulary-wide scores), within any CUDA GPU fr2en would run on. Not yet tuned on a GPU: docs/gpu.md.
GPU_BATCH_SCALE = 8
GPU_BATCH_HYPOTHESES = 1024

# Runs batches of source pieces (each piece list ends with end-of-sentence) in the order given and
# yields each batch's results, one per row, as soon as that batch is done.
RunBatches = Callable[[list[list[list[str]]]], Iterator[list[UnitResult]]]


def available_cores() -> int:
    """CPU cores this process may run on (its affinity mask, not the whole machine)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def device_batch_shape(
    settings: ModelSettings, device: str, *, per_beam: bool
) -> tuple[ModelSettings, int, int]:
    """The batch shape for ``device``: (settings with its batch sizes, token budget, hypothesis cap).

    On a CPU, ``batch_tokens`` and ``max_batch_sentences`` as set and at most
    :data:`CPU_BATCH_HYPOTHESES` hypotheses; on CUDA, both times :data:`GPU_BATCH_SCALE` and at most
    :data:`GPU_BATCH_HYPOTHESES`. ``per_beam`` divides the token budget by the beam size (the torch
    backend's beam search keeps vocabulary-wide scores for every hypothesis; CTranslate2 need not).
    """
    if device == "cuda":
        settings = replace(
            settings,
            batch_tokens=settings.batch_tokens * GPU_BATCH_SCALE,
            max_batch_sentences=settings.max_batch_sentences * GPU_BATCH_SCALE,
        )
        hypotheses = GPU_BATCH_HYPOTHESES
    else:
        hypotheses = CPU_BATCH_HYPOTHESES
    beam = max(1, settings.beam)
    budget = max(settings.batch_tokens // beam, 1) if per_beam else settings.batch_tokens
    return settings, budget, hypotheses


def forced_length_settings(settings: ModelSettings, tokens: int | None) -> ModelSettings:
    """``settings`` with every generation cap exactly ``tokens`` (benchmarks only; None: unchanged).

    The cap is ``ratio × source tokens + margin``: a zero ratio and a margin of ``tokens`` make it
    ``tokens`` for every sentence, in every backend, without touching their generation code.
    """
    if tokens is None:
        return settings
    return replace(settings, max_new_tokens_ratio=0.0, max_new_tokens_margin=tokens)


def batch_limits(
    settings: ModelSettings,
    *,
    budget_tokens: int | None = None,
    workers: int = 1,
    max_hypotheses: int | None = CPU_BATCH_HYPOTHESES,
) -> BatchLimits:
    """The limits of one model batch (see :func:`translate_sentences` for the arguments)."""
    beam = max(1, settings.beam)
    budget = budget_tokens or max(settings.batch_tokens // beam, 1)
    most = settings.max_batch_sentences
    if max_hypotheses is not None:
        most = max(1, min(most, max_hypotheses // beam))
    return BatchLimits(budget, most, max(1, workers))


def backend_limits(settings: ModelSettings, device: str, *, per_beam: bool, workers: int = 1) -> BatchLimits:
    """The limits of one model batch of a backend on ``device`` (see :func:`device_batch_shape`)."""
    sized, budget, hypotheses = device_batch_shape(settings, device, per_beam=per_beam)
    return batch_limits(sized, budget_tokens=budget, workers=workers, max_hypotheses=hypotheses)


def translate_planned(
    batches: Sequence[Sequence[str]],
    *,
    vocab: MarianVocab,
    settings: ModelSettings,
    window: int,
    run_batches: RunBatches,
    limits: BatchLimits,
) -> Iterator[list[Translation]]:
    """Translate planned batches of sentences; yields each batch's Translations, in order, as it is done.

    What a planned batch gets depends on its sentences only, never on the other batches: its
    sentences are cleaned, deduplicated and cut to the window as in :func:`translate_sentences`,
    and its units go to the model by themselves (in more than one model batch only when cut
    sentences overflow ``limits``). All the batches' model batches are handed to ``run_batches`` in
    one stream, so a backend that runs batches side by side stays busy.
    """
    plans = [plan_work(batch, vocab.count, window - 1) for batch in batches]
    model_batches: list[list[list[str]]] = []
    owners: list[tuple[int, list[int]]] = []
    for number, plan in enumerate(plans):
        pieces = [vocab.pieces(unit) for unit in plan.units]
        for rows in plan_batches([len(p) for p in pieces], limits.budget_tokens, limits.max_sentences):
            model_batches.append([pieces[i] for i in rows])
            owners.append((number, rows))
    outputs = iter(run_batches(model_batches)) if model_batches else iter(())
    position = 0
    for number, plan in enumerate(plans):
        results: list[UnitResult] = [UnitResult("")] * len(plan.units)
        while position < len(owners) and owners[position][0] == number:
            for index, result in zip(owners[position][1], next(outputs), strict=True):
                results[index] = result
            position += 1
        yield rejoin(plan, results)


class PlannedTranslator:
    """What both backends' translators do the same way: sentences, or planned batches, go through
    the one batching engine and its batches through the backend's :meth:`_run_batches`.

    A backend sets ``vocab``, ``settings``, ``device`` and ``window`` and implements
    :meth:`_run_batches`; ``per_beam`` says whether beam search divides its token budget (see
    :func:`device_batch_shape`), ``workers`` how many batches it decodes side by side.
    """

    vocab: MarianVocab
    settings: ModelSettings
    device: str
    window: int
    per_beam = True
    workers = 1

    def _run_batches(self, batches: list[list[list[str]]]) -> Iterator[list[UnitResult]]:
        raise NotImplementedError

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` in order (see :func:`translate_sentences`)."""
        sized, budget, hypotheses = device_batch_shape(self.settings, self.device, per_beam=self.per_beam)
        return translate_sentences(
            sentences,
            vocab=self.vocab,
            settings=sized,
            window=self.window,
            run_batches=self._run_batches,
            progress=progress,
            budget_tokens=budget,
            workers=self.workers,
            max_hypotheses=hypotheses,
        )

    def batch_limits(self) -> BatchLimits:
        """The limits of one model batch, as :meth:`translate` plans them."""
        return backend_limits(self.settings, self.device, per_beam=self.per_beam, workers=self.workers)

    def translate_batches(
        self, batches: Sequence[Sequence[str]], progress: Progress | None = None
    ) -> Iterator[list[Translation]]:
        """Translate planned batches (see :func:`translate_planned`), each as it is done."""
        return translate_planned(
            batches,
            vocab=self.vocab,
            settings=self.settings,
            window=self.window,
            run_batches=self._run_batches,
            limits=self.batch_limits(),
        )


def translate_sentences(
    sentences: Sequence[str],
    *,
    vocab: MarianVocab,
    settings: ModelSettings,
    window: int,
    run_batches: RunBatches,
    progress: Progress | None = None,
    budget_tokens: int | None = None,
    workers: int = 1,
    max_hypotheses: int | None = CPU_BATCH_HYPOTHESES,
) -> list[Translation]:
    """Translate ``sentences`` with ``run_batches``; one Translation each, in input order.

    ``progress`` is told (sentences done, sentences in all) as batches finish, counting each input
    sentence once even when it repeats or was cut into parts. ``budget_tokens`` is the padded
    source tokens per batch (default: ``batch_tokens`` divided by the beam size); a batch holds
    at most ``max_batch_sentences`` sentences and ``max_hypotheses`` hypotheses (None: no such
    cap, as on a GPU); ``workers`` is how many batches the backend runs side by side (see
    :func:`plan_batches`).
    """
    # The window counts the end-of-sentence token too; one more token of room keeps every unit safe.
    plan = plan_work(sentences, vocab.count, window - 1)
    pieces = [vocab.pieces(unit) for unit in plan.units]
    limits = batch_limits(
        settings, budget_tokens=budget_tokens, workers=workers, max_hypotheses=max_hypotheses
    )
    batches = plan_batches([len(p) for p in pieces], limits.budget_tokens, limits.max_sentences, workers)
    results: list[UnitResult] = [UnitResult("")] * len(pieces)
    done = 0
    outputs = run_batches([[pieces[i] for i in batch] for batch in batches])
    for batch, batch_results in zip(batches, outputs, strict=True):
        for index, result in zip(batch, batch_results, strict=True):
            results[index] = result
        done += len(batch)
        if progress is not None:
            progress(len(sentences) * done // len(pieces), len(sentences))
    if progress is not None and not pieces:
        progress(len(sentences), len(sentences))
    return rejoin(plan, results)


# Token sequences of (source, target) pairs, in order; the target's ends with end-of-sentence.
EncodePairs = Callable[[list[tuple[str, str]]], list[tuple[Sequence[Any], Sequence[Any]]]]
# Per-token log-probabilities of each target given its source, for one batch of encoded pairs.
ForceBatch = Callable[[list[Sequence[Any]], list[Sequence[Any]]], list[list[float]]]


def score_pairs(
    sources: Sequence[str],
    targets: Sequence[str],
    *,
    settings: ModelSettings,
    window: int,
    encode: EncodePairs,
    force: ForceBatch,
    progress: Progress | None = None,
) -> list[Translation]:
    """The model's evidence about English made elsewhere, whatever the backend: force-decode each target.

    One Translation per pair with the target's per-token log-probabilities summarised as in
    translation (mean and minimum, end of sentence included), so the scorer treats both alike. A pair
    with an empty side, or a side longer than ``window`` tokens, gets no evidence (``logprob`` None)
    rather than a truncated, misleading one. ``progress`` is told (pairs done, pairs scored).
    """
    if len(sources) != len(targets):
        raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
    cleaned = [(" ".join(s.split()), " ".join(t.split())) for s, t in zip(sources, targets, strict=True)]
    results = [Translation(source=s, text=t) for s, t in cleaned]
    todo = [i for i, (s, t) in enumerate(cleaned) if s and t]
    if not todo:
        return results
    encoded = encode([cleaned[i] for i in todo])
    fits = [k for k, (src, tgt) in enumerate(encoded) if len(src) <= window and len(tgt) <= window]
    lengths = [len(encoded[k][0]) + len(encoded[k][1]) for k in fits]
    done = 0
    for batch in plan_batches(lengths, settings.batch_tokens, settings.max_batch_sentences):
        rows = [fits[b] for b in batch]
        scored = force([encoded[k][0] for k in rows], [encoded[k][1] for k in rows])
        for k, token_scores in zip(rows, scored, strict=True):
            source, target = cleaned[todo[k]]
            results[todo[k]] = Translation(
                source=source,
                text=target,
                logprob=sum(token_scores) / len(token_scores),
                min_logprob=min(token_scores),
                tokens=len(token_scores),
            )
        done += len(batch)
        if progress is not None:
            progress(done, len(fits))
    return results
