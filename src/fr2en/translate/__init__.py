"""The translate stage: French sentences in, :class:`~fr2en.types.Translation` records out.

Backends share one protocol so the pipeline never knows which one runs. Building a translator is the
only place that imports torch or transformers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from fr2en.config import ModelSettings
from fr2en.types import Translation

# Called with (units done, units in all) as batches finish.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ModelInfo:
    """What produced a translation: recorded in every output's signature."""

    model: str
    revision: str
    backend: str
    device: str


class Translator(Protocol):
    """Anything that turns French sentences into English ones, in order."""

    @property
    def info(self) -> ModelInfo:
        """The model, revision, backend and device in use."""
        ...

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences``, returning one Translation each, in the same order."""
        ...


def load_translator(settings: ModelSettings) -> Translator:
    """Resolve the model named in ``settings`` (downloading it if needed) and build its translator."""
    from fr2en.translate.marian import MarianTranslator
    from fr2en.translate.source import resolve_model

    source = resolve_model(settings.name, settings.revision)
    return MarianTranslator(source, settings)


def plan_model(settings: ModelSettings) -> ModelInfo:
    """What :func:`load_translator` would report for ``settings``, found without loading the model.

    The device stays as asked (``auto`` included): telling CUDA from the CPU needs torch. A
    resumed batch compares this plan with what it recorded, so that a run with nothing left to do
    never imports torch.
    """
    from fr2en.translate.source import model_revision

    return ModelInfo(
        settings.name, model_revision(settings.name, settings.revision), "torch", settings.device
    )


def resolve_device(requested: str) -> str:
    """``auto`` becomes ``cuda`` when torch sees a GPU, else ``cpu`` (imports torch, loads no model)."""
    if requested != "auto":
        return requested
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


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

    @property
    def info(self) -> ModelInfo:
        """The loaded model's info, or the same computed without loading it."""
        if self.translator is not None:
            return self.translator.info
        if self._info is None:
            plan = plan_model(self.settings)
            self._info = replace(plan, device=resolve_device(plan.device))
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
