"""Executors: how the sentences of a batch run get translated; batch.py keeps the rest.

:mod:`fr2en.batch` discovers the inputs, decides what is done (the manifest), writes the outputs
and the report; an executor decides *when* each document's sentences are translated and with which
neighbours. The local executor (:mod:`fr2en.executors.local`) streams documents through a bounded
window whose sentences share the model's batches.

The batch plan is plain data and a pure function of the inputs (in discovery order) and the
settings: the documents' units (sentences, or paragraphs with ``--unit paragraph``) are numbered in
order across documents, cut into windows of ``batch.window_sentences`` units, and each window is
planned by the one batching engine (:func:`fr2en.translate.batching.plan_window`) into batches of
``(document index, unit index)`` keys. Translating a planned batch is one call
(:func:`fr2en.translate.translate_batches`) whose result depends on that batch's sentences only, so
a fresh run, a resumed one (which recomputes in full every batch that holds a sentence still to
do) and a run spread over other machines give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from fr2en.pipeline import PreparedUnits
from fr2en.types import DocumentPart, Translation

# A sentence of the plan: (index of its document in discovery order, index of its unit in the document).
SentenceKey = tuple[int, int]


class Stop(Exception):
    """Raised (by a progress callback) to stop a run after the model's current batch."""


class DocumentJob(Protocol):
    """One discovered document as an executor sees it; the batch run implements it.

    A job that is ``done`` (finished by an earlier run) is never translated, but its units still
    take their places in the plan, so that the batches around them are the ones a fresh run forms.
    """

    @property
    def done(self) -> bool:
        """Whether the document was finished by an earlier run."""
        ...

    def count(self) -> int | None:
        """A done document's number of units, when known without reading it (None: read it)."""
        ...

    def parts(self) -> Iterator[tuple[DocumentPart, PreparedUnits]]:
        """The document read and segmented, a part of whole paragraphs at a time."""
        ...

    def add(self, part: DocumentPart, prepared: PreparedUnits, translations: Sequence[Translation]) -> None:
        """A part whose units are all translated: align, score and write it."""
        ...

    def finish(self) -> None:
        """Every part was added: commit the outputs and record them."""
        ...

    def fail(self, error: BaseException) -> None:
        """The document failed (cannot be read, written, or translated): record why; nothing is kept."""
        ...

    def abandon(self) -> None:
        """The run stops with this document unfinished: remove what it started, record nothing."""
        ...
