"""``fr2en serve``: an HTTP API that LibreTranslate clients can use, fr2en's own API, and a review page.

One process, the model loaded once at start-up in one worker thread (:mod:`fr2en.serve.worker`);
requests share its batches. The web framework (Starlette, served by uvicorn) comes from the
optional ``fr2en[serve]`` extra and is imported only here, only when the server is asked for.
See docs/serve.md.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

from fr2en.config import Settings
from fr2en.errors import UsageError
from fr2en.serve.worker import ModelWorker

EXTRA = ("starlette", "uvicorn", "multipart")


def require_extra() -> None:
    """UsageError naming the extra when the server's libraries are not installed."""
    missing = [name for name in EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"fr2en serve needs the serve extra ({', '.join(missing)} missing): pip install 'fr2en[serve]'"
        )


def build_worker(settings: Settings, *, cache: bool = True) -> ModelWorker:
    """A started model worker: the model loaded (in its thread), the translation cache in front."""

    def build() -> tuple[Any, Any]:
        from fr2en.translate import load_translator

        model = load_translator(settings.model)
        if not cache:
            return model, model
        from fr2en.translate.cache import CachedTranslator, TranslationCache

        return CachedTranslator(model, TranslationCache(), settings.model), model

    worker = ModelWorker(build, settings.serve.batch_window_ms / 1000.0)
    worker.start()
    return worker


def create_app(worker: ModelWorker, settings: Settings) -> Any:
    """The ASGI app over ``worker`` (imports the web framework)."""
    require_extra()
    from fr2en.serve.app import create_app as create

    return create(worker, settings)


def serve(settings: Settings, *, cache: bool = True) -> None:
    """Load the model, then serve on ``settings.serve.host``/``port`` until interrupted."""
    require_extra()
    import uvicorn

    from fr2en.serve.limits import read_api_keys

    read_api_keys(settings.serve.api_keys_file)  # a bad keys file is said before the model loads
    worker = build_worker(settings, cache=cache)
    info = worker.info
    sys.stderr.write(
        f"fr2en: serving {info.model} ({info.backend}, {info.device}) on "
        f"http://{settings.serve.host}:{settings.serve.port}/\n"
    )
    try:
        app = create_app(worker, settings)
        uvicorn.run(app, host=settings.serve.host, port=settings.serve.port, log_level="info")
    finally:
        worker.close()
