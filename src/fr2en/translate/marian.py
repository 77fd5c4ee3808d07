"""The transformers backend: ``MarianMTModel`` + ``MarianTokenizer``, batched and length-sorted.

Planning — each unique sentence translated once, sentences longer than the model's window cut at
safe places and rejoined, batches by a token budget — is shared with every backend
(:mod:`fr2en.translate.engine`), and so is tokenisation (:mod:`fr2en.translate.vocab`).

The model's own evidence (per-token log-probabilities of the chosen output) is captured during
generation at almost no cost: a last logits processor keeps the top few log-probabilities of every
step, which is enough to recover the score of each token the search kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import torch
from transformers import LogitsProcessor, LogitsProcessorList, MarianMTModel, MarianTokenizer

from fr2en.config import ModelSettings
from fr2en.errors import ModelLoadError
from fr2en.translate import ModelInfo, Progress
from fr2en.translate.batching import UnitResult, max_new_tokens
from fr2en.translate.engine import (
    CPU_BATCH_HYPOTHESES,
    available_cores,
    forced_length_settings,
    translate_sentences,
)
from fr2en.translate.source import ModelSource
from fr2en.translate.vocab import MarianVocab
from fr2en.types import Translation


def pick_device(requested: str) -> str:
    """``auto`` means CUDA when torch sees a GPU, else the CPU; asking for a missing GPU is an error."""
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested == "cuda" and not torch.cuda.is_available():
        raise ModelLoadError(
            "--device cuda was asked for but torch sees no CUDA GPU; use --device cpu or auto"
        )
    return requested


class _StepTopK(LogitsProcessor):  # type: ignore[misc]
    """Keeps, for every generation step, the top-k log-probabilities of each row after processing."""

    def __init__(self, k: int) -> None:
        self.k = k
        self.values: list[torch.Tensor] = []
        self.indices: list[torch.Tensor] = []

    def __call__(self, input_ids: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        top = torch.log_softmax(scores.float(), dim=-1).topk(self.k, dim=-1)
        self.values.append(top.values)
        self.indices.append(top.indices)
        return scores


def token_logprobs(
    sequences: torch.Tensor,
    rows: torch.Tensor,
    values: torch.Tensor,
    indices: torch.Tensor,
    eos_id: int,
) -> list[list[float]]:
    """Recover each output's per-token log-probabilities from the recorded top-k.

    ``sequences`` is (batch, 1 + steps) with the decoder start token first; ``rows`` (batch, steps)
    says which recorded row produced each token (-1 after the end); ``values``/``indices`` are
    (steps, rows, k). A token the top-k missed (it cannot be, for greedy or beam search) counts as
    the k-th value, a safe upper bound.
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
    result: list[list[float]] = []
    for row in range(tokens.shape[0]):
        kept: list[float] = []
        for step in range(steps):
            if not valid[row, step]:
                break
            kept.append(float(logprob[row, step]))
            if int(tokens[row, step]) == eos_id:
                break
        result.append(kept)
    return result


def _quiet_transformers() -> None:
    """fr2en draws its own progress; transformers' weight-loading bars and advice would only clutter stderr."""
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()


class MarianTranslator:
    """Translate with a Marian model folder through transformers."""

    def __init__(
        self, source: ModelSource, settings: ModelSettings, *, forced_output_tokens: int | None = None
    ) -> None:
        # forced_output_tokens is for benchmarks only (see load_translator): every cap that length.
        self.settings = forced_length_settings(settings, forced_output_tokens)
        self.device = pick_device(settings.device)
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

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` in order; see the module docstring for how."""
        return translate_sentences(
            sentences,
            vocab=self.vocab,
            settings=self.settings,
            window=self.window,
            run_batches=self._run_batches,
            progress=progress,
            max_hypotheses=CPU_BATCH_HYPOTHESES if self.device == "cpu" else None,
        )

    def _generate(self, batch_ids: list[list[int]], beam: int) -> list[tuple[str, list[float], bool]]:
        """Run one batch through ``generate``: (text, token log-probs, stopped at the cap) per row."""
        pad_id = int(self.tokenizer.pad_token_id)
        longest = max(len(ids) for ids in batch_ids)
        input_ids = torch.full((len(batch_ids), longest), pad_id, dtype=torch.long)
        attention = torch.zeros((len(batch_ids), longest), dtype=torch.long)
        for row, ids in enumerate(batch_ids):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
        cap = max_new_tokens(
            longest, self.settings.max_new_tokens_ratio, self.settings.max_new_tokens_margin, self.window
        )
        recorder = _StepTopK(k=1 if beam == 1 else 2 * beam)
        kwargs: dict[str, Any] = {
            "num_beams": beam,
            "do_sample": False,
            "max_new_tokens": cap,
            "logits_processor": LogitsProcessorList([recorder]),
            "return_dict_in_generate": True,
            "output_scores": False,
        }
        with torch.inference_mode():
            out = self.model.generate(
                input_ids=input_ids.to(self.device), attention_mask=attention.to(self.device), **kwargs
            )
        sequences = out.sequences.cpu()
        steps = len(recorder.values)
        values = torch.stack(recorder.values).cpu() if steps else torch.zeros((0, 1, 1))
        indices = torch.stack(recorder.indices).cpu() if steps else torch.zeros((0, 1, 1), dtype=torch.long)
        beam_indices = getattr(out, "beam_indices", None)
        if beam > 1 and beam_indices is not None:
            rows = beam_indices.cpu()
        else:
            rows = torch.arange(len(batch_ids)).unsqueeze(1).expand(len(batch_ids), max(steps, 1))
        logprobs = token_logprobs(sequences, rows, values, indices, self.eos_id)
        texts = self.tokenizer.batch_decode(sequences, skip_special_tokens=True)
        # At the cap the model is forced to emit end-of-sentence, so a full-length output hit the cap.
        return [(text.strip(), lp, len(lp) >= cap) for text, lp in zip(texts, logprobs, strict=True)]
