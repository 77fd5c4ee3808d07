"""The transformers backend: ``MarianMTModel`` + ``MarianTokenizer``, batched and length-sorted.

Planning — each unique sentence translated once, sentences longer than the model's window cut at
safe places and rejoined, batches by a token budget — is shared with every backend
(:mod:`fr2en.translate.engine`), and so is tokenisation (:mod:`fr2en.translate.vocab`).

The model's own evidence (per-token log-probabilities of the chosen output) is captured during
generation at almost no cost: a last logits processor keeps the top few log-probabilities of every
step, which is enough to recover the score of each token the search kept.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from transformers import LogitsProcessor, LogitsProcessorList, MarianMTModel, MarianTokenizer
from transformers.cache_utils import DynamicCache, EncoderDecoderCache

from fr2en.config import ModelSettings
from fr2en.errors import ModelLoadError
from fr2en.translate import ModelInfo, Progress
from fr2en.translate.batching import UnitResult, max_new_tokens
from fr2en.translate.engine import PlannedTranslator, available_cores, forced_length_settings, score_pairs
from fr2en.translate.locate import LocatedModel
from fr2en.translate.runtime import pick_device
from fr2en.translate.vocab import MarianVocab
from fr2en.types import Translation


class _StepTopK(LogitsProcessor):  # type: ignore[misc]
    """Keeps, for every step, each row's top-k log-probabilities and its end-of-sentence log-probability.

    It runs first, on the model's raw distribution, so what it keeps is exactly what teacher-forced
    decoding of the output would give. The search only ever keeps tokens from a row's top
    ``2 × beams`` (plus the one banned pad token), or end-of-sentence when a cap forces it.

    Beam search hands processors log-probabilities already; greedy search hands them raw logits,
    which only need their log-sum-exp subtracted. Either way no full-vocabulary tensor is made: the
    output projection is about half of decoding time, and this runs at every step.

    What it keeps stays on the scores' device: nothing here waits for a GPU, and the whole batch's
    record is copied to the host once, after ``generate`` (see :meth:`MarianTranslator._generate`).
    """

    def __init__(self, k: int, eos_id: int, normalised: bool) -> None:
        self.k = k
        self.eos_id = eos_id
        self.normalised = normalised
        self.values: list[torch.Tensor] = []
        self.indices: list[torch.Tensor] = []
        self.eos: list[torch.Tensor] = []

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        top = scores.topk(self.k, dim=-1)
        # A copy, not a view: a view of one column would keep the whole step's scores alive until
        # the batch ends (beam 4, 64 rows: 15 MB a step).
        values, eos = top.values.float(), scores[:, self.eos_id].to(torch.float32, copy=True)
        if not self.normalised:
            total = torch.logsumexp(scores.float(), dim=-1)
            values, eos = values - total.unsqueeze(-1), eos - total
        self.values.append(values)
        self.indices.append(top.indices)
        self.eos.append(eos)
        return scores


class _BanTokens(LogitsProcessor):  # type: ignore[misc]
    """Never emit these tokens (the model's single-token ``bad_words_ids``: Marian's pad).

    The ids live on the scores' device from the start: a Python list as an index would be copied
    to the GPU at every step.
    """

    def __init__(self, token_ids: list[int], device: str | torch.device = "cpu") -> None:
        self.token_ids = torch.tensor(token_ids, dtype=torch.long, device=device)

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        return scores.index_fill_(1, self.token_ids, float("-inf"))


class _RowCaps(LogitsProcessor):  # type: ignore[misc]
    """Ends each row at its own length cap, as if it had been generated alone.

    ``generate`` has one ``max_new_tokens`` per call; without this, a short sentence batched with a
    long one could run on to the long one's cap and its translation would depend on its neighbours.
    At a row's last allowed step every token but end-of-sentence is masked, which is what the
    model's own forced-EOS rule does at the global cap.

    Whether any row ends at a step is known on the host (the caps and the step number are), so the
    GPU is never waited for; the caps go to the device once per batch.
    """

    def __init__(self, caps: list[int], eos_id: int, beams: int, device: str | torch.device = "cpu") -> None:
        self.caps = torch.tensor(caps, dtype=torch.long, device=device).repeat_interleave(beams)
        self.first_end = min(caps) if caps else 0
        self.eos_id = eos_id

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        generated = input_ids.shape[1] - 1  # the decoder start token is not generated
        if generated + 1 < self.first_end:
            return scores  # no row is at its cap yet
        ending = self.caps <= generated + 1
        forced = torch.full_like(scores[0], float("-inf"))
        forced[self.eos_id] = 0.0
        return torch.where(ending.unsqueeze(1), forced.unsqueeze(0), scores)


# transformers renamed generation's cache argument (``past_key_values`` before, ``cache`` now).
_CACHE_ARGUMENT = (
    "cache" if "cache" in inspect.signature(MarianMTModel.forward).parameters else "past_key_values"
)


class _BeamCache(EncoderDecoderCache):  # type: ignore[misc]
    """A decoder cache whose cross-attention part beam search leaves as it is.

    Every beam of a sentence attends to the same encoder output, so the cross-attention keys and
    values of its beams are equal and reordering them (what transformers does at every step) would
    copy the largest part of the cache for nothing.
    """

    def __init__(self) -> None:
        super().__init__(DynamicCache(), DynamicCache())

    def reorder_cache(self, beam_idx: torch.Tensor) -> None:
        self.self_attention_cache.reorder_cache(beam_idx)


def token_logprobs(
    sequences: torch.Tensor,
    rows: torch.Tensor,
    values: torch.Tensor,
    indices: torch.Tensor,
    eos_values: torch.Tensor,
    eos_id: int,
) -> list[list[float]]:
    """Recover each output's per-token log-probabilities from what :class:`_StepTopK` kept.

    ``sequences`` is (batch, 1 + steps) with the decoder start token first; ``rows`` (batch, steps)
    says which recorded row produced each token (-1 after the end); ``values``/``indices`` are
    (steps, rows, k) and ``eos_values`` (steps, rows). A token outside the top-k (which greedy and
    beam search never keep) would count as the k-th value, an upper bound.
    """
    steps = min(rows.shape[1], values.shape[0], sequences.shape[1] - 1)
    tokens = sequences[:, 1 : 1 + steps]
    rows = rows[:, :steps].long()
    valid = rows >= 0
    step_index = torch.arange(steps).unsqueeze(0).expand_as(rows)
    picked_values = values[step_index, rows.clamp(min=0)]  # (batch, steps, k)
    picked_indices = indices[step_index, rows.clamp(min=0)]
    hit = picked_indices == tokens.unsqueeze(-1)
    chosen = torch.where(hit, picked_values, torch.zeros_like(picked_values)).sum(-1)
    logprob = torch.where(hit.any(-1), chosen, picked_values[..., -1])
    logprob = torch.where(tokens == eos_id, eos_values[step_index, rows.clamp(min=0)], logprob)
    # Python lists, not tensor indexing, in the loop: a GPU batch has tens of thousands of tokens.
    valid_rows, logprob_rows, token_rows = valid.tolist(), logprob.tolist(), tokens.tolist()
    result: list[list[float]] = []
    for valid_row, logprob_row, token_row in zip(valid_rows, logprob_rows, token_rows, strict=True):
        kept: list[float] = []
        for ok, value, token in zip(valid_row, logprob_row, token_row, strict=True):
            if not ok:
                break
            kept.append(value)
            if token == eos_id:
                break
        result.append(kept)
    return result


def _quiet_transformers() -> None:
    """fr2en draws its own progress; transformers' weight-loading bars and advice would only clutter stderr."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class MarianTranslator(PlannedTranslator):
    """Translate with a Marian model folder through transformers."""

    def __init__(
        self, source: LocatedModel, settings: ModelSettings, *, forced_output_tokens: int | None = None
    ) -> None:
        # forced_output_tokens is for benchmarks only (see load_translator): every cap that length.
        self.settings = forced_length_settings(settings, forced_output_tokens)
        self.device = pick_device(settings.device, "torch")
        if self.device == "cpu":
            # The affinity mask, not the machine's core count: no oversubscription in a container.
            torch.set_num_threads(settings.threads or available_cores())
        _quiet_transformers()
        self.vocab = MarianVocab(source.path)
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(str(source.path))
            dtype = torch.float16 if self.device == "cuda" else torch.float32
            model = MarianMTModel.from_pretrained(str(source.path), dtype=dtype)
        except (OSError, ValueError, RuntimeError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(f"cannot load model {source.name} from {source.path}: {first}") from None
        self.model = model.to(self.device).eval()
        self.window = min(settings.max_input_tokens, int(self.model.config.max_position_embeddings))
        self.eos_id = int(self.model.config.eos_token_id)
        bad_words = self.model.generation_config.bad_words_ids or []
        self.banned = sorted(
            {int(ids[0]) for ids in bad_words if len(ids) == 1} | {int(self.tokenizer.pad_token_id)}
        )
        if forced_output_tokens is not None:
            self.model.generation_config.min_new_tokens = forced_output_tokens
        precision = "float16" if dtype == torch.float16 else ""
        self._info = ModelInfo(source.name, source.revision, "torch", self.device, precision)

    @property
    def info(self) -> ModelInfo:
        """The model, revision, backend and device in use."""
        return self._info

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text``, end-of-sentence included."""
        return len(self.tokenizer(text, add_special_tokens=True)["input_ids"])

    def _run_batches(self, batches: list[list[list[str]]]) -> Iterator[list[UnitResult]]:
        """Run planned batches of source pieces through :meth:`_generate`, one after another."""
        beam = max(1, self.settings.beam)
        for batch in batches:
            outputs = self._generate([self.vocab.ids(pieces) for pieces in batch], beam)
            yield [UnitResult.from_logprobs(text, logprobs, hit) for text, logprobs, hit in outputs]

    def score_translations(
        self, sources: Sequence[str], targets: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        """The model's evidence about English made elsewhere (see :func:`score_pairs`)."""

        def encode(pairs: list[tuple[str, str]]) -> list[tuple[Sequence[Any], Sequence[Any]]]:
            src_ids = self.tokenizer([s for s, _ in pairs])["input_ids"]
            tgt_ids = self.tokenizer(text_target=[t for _, t in pairs])["input_ids"]
            return list(zip(src_ids, tgt_ids, strict=True))

        return score_pairs(
            sources,
            targets,
            settings=self.settings,
            window=self.window,
            encode=encode,
            force=self._force,
            progress=progress,
        )

    def _force(self, src_batch: list[Sequence[int]], tgt_batch: list[Sequence[int]]) -> list[list[float]]:
        """Per-token log-probabilities of each target given its source (teacher forcing)."""
        pad_id = int(self.tokenizer.pad_token_id)
        start_id = int(self.model.config.decoder_start_token_id)
        rows = len(src_batch)
        input_ids = torch.full((rows, max(map(len, src_batch))), pad_id, dtype=torch.long)
        attention = torch.zeros_like(input_ids)
        labels = torch.full((rows, max(map(len, tgt_batch))), pad_id, dtype=torch.long)
        decoder_ids = torch.full_like(labels, pad_id)
        decoder_mask = torch.zeros_like(labels)
        for row, (src, tgt) in enumerate(zip(src_batch, tgt_batch, strict=True)):
            input_ids[row, : len(src)] = torch.tensor(src)
            attention[row, : len(src)] = 1
            labels[row, : len(tgt)] = torch.tensor(tgt)
            decoder_ids[row, : len(tgt)] = torch.tensor([start_id, *tgt[:-1]])
            decoder_mask[row, : len(tgt)] = 1
        with torch.inference_mode():
            hidden = self.model.model(
                input_ids=input_ids.to(self.device),
                attention_mask=attention.to(self.device),
                decoder_input_ids=decoder_ids.to(self.device),
                decoder_attention_mask=decoder_mask.to(self.device),
            ).last_hidden_state
            keep = decoder_mask.bool().to(self.device)
            states, wanted = hidden[keep], labels.to(self.device)[keep]
            # Project a slice of positions at a time: the full (positions × vocabulary) log-softmax of a
            # big batch would take gigabytes; a slice stays near 64 MB.
            vocabulary = int(self.model.lm_head.out_features)
            step = max(1, (1 << 24) // vocabulary)
            picked: list[torch.Tensor] = []
            for start in range(0, states.shape[0], step):
                # The model's raw distribution, as generation's recorded scores (no token banned).
                piece = states[start : start + step]
                logits = (self.model.lm_head(piece) + self.model.final_logits_bias).float()
                chosen = logits.gather(1, wanted[start : start + step].unsqueeze(1)).squeeze(1)
                picked.append(chosen - torch.logsumexp(logits, dim=-1))
            flat = torch.cat(picked).cpu().tolist() if picked else []
        result: list[list[float]] = []
        offset = 0
        for tgt in tgt_batch:
            result.append(flat[offset : offset + len(tgt)])
            offset += len(tgt)
        return result

    def _generate(self, batch_ids: list[list[int]], beam: int) -> list[tuple[str, list[float], bool]]:
        """Run one batch through ``generate``: (text, token log-probs, stopped at the cap) per row."""
        pad_id = int(self.tokenizer.pad_token_id)
        longest = max(len(ids) for ids in batch_ids)
        input_ids = torch.full((len(batch_ids), longest), pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch_ids), longest), dtype=torch.long)
        for row, ids in enumerate(batch_ids):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        caps = [
            max_new_tokens(
                len(ids), self.settings.max_new_tokens_ratio, self.settings.max_new_tokens_margin, self.window
            )
            for ids in batch_ids
        ]
        recorder = _StepTopK(2 * beam + len(self.banned), self.eos_id, normalised=beam > 1)
        processors = [
            recorder,
            _BanTokens(self.banned, self.device),
            _RowCaps(caps, self.eos_id, beam, self.device),
        ]
        kwargs: dict[str, Any] = {
            "num_beams": beam,
            "do_sample": False,
            "max_new_tokens": max(caps),
            # Replaced by the processors above, which must run after the recorder.
            "bad_words_ids": None,
            "forced_eos_token_id": None,
            "logits_processor": LogitsProcessorList(processors),
            "return_dict_in_generate": True,
            "output_scores": False,
            _CACHE_ARGUMENT: _BeamCache(),
        }
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device), **kwargs
            )
        sequences = out.sequences.cpu()
        steps = len(recorder.values)
        values = torch.stack(recorder.values).cpu() if steps else torch.zeros((0, 1, 1))
        indices = torch.stack(recorder.indices).cpu() if steps else torch.zeros((0, 1, 1), dtype=torch.long)
        eos_values = torch.stack(recorder.eos).cpu() if steps else torch.zeros((0, 1))
        beam_indices = getattr(out, "beam_indices", None)
        if beam > 1 and beam_indices is not None:
            rows = beam_indices.cpu()
        else:
            rows = torch.arange(len(batch_ids)).unsqueeze(1).expand(len(batch_ids), max(steps, 1))
        logprobs = token_logprobs(sequences, rows, values, indices, eos_values, self.eos_id)
        texts = self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        # At its cap a row is forced to end, so a full-length output is one that hit the cap.
        return [
            (text.strip(), lp, len(lp) >= cap) for text, lp, cap in zip(texts, logprobs, caps, strict=True)
        ]
