"""The ct2 backend: CTranslate2, int8 on CPU and float16 on GPU, from the optional ``fr2en[fast]`` extra.

The Marian model folder is converted once with CTranslate2's own converter (which needs
transformers and torch) and cached in fr2en's cache folder, keyed by the model's name, revision and
compute type. Translating then imports only ctranslate2 and sentencepiece: no torch, no
transformers, about a second and a few hundred megabytes less than the torch backend before any work.

Planning and tokenisation are the torch backend's (:mod:`fr2en.translate.engine`), so both read the
same tokens and give the same fields. Batches are handed to CTranslate2 asynchronously, a few ahead
of the one being collected, so that its ``inter_threads`` workers each decode a batch in parallel
while Python turns finished batches back into text.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

from fr2en.config import ModelSettings, cache_dir, cached_folder
from fr2en.errors import ModelLoadError
from fr2en.translate import ModelInfo, Progress
from fr2en.translate.batching import UnitResult, max_new_tokens
from fr2en.translate.engine import PlannedTranslator, available_cores, score_pairs
from fr2en.translate.locate import LocatedModel
from fr2en.translate.runtime import CT2_CUDA_REMEDY, ProbeResult, pick_device, record
from fr2en.translate.vocab import MarianVocab
from fr2en.types import Translation

INSTALL_HINT = "pip install 'fr2en[fast]'"
# Bump when the conversion itself changes, so that old conversions are not reused.
CONVERSION_VERSION = "1"


def require_ctranslate2() -> None:
    """Raise a ModelLoadError that says how to install CTranslate2 when it is missing."""
    if importlib.util.find_spec("ctranslate2") is None:
        raise ModelLoadError(
            f"the ct2 backend needs CTranslate2, which is not installed: {INSTALL_HINT} "
            "(or use --backend torch)"
        )


def _missing_cuda_library(exc: BaseException, device: str) -> bool:
    """Whether ``exc`` is CTranslate2 failing to load a CUDA library (cuBLAS, cuDNN...) on CUDA."""
    text = str(exc).lower()
    return device == "cuda" and ("cannot be loaded" in text or "libcublas" in text or "libcudnn" in text)


class CudaLibraryError(ModelLoadError):
    """CTranslate2 cannot load a CUDA library it needs; ``detail`` is its own one-line message."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the ct2 backend cannot run on CUDA here ({detail}); {CT2_CUDA_REMEDY}")
        self.detail = detail


def _cuda_failure(exc: BaseException) -> CudaLibraryError:
    """A CUDA library CTranslate2 needs is missing: a one-line ModelLoadError naming the remedy.

    CTranslate2 loads cuBLAS and cuDNN on the first translation, not with the model, so a machine
    without CUDA 12's libraries fails there. Without this, every document would fail with an
    "internal error"; the answer is also kept as this machine's probe answer, so that the next
    ``auto`` run falls back at once.
    """
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    record("ct2", ProbeResult(False, first))
    return CudaLibraryError(first)


def pick_compute_type(device: str) -> str:
    """float16 on a GPU; int8 on a CPU that supports it (nearly all x86 and ARM), else float32."""
    import ctranslate2

    if device == "cuda":
        return "float16"
    return "int8" if "int8" in ctranslate2.get_supported_compute_types("cpu") else "float32"


def split_threads(threads: int) -> tuple[int, int]:
    """(inter_threads, intra_threads) for ``threads`` CPU threads.

    Batches decode faster side by side on one thread each than one after another on all threads
    (benchmarks/throughput.py runs raw CTranslate2 both ways), so two workers from two cores up,
    and a few threads each on big machines, where a worker per core would need more batches than
    a document has.
    """
    if threads <= 1:
        return 1, 1
    inter = min(4, max(2, threads // 4))
    return inter, max(1, threads // inter)


def converted_model_dir(source: LocatedModel, compute_type: str, cache: Path) -> Path:
    """Where the conversion of ``source`` for ``compute_type`` lives in ``cache``."""
    key = f"{source.name}\0{source.revision}\0{compute_type}\0{CONVERSION_VERSION}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", source.name).strip("-.")[-48:] or "model"
    return cache / "ct2" / f"{slug}-{digest}-{compute_type}"


def _convert(source: LocatedModel, compute_type: str, target: Path) -> None:
    """Run CTranslate2's converter on ``source`` into ``target`` (needs transformers and torch)."""
    from ctranslate2.converters import TransformersConverter
    from transformers.utils import logging as hf_logging

    # Loading bars and advice from transformers would only clutter fr2en's stderr.
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    TransformersConverter(str(source.path)).convert(str(target), quantization=compute_type, force=True)


def ensure_converted(source: LocatedModel, compute_type: str, cache: Path | None = None) -> Path:
    """The CTranslate2 conversion of ``source``, made on first use (atomically) and cached."""
    target = converted_model_dir(source, compute_type, cache or cache_dir())

    def convert(staging: Path) -> None:
        try:
            _convert(source, compute_type, staging)
        except ImportError as exc:
            raise ModelLoadError(
                f"converting {source.name} for CTranslate2 needs transformers and torch "
                f"({exc.name} is missing); install them once, or use --backend torch"
            ) from None
        except (OSError, ValueError, RuntimeError, KeyError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(f"cannot convert {source.name} for CTranslate2: {first}") from None

    return cached_folder(target, "model.bin", convert)


def _window(source: LocatedModel, settings: ModelSettings) -> int:
    """The model's window: the smaller of the setting and the model's position table."""
    try:
        config = json.loads((source.path / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"cannot read {source.path / 'config.json'}: {exc}") from None
    positions = int(config.get("max_position_embeddings", settings.max_input_tokens))
    return min(settings.max_input_tokens, positions)


class CT2Translator(PlannedTranslator):
    """Translate with a Marian model folder through CTranslate2."""

    # CTranslate2's memory stays small at any beam size (its allocator reuses each step's buffers),
    # so beam search need not shrink the token budget as the torch backend's must.
    per_beam = False

    def __init__(
        self, source: LocatedModel, settings: ModelSettings, *, forced_output_tokens: int | None = None
    ) -> None:
        require_ctranslate2()
        import ctranslate2

        self.settings = settings
        # Benchmarks only: every output exactly this long (see load_translator).
        self.forced_output_tokens = forced_output_tokens
        self.device = pick_device(settings.device, "ct2")
        self.compute_type = pick_compute_type(self.device)
        self.vocab = MarianVocab(source.path)
        self.window = _window(source, settings)
        path = ensure_converted(source, self.compute_type)
        if self.device == "cuda":
            self.workers, intra = 1, 1
        else:
            self.workers, intra = split_threads(settings.threads or available_cores())
        try:
            self.translator = ctranslate2.Translator(
                str(path),
                device=self.device,
                compute_type=self.compute_type,
                inter_threads=self.workers,
                intra_threads=intra,
            )
        except (OSError, ValueError, RuntimeError) as exc:
            if _missing_cuda_library(exc, self.device):
                raise _cuda_failure(exc) from None
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ModelLoadError(
                f"cannot load the CTranslate2 model of {source.name} from {path}: {first}"
            ) from None
        self._info = ModelInfo(source.name, source.revision, "ct2", self.device, self.compute_type)

    @property
    def info(self) -> ModelInfo:
        """The model, revision, backend, device and compute type in use."""
        return self._info

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text``, end-of-sentence included."""
        return self.vocab.count(text)

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` in order; see the module docstring for how."""
        try:
            return super().translate(sentences, progress)
        except RuntimeError as exc:
            if not _missing_cuda_library(exc, self.device):
                raise
            raise _cuda_failure(exc) from None

    def _run_batches(self, batches: list[list[list[str]]]) -> Iterator[list[UnitResult]]:
        # Keep every worker busy with one batch and one more queued; collect in order.
        remaining = iter(batches)
        pending = deque(self._submit(batch) for batch in islice(remaining, 2 * self.workers))
        while pending:
            running = pending.popleft()
            following = next(remaining, None)
            if following is not None:
                pending.append(self._submit(following))
            yield [self._result(running, row) for row in range(len(running.handles))]

    def _submit(self, batch: list[list[str]]) -> _Running:
        """Start one batch on CTranslate2's workers and return at once."""
        beam = max(1, self.settings.beam)
        ratio, margin = self.settings.max_new_tokens_ratio, self.settings.max_new_tokens_margin
        caps = [max_new_tokens(len(pieces), ratio, margin, self.window) for pieces in batch]
        # As transformers: an empty output is allowed (the scorer flags it), and an output that
        # reaches its cap ends with a forced end-of-sentence, so it has one token fewer of text.
        shortest, longest = 0, max(1, max(caps) - 1)
        if self.forced_output_tokens is not None:
            shortest = longest = self.forced_output_tokens
            caps = [self.forced_output_tokens + 1] * len(batch)
        options: dict[str, Any] = {
            "beam_size": beam,
            "max_decoding_length": longest,
            "min_decoding_length": shortest,
            "max_input_length": 0,  # the window split already keeps every unit within the model's window
            "return_scores": True,
            "return_end_token": True,
        }
        return _Running(self.translator.translate_batch(batch, asynchronous=True, **options), caps, batch)

    def _result(self, running: _Running, row: int) -> UnitResult:
        """One row's UnitResult from CTranslate2's result."""
        result = running.handles[row].result()
        pieces: list[str] = list(result.hypotheses[0]) if result.hypotheses else []
        # CTranslate2's score is the sum of the tokens' log-probs divided by their number (length
        # penalty 1, end-of-sentence counted); it gives no single token's, hence no min_logprob.
        mean = float(result.scores[0]) if result.scores else None
        # A batch decodes up to its longest row's cap; a row that ran past its own is cut back to
        # it, so that what a sentence gets does not depend on its neighbours in the batch (exact for
        # greedy search, which CTranslate2 runs batch-invariantly; with a beam the cut hypothesis
        # may differ from the one the row would keep alone).
        own = max(1, running.caps[row] - 1)
        pieces = pieces[:own]
        # Without an end-of-sentence token, decoding stopped at the cap.
        hit_limit = not pieces or pieces[-1] != self.vocab.eos
        logprob_sum = mean * len(pieces) if mean is not None and pieces else None
        if hit_limit and pieces and self.forced_output_tokens is None:
            # The batch's mean covers the tokens decoded past this row's cap too: score the kept
            # pieces exactly, by themselves, so that the evidence is the same in any batch.
            logprob_sum = self._exact_logprob_sum(running.sources[row], pieces)
        return UnitResult(
            text=self.vocab.detokenize(pieces),
            tokens=len(pieces),
            logprob_sum=logprob_sum,
            hit_limit=hit_limit,
        )

    def _exact_logprob_sum(self, source: list[str], pieces: list[str]) -> float:
        """The total log-probability of ``pieces`` (no end-of-sentence) given ``source``, scored alone."""
        [scored] = self.translator.score_batch([source], [pieces], max_input_length=0)
        # score_batch appends the end-of-sentence token to the target and scores it last: leave it out.
        return float(sum(list(scored.log_probs)[: len(pieces)]))

    def score_translations(
        self, sources: Sequence[str], targets: Sequence[str], progress: Progress | None = None
    ) -> list[Translation]:
        """The model's evidence about English made elsewhere (see :func:`score_pairs`)."""

        def encode(pairs: list[tuple[str, str]]) -> list[tuple[Sequence[Any], Sequence[Any]]]:
            return [(self.vocab.pieces(s), self.vocab.target_pieces(t)) for s, t in pairs]

        def force(src: list[Sequence[Any]], tgt: list[Sequence[Any]]) -> list[list[float]]:
            # CTranslate2 appends the end-of-sentence token to each target itself.
            scored = self.translator.score_batch([list(s) for s in src], [list(t[:-1]) for t in tgt])
            return [[float(x) for x in result.log_probs] for result in scored]

        return score_pairs(
            sources,
            targets,
            settings=self.settings,
            window=self.window,
            encode=encode,
            force=force,
            progress=progress,
        )


@dataclass(frozen=True)
class _Running:
    """A batch handed to CTranslate2: its rows' async results, their own length caps and sources."""

    handles: list[Any]
    caps: list[int]
    sources: list[list[str]]
