"""Progress bars on stderr (rich): documents, and sentences across the whole run with rate and ETA.

Shown only when stderr is a terminal and the user did not ask for quiet; rich itself honours
``NO_COLOR``. A batch run learns how many sentences a document holds only when it segments it, so
the sentences bar's total is an estimate until the end: the sentences known so far, plus the bytes
still unread at the rate of sentences per byte seen so far.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


def estimate_total(known_sentences: int, known_bytes: int, total_bytes: int) -> int:
    """Sentences expected in all: those known, plus the unread bytes at the rate seen so far."""
    if known_bytes <= 0:
        return known_sentences
    unread = max(0, total_bytes - known_bytes)
    return known_sentences + round(unread * known_sentences / known_bytes)


class ProgressDisplay:
    """A context manager driving two bars: documents done, and sentences translated in the whole run.

    A batch run calls :meth:`start` once, then for each group of documents :meth:`start_group`,
    :meth:`sentences` (the translator's progress callback) and :meth:`end_group`.
    """

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._documents: Any = None
        self._sentences: Any = None
        self._total_bytes = 0
        self._done_bytes = 0
        self._done_sentences = 0
        self._group_bytes = 0
        self._group_sentences = 0

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

    def start(self, documents: int, total_bytes: int) -> None:
        """Begin the run: ``documents`` inputs holding ``total_bytes`` bytes of text."""
        self._total_bytes = total_bytes
        if self._progress is not None:
            self._documents = self._progress.add_task("documents", total=documents, rate="")

    def start_group(self, group_bytes: int) -> None:
        """A group of documents holding ``group_bytes`` bytes is about to be translated."""
        self._group_bytes = group_bytes
        self._group_sentences = 0

    def sentences(self, done: int, total: int) -> None:
        """The translator's progress callback: ``done`` of the current group's ``total`` sentences."""
        self._group_sentences = total
        if self._progress is None:
            return
        known = self._done_sentences + total
        expected = estimate_total(known, self._done_bytes + self._group_bytes, self._total_bytes)
        if self._sentences is None:
            self._sentences = self._progress.add_task("sentences", total=expected, rate="")
        self._progress.update(self._sentences, total=expected, completed=self._done_sentences + done)
        task = next((t for t in self._progress.tasks if t.id == self._sentences), None)
        if task is not None and task.speed:
            self._progress.update(self._sentences, rate=f"{task.speed:.1f} sent/s")

    def end_group(self) -> None:
        """The current group is translated: count its sentences and bytes as done."""
        self._done_sentences += self._group_sentences
        self._done_bytes += self._group_bytes
        self._group_bytes = self._group_sentences = 0

    def document_done(self) -> None:
        """Advance the documents bar by one."""
        if self._progress is not None and self._documents is not None:
            self._progress.advance(self._documents)
