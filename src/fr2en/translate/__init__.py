"""The translate stage: French sentences in, :class:`~fr2en.types.Translation` records out.

Backends share one protocol so the pipeline never knows which one runs. Building a translator is the
only place that imports torch or transformers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
