"""The local executor: documents stream through a bounded window whose sentences share the model's batches.

Documents are read and segmented ahead, in discovery order, until the window holds
``batch.window_sentences`` units (sentences, or paragraphs with ``--unit paragraph``), however many
documents that takes: twenty briefs, or a thousandth of one long article. The window is planned by
:func:`fr2en.translate.batching.plan_window` (token-budget, length-sorted batches, as for one long
document), its batches are translated, and each document is written (atomically, manifest line
and all, by its :class:`~fr2en.executors.DocumentJob`) as soon as its last unit is back.

Memory holds one window's units, the parts of the documents they come from, and a few hundred
bytes per document for the run's report; nothing grows with the units already written.

Resuming rebuilds the same plan: a document finished earlier keeps its places in the windows (its
number of units is in the manifest), a window that holds units still to do re-reads the finished
documents' units it needs, the batches whose units are all done are skipped, and any other batch is
translated in full. A batch the model fails on is retried one document at a time, so that one bad
input fails alone; those documents then come from smaller batches.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice

from fr2en.config import Settings
from fr2en.errors import Fr2EnError, ModelLoadError, UsageError
from fr2en.executors import DocumentJob, Stop
from fr2en.pipeline import PreparedUnits
from fr2en.translate import Translator, count_tokens_of, limits_of, translate_batches
from fr2en.translate.batching import plan_window
from fr2en.types import DocumentPart, Translation

# Errors that end the whole run rather than one document.
FATAL: tuple[type[BaseException], ...] = (ModelLoadError, UsageError, Stop)


@dataclass
class _Part:
    """A part of a document in flight: its units, and their translations as they come back."""

    part: DocumentPart
    prepared: PreparedUnits
    results: list[Translation | None]
    missing: int


class _Flight:
    """A document entering the windows."""

    def __init__(self, index: int, job: DocumentJob) -> None:
        self.index = index
        self.job = job
        self.parts: Iterator[tuple[DocumentPart, PreparedUnits]] | None = None
        self.pending: deque[_Part] = deque()
        self.taken = 0  # units of the newest pending part placed in a window
        self.position = 0  # units of a done document placed in a window
        self.count: int | None = None
        self.exhausted = False
        self.over = False  # finished or failed: nothing more is done with it


# One place in a window: the document, its pending part (None for a done document) and the unit's
# index in that part (in the whole document for a done one).
_Slot = tuple[_Flight, "_Part | None", int]


class WindowExecutor:
    """Runs a stream of documents through shared, planned batches (see the module docstring)."""

    def __init__(
        self,
        translator: Translator,
        settings: Settings,
        *,
        progress: Callable[[int, int], None] | None = None,
        debug: bool = False,
    ) -> None:
        self.translator = translator
        self.settings = settings
        self.size = settings.batch.window_sentences
        self.progress = progress
        self.debug = debug
        self.active: dict[int, _Flight] = {}
        self.current: _Flight | None = None
        self.source: Iterator[tuple[int, DocumentJob]] = iter(())

    def run(self, jobs: Iterable[DocumentJob]) -> None:
        """Translate every job that is not done; a stop (or any fatal error) abandons those in flight."""
        self.source = enumerate(jobs)
        try:
            while window := self._fill():
                self._run_window(window)
                # Let the window's documents go before the next one is read.
                window.clear()
        finally:
            for flight in list(self.active.values()):
                flight.job.abandon()
            self.active.clear()

    # --- Filling a window ----------------------------------------------------------------------

    def _next_flight(self) -> _Flight | None:
        found = next(self.source, None)
        if found is None:
            return None
        flight = _Flight(*found)
        if not flight.job.done:
            flight.parts = iter(flight.job.parts())
            self.active[flight.index] = flight
        return flight

    def _fill(self) -> list[_Slot]:
        window: list[_Slot] = []
        while len(window) < self.size:
            flight = self.current or self._next_flight()
            if flight is None:
                break
            self.current = flight
            room = self.size - len(window)
            if flight.job.done:
                if flight.count is None:
                    flight.count = self._count(flight)
                take = min(room, flight.count - flight.position)
                window.extend((flight, None, flight.position + k) for k in range(take))
                flight.position += take
                if flight.position >= flight.count:
                    self.current = None
                continue
            newest = flight.pending[-1] if flight.pending else None
            if flight.over or newest is None or flight.taken >= len(newest.prepared.units):
                if flight.over or not self._pull(flight):
                    self.current = None
                continue
            take = min(room, len(newest.prepared.units) - flight.taken)
            window.extend((flight, newest, flight.taken + k) for k in range(take))
            flight.taken += take
            # Read one part ahead, so that a document is known complete (and is written) as soon
            # as its last units are back.
            if flight.taken >= len(newest.prepared.units) and not self._pull(flight):
                self.current = None
        return window

    def _pull(self, flight: _Flight) -> bool:
        """Read the document's next part; False when there is none (or the document failed)."""
        assert flight.parts is not None
        try:
            found = next(flight.parts, None)
        except FATAL:
            raise
        except Exception as exc:
            self._fail(flight, exc)
            return False
        if found is None:
            flight.exhausted = True
            self._settle(flight)
            return False
        part, prepared = found
        units = len(prepared.units)
        flight.pending.append(_Part(part, prepared, [None] * units, units))
        flight.taken = 0
        if not units:
            self._settle(flight)
        return True

    def _units(self, flight: _Flight) -> Iterator[str]:
        """A (done) document's units, read again."""
        for _, prepared in flight.job.parts():
            yield from prepared.units

    def _count(self, flight: _Flight) -> int:
        """A done document's units: from the job when it knows, else counted by reading it again."""
        known = flight.job.count()
        if known is not None:
            return known
        try:
            return sum(1 for _ in self._units(flight))
        except Fr2EnError:
            return 0

    # --- Translating a window ------------------------------------------------------------------

    def _texts(self, window: Sequence[_Slot]) -> list[str]:
        """Every unit of the window, those of done documents read again."""
        texts = [part.prepared.units[k] if part is not None else "" for _, part, k in window]
        ranges: dict[int, tuple[_Flight, int, int, int]] = {}
        for position, (flight, part, k) in enumerate(window):
            if part is None:
                first = ranges.get(flight.index)
                ranges[flight.index] = (
                    (flight, k, k + 1, position) if first is None else (*first[:2], k + 1, first[3])
                )
        for flight, start, end, position in ranges.values():
            try:
                units = list(islice(self._units(flight), start, end))
            except Fr2EnError:
                units = []  # changed since it was done: only its neighbours' batches could differ
            texts[position : position + len(units)] = units[: end - start]
        return texts

    def _run_window(self, window: list[_Slot]) -> None:
        def wanted(batch: Sequence[int]) -> bool:
            return any(window[i][1] is not None and not window[i][0].over for i in batch)

        if not any(wanted([i]) for i in range(len(window))):
            return
        texts = self._texts(window)
        count = count_tokens_of(self.translator)
        lengths = [count(" ".join(text.split())) for text in texts]
        plan = plan_window(lengths, limits_of(self.translator, self.settings.model))
        queue = [batch for batch in plan if wanted(batch)]
        total, done = sum(len(b) for b in queue), 0
        while queue:
            failure: Exception | None = None
            try:
                outputs = translate_batches(self.translator, [[texts[i] for i in b] for b in queue])
            except FATAL:
                raise
            except Exception as exc:
                failure = exc
            while queue and failure is None:
                try:
                    translations = next(outputs)
                except FATAL:
                    raise
                except Exception as exc:
                    failure = exc
                    break
                batch = queue.pop(0)
                self._deliver(window, batch, translations)
                done += len(batch)
                self._report(done, total)
            if failure is not None:
                if self.debug and not isinstance(failure, Fr2EnError):
                    raise failure
                # The model failed on the batch at the head of the queue: retry it document by
                # document, then go on with a fresh stream for the rest.
                batch = queue.pop(0)
                self._isolate(window, batch, texts)
                done += len(batch)
                self._report(done, total)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)

    def _isolate(self, window: Sequence[_Slot], batch: Sequence[int], texts: Sequence[str]) -> None:
        """Retry a batch the model failed on one document at a time; a document that fails again fails."""
        by_document: dict[int, list[int]] = {}
        for i in batch:
            flight, part, _ = window[i]
            if part is not None and not flight.over:
                by_document.setdefault(flight.index, []).append(i)
        for rows in by_document.values():
            flight = window[rows[0]][0]
            try:
                [translations] = list(translate_batches(self.translator, [[texts[i] for i in rows]]))
            except FATAL:
                raise
            except Exception as exc:
                if self.debug and not isinstance(exc, Fr2EnError):
                    raise
                self._fail(flight, exc)
                continue
            self._deliver(window, rows, translations)

    def _deliver(
        self, window: Sequence[_Slot], batch: Sequence[int], translations: Sequence[Translation]
    ) -> None:
        touched: dict[int, _Flight] = {}
        for i, translation in zip(batch, translations, strict=True):
            flight, part, k = window[i]
            if part is None or flight.over:
                continue
            part.results[k] = translation
            part.missing -= 1
            touched[flight.index] = flight
        for index in sorted(touched):
            self._settle(touched[index])

    # --- Writing and failing -------------------------------------------------------------------

    def _settle(self, flight: _Flight) -> None:
        """Write the document's complete parts, in order; finish it once the last one is written."""
        try:
            # A part's units are all back only once all of them were placed in a window.
            while flight.pending and flight.pending[0].missing == 0:
                done = flight.pending.popleft()
                results = [t for t in done.results if t is not None]
                flight.job.add(done.part, done.prepared, results)
                # The window still points at this part until it ends: keep nothing big alive there.
                done.results = []
            if flight.exhausted and not flight.pending and not flight.over:
                flight.over = True
                self.active.pop(flight.index, None)
                flight.job.finish()
        except FATAL:
            raise
        except Exception as exc:
            if self.debug and not isinstance(exc, Fr2EnError):
                raise
            self._fail(flight, exc)

    def _fail(self, flight: _Flight, error: BaseException) -> None:
        flight.over = True
        flight.pending.clear()
        self.active.pop(flight.index, None)
        flight.job.fail(error)
