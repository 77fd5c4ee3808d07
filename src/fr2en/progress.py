"""Progress bars on stderr (rich): documents, and sentences across the whole run, with rate and ETA.

Shown only when stderr is a terminal and the user did not ask for quiet; rich itself honours
``NO_COLOR``. A batch run learns how many sentences a document holds only when it gets to it, so
the sentences bar's total is an estimate until the last document: the sentences known so far, plus
the documents still to come at the mean seen so far. Its rate and ETA are over the whole run.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


def estimate_total(known_sentences: int, documents_seen: int, documents_total: int) -> int:
    """Sentences expected in the whole run: those known, plus the unseen documents at the mean so far."""
    if documents_seen <= 0:
        return known_sentences
    unseen = max(0, documents_total - documents_seen)
    return known_sentences + round(unseen * known_sentences / documents_seen)


class ProgressDisplay:
    """A context manager driving two bars: documents done, and sentences translated in the whole run.

    The translator's progress callback (:meth:`sentences`) reports one call at a time (done of
    total); a call that reached its total is counted as finished when the next one starts or when
    :meth:`document_done` is called, so a document translated in several calls adds up.
    """

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._documents: Any = None
        self._sentences: Any = None
        self._documents_total = 0
        self._documents_done = 0
        self._finished = 0  # sentences of calls already over
        self._call_done = 0
        self._call_total = 0

    def __enter__(self) -> ProgressDisplay:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TaskProgressColumn,
                TextColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description:<12}"),
                BarColumn(),
                MofNCompleteColumn(),
                TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeRemainingColumn(),
                console=Console(stderr=True),
                transient=False,
            )
            self._progress.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._progress is not None:
            self._progress.__exit__(kind, value, traceback)

    def start_documents(self, total: int) -> None:
        """Begin the documents bar."""
        self._documents_total = total
        if self._progress is not None:
            self._documents = self._progress.add_task("documents", total=total, rate="")

    def _close_call(self) -> None:
        self._finished += self._call_total
        self._call_done = self._call_total = 0

    def sentences(self, done: int, total: int) -> None:
        """The translator's progress callback: ``done`` of the current call's ``total`` sentences."""
        if self._call_total and self._call_done >= self._call_total:
            self._close_call()
        self._call_done, self._call_total = done, total
        if self._progress is None:
            return
        expected = estimate_total(
            self._finished + total, self._documents_done + 1, max(self._documents_total, 1)
        )
        if self._sentences is None:
            self._sentences = self._progress.add_task("sentences", total=expected, rate="")
        self._progress.update(self._sentences, total=expected, completed=self._finished + done)
        task = next((t for t in self._progress.tasks if t.id == self._sentences), None)
        if task is not None and task.speed:
            self._progress.update(self._sentences, rate=f"{task.speed:.1f} sent/s")

    def document_done(self) -> None:
        """Advance the documents bar by one; the document's sentences count as finished."""
        self._close_call()
        self._documents_done += 1
        if self._progress is not None and self._documents is not None:
            self._progress.advance(self._documents)
