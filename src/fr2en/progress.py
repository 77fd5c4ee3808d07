"""Progress bars on stderr (rich): documents and sentences, with rate and ETA.

Shown only when stderr is a terminal and the user did not ask for quiet; rich itself honours
``NO_COLOR``.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any


class ProgressDisplay:
    """A context manager driving two bars: documents done, and sentences of the current document."""

    def __init__(self, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._progress: Any = None
        self._documents: Any = None
        self._sentences: Any = None

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
        if self._progress is not None:
            self._documents = self._progress.add_task("documents", total=total, rate="")

    def document_done(self) -> None:
        """Advance the documents bar by one."""
        if self._progress is not None and self._documents is not None:
            self._progress.advance(self._documents)

    def sentences(self, done: int, total: int) -> None:
        """Show the current document's translation progress (units done of total)."""
        if self._progress is None:
            return
        if self._sentences is None:
            self._sentences = self._progress.add_task("sentences", total=total, rate="")
        self._progress.update(self._sentences, total=total, completed=done)
        task = next((t for t in self._progress.tasks if t.id == self._sentences), None)
        if task is not None and task.speed:
            self._progress.update(self._sentences, rate=f"{task.speed:.1f} sent/s")
        if done >= total:
            self._progress.remove_task(self._sentences)
            self._sentences = None
