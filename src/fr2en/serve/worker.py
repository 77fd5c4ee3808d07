"""The one thread that owns the model, and the collector that lets concurrent requests share its batches.

Requests never call the model themselves. Each hands its sentences to :meth:`ModelWorker.translate`
(from a request thread, never the event loop) and waits. The worker thread takes the first waiting
request, keeps collecting for ``window`` seconds (and takes whatever else queued up meanwhile), then
calls the translator once for all their sentences: the one batching engine
(:mod:`fr2en.translate.engine`) plans the batches across requests, deduplicates repeats and
sorts by length, exactly as for a folder of documents. Each request then gets its own translations.

Everything that touches the model (loading it, the SQLite cache, forced decoding for scores) runs
in this thread, so neither the model nor the cache's connection is ever shared between threads.
Nothing here imports the web framework: the worker is plain threads and queues.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fr2en.translate import ModelInfo, Progress, Translator
from fr2en.types import Translation

T = TypeVar("T")

# Built in the worker thread at start-up: (the translator requests go through, the bare model).
Build = Callable[[], tuple[Translator, Any]]


@dataclass
class _Translate:
    sentences: Sequence[str]
    future: Future[list[Translation]] = field(default_factory=Future)


@dataclass
class _Call:
    function: Callable[[Any], Any]
    future: Future[Any] = field(default_factory=Future)


_STOP = object()


@dataclass(frozen=True)
class WorkerStats:
    """What the worker did: model calls made, requests and sentences they served."""

    calls: int
    requests: int
    sentences: int


class ModelWorker:
    """Owns the model in one thread; concurrent requests' sentences are translated together.

    ``build`` runs in the worker thread at :meth:`start` and returns the translator to use (the
    cache in front of the model) and the bare model (for :meth:`call`). ``window`` is how long, in
    seconds, the first request waits for others before the model runs.
    """

    def __init__(self, build: Build, window: float) -> None:
        self._build = build
        self.window = window
        self._queue: queue.Queue[object] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._translator: Translator | None = None
        self._model: Any = None
        self._calls = self._requests = self._sentences = 0

    def start(self) -> ModelInfo:
        """Start the thread and load the model in it; the loading error, if any, is raised here."""
        ready: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, args=(ready,), name="fr2en-model", daemon=True)
        self._thread.start()
        ready.result()
        return self.info

    @property
    def info(self) -> ModelInfo:
        """The model's info (the worker must be started)."""
        if self._translator is None:
            raise RuntimeError("the model worker is not started")
        return self._translator.info

    @property
    def model(self) -> Any:
        """The bare model (no cache), for what only it can do; use it through :meth:`call` only."""
        return self._model

    @property
    def stats(self) -> WorkerStats:
        """Model calls so far, and the requests and sentences they served."""
        return WorkerStats(self._calls, self._requests, self._sentences)

    def translate(self, sentences: Sequence[str], timeout: float | None = None) -> list[Translation]:
        """Translate ``sentences`` along with those of concurrent callers; blocks (not on the event loop)."""
        if not sentences:
            return []
        job = _Translate(list(sentences))
        self._queue.put(job)
        return job.future.result(timeout)

    def call(self, function: Callable[[Any], T], timeout: float | None = None) -> T:
        """Run ``function(bare model)`` in the worker thread and return its result."""
        job = _Call(function)
        self._queue.put(job)
        result: T = job.future.result(timeout)
        return result

    def close(self) -> None:
        """Stop the thread once the jobs already queued are done."""
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join()
            self._thread = None

    def translator(self, timeout: float | None = None) -> SharedTranslator:
        """A :class:`~fr2en.translate.Translator` for one request's thread, translating through the worker."""
        return SharedTranslator(self, timeout)

    def _run(self, ready: Future[None]) -> None:
        try:
            self._translator, self._model = self._build()
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        stopping = False
        while not stopping:
            job = self._queue.get()
            if job is _STOP:
                break
            if isinstance(job, _Call):
                self._do_call(job)
                continue
            assert isinstance(job, _Translate)
            jobs, calls, stopping = self._collect(job)
            self._do_translate(jobs)
            for call in calls:
                self._do_call(call)

    def _collect(self, first: _Translate) -> tuple[list[_Translate], list[_Call], bool]:
        """``first`` and the jobs that arrive within the window or are already waiting."""
        jobs: list[_Translate] = [first]
        calls: list[_Call] = []
        deadline = time.monotonic() + self.window
        while True:
            remaining = deadline - time.monotonic()
            try:
                job = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                return jobs, calls, False
            if job is _STOP:
                return jobs, calls, True
            if isinstance(job, _Call):
                calls.append(job)
            else:
                assert isinstance(job, _Translate)
                jobs.append(job)

    def _do_translate(self, jobs: list[_Translate]) -> None:
        assert self._translator is not None
        everything = [sentence for job in jobs for sentence in job.sentences]
        self._calls += 1
        self._requests += len(jobs)
        self._sentences += len(everything)
        try:
            results = self._translator.translate(everything)
        except BaseException as exc:
            for job in jobs:
                job.future.set_exception(exc)
            return
        start = 0
        for job in jobs:
            job.future.set_result(results[start : start + len(job.sentences)])
            start += len(job.sentences)

    def _do_call(self, job: _Call) -> None:
        try:
            job.future.set_result(job.function(self._model))
        except BaseException as exc:
            job.future.set_exception(exc)


class SharedTranslator:
    """The Translator a request's pipeline run sees: its sentences go to the model worker."""

    def __init__(self, worker: ModelWorker, timeout: float | None = None) -> None:
        self.worker = worker
        self.timeout = timeout

    @property
    def info(self) -> ModelInfo:
        """The worker's model info."""
        return self.worker.info

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` through the worker (with whatever concurrent requests send)."""
        results = self.worker.translate(sentences, self.timeout)
        if progress is not None:
            progress(len(sentences), len(sentences))
        return results
