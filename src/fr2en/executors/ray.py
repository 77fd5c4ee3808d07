"""The Ray executor: the planned batches translated by a pool of Ray actors, one model per actor.

Everything but the model runs on the driver, through the local code: discovery, the manifest, the
window plan (:class:`~fr2en.executors.local.WindowExecutor` and
:func:`fr2en.translate.batching.plan_window`), the translation cache, alignment, scoring, the
report and the atomic writing of every output. :class:`RayTranslator` is the seam: it is a
:class:`~fr2en.translate.Translator` whose ``translate_batches`` sends each planned batch to an
actor (one call per planned batch, the contract of :func:`fr2en.translate.translate_batches`), so a
run on Ray gives the bytes of a local run, and resume, ``--force`` and the report work unchanged.

The actors are plain Ray actors, ``max_restarts``/``max_task_retries`` set: an actor process that
dies is restarted by Ray (its model loaded again) and its batches are retried; a batch is a pure
function of its sentences, so a retry gives the same English. They are spread over the nodes
(``SPREAD``) and each asks for ``ray.cpus_per_worker`` CPUs (half a CPU by default: a pool that
took every CPU of a 2-core machine would starve Ray's own tasks) and ``ray.gpus_per_worker`` GPUs.

Why not a Ray Data ``map_batches(..., compute=ActorPoolStrategy)`` pipeline: its actor pool lives for
one Dataset's execution, and the plan is made window by window while the folder streams through the
driver (memory bounded by ``batch.window_sentences``). A Dataset per window would load the model
again for every window; one Dataset for the run would need the whole folder read and planned on the
driver first. The long-lived pool below is what ActorPoolStrategy gives (one model per actor, loaded
once, restarts, retries), kept for the whole run.

Ray is imported only here, only when ``--executor ray`` asks for it. fr2en starts a local Ray with
usage statistics off, without the dashboard, on 127.0.0.1; ``ray.init`` installs its own signal
handlers, which are put back at once so that Ctrl-C still stops the run cleanly (exit 130).
"""

from __future__ import annotations

import contextlib
import math
import os
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from types import ModuleType
from typing import TYPE_CHECKING, Any

from fr2en.config import Settings
from fr2en.errors import Fr2EnError, ModelLoadError, UsageError
from fr2en.translate import LazyTranslator, ModelInfo, Progress, translate_batches
from fr2en.types import Translation

if TYPE_CHECKING:
    from fr2en.translate.batching import BatchLimits

EXTRA_HINT = "pip install 'fr2en[ray]'"
# Environment variables the actors need to find the model and behave like the driver.
_PASSED_ENV = ("FR2EN_", "HF_", "TRANSFORMERS_", "CT2_")
# Times a batch is tried again on a restarted actor after its actor died.
_TASK_RETRIES = 3
# Batches waiting at each actor, so that it never idles while the driver collects a result.
_DEPTH = 2


def require_ray() -> ModuleType:
    """The ``ray`` module, or a one-line UsageError naming the extra."""
    try:
        import ray
    except ImportError:
        raise UsageError(f"--executor ray needs Ray, which is not installed: {EXTRA_HINT}") from None
    return ray


@dataclass(frozen=True)
class RayTimings:
    """Where the time before the first batch went: starting or joining Ray, loading the actors' models."""

    start_seconds: float = 0.0
    load_seconds: float = 0.0


class _Actor:
    """One translation actor: its model, loaded once; the node it runs on."""

    def __init__(self, settings: Settings, environ: dict[str, str], forced_output_tokens: int | None) -> None:
        import ray

        os.environ.update(environ)
        self.node: str = ray.get_runtime_context().get_node_id()
        self.error: str | None = None
        self.translator: Any = None
        try:
            from fr2en.translate import load_translator

            self.translator = load_translator(settings.model, forced_output_tokens=forced_output_tokens)
        except Fr2EnError as exc:
            self.error = str(exc)

    def ready(self) -> tuple[str, str | None]:
        """The actor's node, and why its model could not be loaded (None when it was)."""
        return self.node, self.error

    def translate(self, batch: list[str]) -> tuple[str, list[Translation]]:
        """One planned batch translated by itself; the node that did it."""
        if self.translator is None:
            raise ModelLoadError(self.error or "the model could not be loaded")
        [translations] = list(translate_batches(self.translator, [batch]))
        return self.node, translations

    def pid(self) -> int:
        """The actor's process id (for the tests that kill one)."""
        return os.getpid()


def _actor_settings(settings: Settings) -> Settings:
    """The settings an actor loads its model with: threads as many as the CPUs it asked for."""
    model = settings.model
    if model.threads == 0:
        model = replace(model, threads=max(1, math.ceil(settings.ray.cpus_per_worker)))
    return replace(settings, model=model)


class RayTranslator:
    """A Translator whose planned batches are translated by a pool of Ray actors (see the module docstring).

    ``info``, token counts and batch limits come from the driver's plan of the model (never loaded
    on the driver), so the plan, the run signature and the outputs are those of a local run. Ray is
    started (or joined) and the actors load their models on first need, or by :meth:`start`. Use it
    as a context manager: leaving it stops the actors, and a Ray that it started.
    """

    def __init__(self, settings: Settings, *, forced_output_tokens: int | None = None) -> None:
        self.settings = settings
        # Every output forced to this many tokens (benchmarks only; see load_translator).
        self.forced_output_tokens = forced_output_tokens
        self.plan = LazyTranslator(settings.model)
        self.timings = RayTimings()
        self.actors: list[Any] = []
        self.nodes: list[str] = []
        self._ray: ModuleType | None = None
        self._started_ray = False
        self._node_of: dict[int, tuple[Translation, str]] = {}

    # --- Translator protocol ---------------------------------------------------------------------

    @property
    def info(self) -> ModelInfo:
        """The model as planned on the driver (what the actors load)."""
        return self.plan.info

    def count_tokens(self, text: str) -> int:
        """Source tokens of ``text``, from the tokenizer files alone."""
        return self.plan.count_tokens(text)

    def batch_limits(self) -> BatchLimits:
        """The planned batch limits, the same as a local run's."""
        return self.plan.batch_limits()

    def translate(self, sentences: Sequence[str], progress: Progress | None = None) -> list[Translation]:
        """Translate ``sentences`` as one batch on an actor."""
        if not sentences:
            return []
        [translations] = list(self.translate_batches([list(sentences)]))
        if progress is not None:
            progress(len(sentences), len(sentences))
        return translations

    def translate_batches(
        self, batches: Sequence[Sequence[str]], progress: Progress | None = None
    ) -> Iterator[list[Translation]]:
        """Translate planned batches on the actors, a few queued at each, yielding them in order."""
        self._node_of.clear()  # what the previous call's documents did not ask for
        if not batches:
            return
        ray = self.start()
        loads = [0] * len(self.actors)
        waiting: deque[tuple[int, Any]] = deque()
        following = iter(enumerate(batches))

        def submit() -> None:
            found = next(following, None)
            if found is not None:
                actor = min(range(len(self.actors)), key=loads.__getitem__)
                loads[actor] += 1
                waiting.append((actor, self.actors[actor].translate.remote(list(found[1]))))

        for _ in range(_DEPTH * len(self.actors)):
            submit()
        try:
            while waiting:
                actor, ref = waiting.popleft()
                try:
                    node, translations = ray.get(ref)
                except ray.exceptions.RayTaskError as exc:
                    cause = exc.cause
                    if isinstance(cause, Exception):
                        raise cause from None
                    raise
                loads[actor] -= 1
                submit()
                for translation in translations:
                    self._node_of[id(translation)] = (translation, node)
                yield translations
        finally:
            for _, ref in waiting:
                with contextlib.suppress(Exception):
                    ray.cancel(ref)

    # --- Where sentences were translated -----------------------------------------------------------

    def nodes_of(self, translations: Sequence[Translation]) -> tuple[str, ...]:
        """The nodes whose actors translated ``translations`` (none for those from the cache), once."""
        found = {self._node_of.pop(id(t), (t, ""))[1] for t in translations}
        return tuple(sorted(found - {""}))

    # --- Ray and the actors ----------------------------------------------------------------------

    def start(self) -> ModuleType:
        """Start or join Ray and load the actors' models (once); ModelLoadError if they cannot load it."""
        if self._ray is not None:
            return self._ray
        ray = require_ray()
        began = time.perf_counter()
        if not ray.is_initialized():
            self._init(ray)
        started = time.perf_counter()
        settings = self.settings.ray
        resources = ray.cluster_resources()
        if settings.workers:
            workers = settings.workers
        elif settings.gpus_per_worker:
            workers = max(1, int(resources.get("GPU", 0) / settings.gpus_per_worker))
        else:
            workers = max(1, int(resources.get("CPU", 1)))
        environ = {k: v for k, v in os.environ.items() if k.startswith(_PASSED_ENV)}
        actor_class = ray.remote(
            num_cpus=settings.cpus_per_worker,
            num_gpus=settings.gpus_per_worker,
            max_restarts=-1,
            # A batch that kills its actor every time (a poison input) fails after a few tries, and
            # is then retried one document at a time by the executor, so its document fails alone.
            max_task_retries=_TASK_RETRIES,
            scheduling_strategy="SPREAD",
        )(_Actor)
        self._ray = ray
        loaded = _actor_settings(self.settings)
        self.actors = [actor_class.remote(loaded, environ, self.forced_output_tokens) for _ in range(workers)]
        ready = ray.get([actor.ready.remote() for actor in self.actors])
        errors = [error for _, error in ready if error]
        if errors:
            raise ModelLoadError(errors[0])
        self.nodes = [node for node, _ in ready]
        self.timings = RayTimings(started - began, time.perf_counter() - started)
        return ray

    def _init(self, ray: ModuleType) -> None:
        """``ray.init``: the configured address, else RAY_ADDRESS, else a local Ray on 127.0.0.1."""
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        address = self.settings.ray.address or os.environ.get("RAY_ADDRESS", "")
        saved = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
        options: dict[str, Any] = {
            "include_dashboard": False,
            "log_to_driver": False,
            "logging_level": "error",
        }
        try:
            if address:
                ray.init(address=address, **options)
            else:
                # "local": a new Ray of our own, never one found running on this machine.
                ray.init(
                    address="local", num_cpus=os.cpu_count() or 1, _node_ip_address="127.0.0.1", **options
                )
                self._started_ray = True
        except Exception as exc:
            where = address or "a local Ray"
            raise UsageError(f"cannot start or reach Ray ({where}): {str(exc).splitlines()[0]}") from None
        finally:
            with contextlib.suppress(ValueError):  # only the main thread may set handlers
                for number, handler in saved.items():
                    signal.signal(number, handler if handler is not None else signal.SIG_DFL)

    def close(self) -> None:
        """Stop the actors, and the Ray this translator started."""
        ray, self._ray = self._ray, None
        if ray is None:
            return
        for actor in self.actors:
            with contextlib.suppress(Exception):
                ray.kill(actor)
        self.actors = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False

    def __enter__(self) -> RayTranslator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
