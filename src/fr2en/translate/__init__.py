"""The translate stage: French sentences in, :class:`~fr2en.types.Translation` records out.

Backends share one protocol so the pipeline never knows which one runs: ``torch`` (transformers'
``MarianMTModel``, :mod:`fr2en.translate.marian`) and ``ct2`` (CTranslate2, :mod:`fr2en.translate.ct2`,
from the optional ``fr2en[fast]`` extra). Building a translator is the only place that imports torch,
transformers or ctranslate2; the ct2 backend imports neither torch nor transformers once its
converted model is cached.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from fr2en.config import ModelSettings
from fr2en.errors import ModelLoadError
from fr2en.types import Translation

if TYPE_CHECKING:
    from fr2en.translate.batching import BatchLimits
    from fr2en.translate.vocab import MarianVocab

# Called with (units done, units in all) as batches finish.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ModelInfo:
    """What produced a translation: recorded in every output's signature.

    ``precision`` is the arithmetic the model ran in when it is not plain float32 (``int8``,
    ``float16``), since it changes the output; empty means float32.
    """

    model: str
    revision: str
    backend: str
    device: str
    precision: str = ""


class Translator(Protocol):
    """Anything that turns French sentences into English ones, in order."""

    @property
    def info(self) -> ModelInfo:
        """The model, revision, backend and device in use."""
        ...

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences``, returning one Translation each, in the same order."""
        ...


def count_tokens_of(translator: Translator) -> Callable[[str], int]:
    """How ``translator`` counts a sentence's source tokens (whitespace words + 1 if it cannot say)."""
    count: Callable[[str], int] | None = getattr(translator, "count_tokens", None)
    return count if count is not None else (lambda text: len(text.split()) + 1)


def limits_of(translator: Translator, settings: ModelSettings) -> BatchLimits:
    """The limits of one of ``translator``'s model batches (those of ``settings`` if it cannot say)."""
    limits: Callable[[], BatchLimits] | None = getattr(translator, "batch_limits", None)
    if limits is not None:
        return limits()
    from fr2en.translate.engine import batch_limits

    return batch_limits(settings)


def translate_batches(
    translator: Translator, batches: Sequence[Sequence[str]]
) -> Iterator[list[Translation]]:
    """Translate planned batches with ``translator``, each batch by itself, yielding them in order.

    One call per planned batch is the contract (a remote executor calls it with one batch); a
    backend that can runs the batches' model batches side by side (``translate_batches``).
    """
    run: Callable[[Sequence[Sequence[str]]], Iterator[list[Translation]]] | None = getattr(
        translator, "translate_batches", None
    )
    if run is not None:
        return iter(run(batches))
    return (translator.translate(list(batch)) for batch in batches)


def planned_limits(settings: ModelSettings, backend: str, device: str) -> BatchLimits:
    """The batch limits the backend would report once loaded, computed without loading it."""
    from fr2en.translate.engine import available_cores, backend_limits

    if backend == "ct2":
        from fr2en.translate.ct2 import split_threads

        workers = 1 if device == "cuda" else split_threads(settings.threads or available_cores())[0]
        return backend_limits(settings, device, per_beam=False, workers=workers)
    return backend_limits(settings, device, per_beam=True)


def resolve_backend(requested: str) -> str:
    """``auto`` means ct2 when CTranslate2 is installed, else torch; other names are returned as they are.

    This is the backend a plan names before the device is known; :func:`plan_runtime` may still
    fall back to torch when ct2 cannot run on the GPU chosen (see :mod:`fr2en.translate.runtime`).
    """
    if requested != "auto":
        return requested
    return "ct2" if importlib.util.find_spec("ctranslate2") is not None else "torch"


def plan_runtime(settings: ModelSettings) -> tuple[str, str, str]:
    """The (backend, device, precision) that :func:`load_translator` would report, without a model.

    The choice of :func:`fr2en.translate.runtime.choose_runtime`: with CUDA visible, backed by a
    probe answer cached per machine; without, the CPU. Planning a ct2 run never imports torch.
    """
    from fr2en.translate.runtime import choose_runtime

    runtime = choose_runtime(settings)
    return runtime.backend, runtime.device, runtime.precision


def load_translator(settings: ModelSettings, *, forced_output_tokens: int | None = None) -> Translator:
    """Resolve the model named in ``settings`` (downloading it if needed) and build its translator.

    The backend and device are those of :func:`plan_runtime` (an ``auto`` that falls back says so
    on stderr). ``forced_output_tokens`` exists for benchmarks only (the command line never sets
    it): every output is then exactly that many tokens long, so that systems compared do the same work.
    """
    from fr2en.translate.locate import resolve_model
    from fr2en.translate.runtime import choose_runtime

    runtime = choose_runtime(settings)  # before any download: say what cannot run first
    chosen = replace(settings, backend=runtime.backend, device=runtime.device)
    if runtime.backend == "ct2":
        from fr2en.translate.ct2 import CT2Translator

        source = resolve_model(settings.name, settings.revision)
        return CT2Translator(source, chosen, forced_output_tokens=forced_output_tokens)
    from fr2en.translate.marian import MarianTranslator

    source = resolve_model(settings.name, settings.revision)
    return MarianTranslator(source, chosen, forced_output_tokens=forced_output_tokens)


def plan_model(settings: ModelSettings, *, fetch: bool = False) -> ModelInfo:
    """What :func:`load_translator` would report for ``settings``, found without loading the model.

    The backend is the one that will run (``auto``'s fallback included, from the cached CUDA
    probe); the device stays as asked (``auto`` included) and the precision unsaid. A resumed batch
    compares this plan with what it recorded, so that a run with nothing left to do never imports
    torch. A choice that cannot run is not raised here but when the model is needed. With ``fetch``,
    a model that is not here yet (so that it will be needed) is downloaded first, and ModelLoadError
    says at once when it cannot be.
    """
    from fr2en.translate.locate import UNRESOLVED, model_revision, resolve_model
    from fr2en.translate.runtime import choose_runtime

    try:
        backend = choose_runtime(settings, quiet=True).backend
    except ModelLoadError:
        backend = resolve_backend(settings.backend)
    revision = model_revision(settings.name, settings.revision)
    if fetch and revision.startswith(UNRESOLVED):
        revision = resolve_model(settings.name, settings.revision).revision
    return ModelInfo(
        settings.name,
        revision,
        backend,
        settings.device,
    )


class LazyTranslator:
    """A translator that loads its model on first need, so that a run with nothing to translate never does.

    ``info`` is the same before and after loading (the plan with the device resolved), so outputs
    written before the model is needed (an empty document, or sentences all found in the cache) are
    byte-identical to those written after.
    """

    def __init__(self, settings: ModelSettings) -> None:
        self.settings = settings
        self.translator: Translator | None = None
        self._info: ModelInfo | None = None
        self._vocab: MarianVocab | None = None

    @property
    def info(self) -> ModelInfo:
        """The loaded model's info, or the same computed without loading it."""
        if self.translator is not None:
            return self.translator.info
        if self._info is None:
            backend, device, precision = plan_runtime(self.settings)
            self._info = replace(
                plan_model(self.settings), backend=backend, device=device, precision=precision
            )
        return self._info

    def get(self) -> Translator:
        """The real translator, loaded now if it was not yet."""
        if self.translator is None:
            self.translator = load_translator(self.settings)
        return self.translator

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate with the real translator, loading it first if needed (never for no sentences)."""
        if not sentences:
            return []
        return self.get().translate(sentences, progress)

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text``, from the model's tokenizer files alone (the model stays unloaded)."""
        if self.translator is not None:
            return count_tokens_of(self.translator)(text)
        if self._vocab is None:
            from fr2en.translate.locate import resolve_model
            from fr2en.translate.vocab import MarianVocab

            self._vocab = MarianVocab(resolve_model(self.settings.name, self.settings.revision).path)
        return self._vocab.count(text)

    def batch_limits(self) -> BatchLimits:
        """The loaded backend's batch limits, planned without loading it."""
        info = self.info
        return planned_limits(self.settings, info.backend, info.device)

    def translate_batches(
        self, batches: Sequence[Sequence[str]], progress: Progress | None = None
    ) -> Iterator[list[Translation]]:
        """Translate planned batches, loading the model first if needed (never for no batches)."""
        if not batches:
            return iter(())
        return translate_batches(self.get(), batches)
