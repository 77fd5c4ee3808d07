"""The web app (Starlette): LibreTranslate's routes, fr2en's own under ``/v1``, the page, the docs.

Parameters are read as LibreTranslate reads them: a JSON body, or a form (urlencoded or
multipart) together with the query string. Every error is ``{"error": "..."}`` with LibreTranslate's
status codes (400 bad request, 403 bad key, 413 body too large, 429 over the rate limit, 500
translation failure; 504 past the per-request timeout); a traceback is logged, never sent.

The event loop never runs the model nor the pipeline: each request's work runs in a thread, and
the model only in the worker's thread (:mod:`fr2en.serve.worker`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import json
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from fr2en.config import Settings
from fr2en.errors import Fr2EnError, InputError
from fr2en.serve import openapi, page, service
from fr2en.serve.limits import ApiError, BodyLimit, BodyTooLarge, RateLimiter, read_api_keys
from fr2en.serve.worker import ModelWorker
from fr2en.types import DocumentResult

log = logging.getLogger("fr2en.serve")
T = TypeVar("T")
Handler = Callable[[Request], Awaitable[Response]]

LANGUAGES = [
    {"code": "fr", "name": "French", "targets": ["en"]},
    {"code": "en", "name": "English", "targets": []},
]
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class Server:
    """The routes over one model worker and the settings' limits."""

    def __init__(self, worker: ModelWorker, settings: Settings) -> None:
        self.worker = worker
        self.settings = settings
        self.limits = settings.serve
        self.keys = read_api_keys(settings.serve.api_keys_file)
        self.limiter = RateLimiter(settings.serve.rate_limit)

    # --- plumbing ---------------------------------------------------------------------------------

    def guarded(self, handler: Handler) -> Handler:
        """``handler`` with every failure turned into ``{"error": ...}`` and its status code."""

        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as exc:
                return _error(exc.status, exc.message)
            except BodyTooLarge as exc:
                return _error(413, str(exc))
            except HTTPException as exc:
                return _error(exc.status_code, str(exc.detail))
            except service.FormatUnavailable as exc:
                return _error(400, str(exc))
            except InputError as exc:
                return _error(400, f"Invalid request: {exc}")
            except (TimeoutError, asyncio.TimeoutError, concurrent.futures.TimeoutError):
                return _error(504, f"Translation timed out after {self.limits.timeout_s:g} s")
            except Fr2EnError as exc:
                return _error(500, f"Cannot translate text: {exc}")
            except Exception:
                log.exception("fr2en serve: %s %s failed", request.method, request.url.path)
                return _error(500, "Cannot translate text: internal error (see the server's log)")

        return run

    async def run_all(self, functions: Sequence[Callable[[], T]]) -> list[T]:
        """Run ``functions`` in threads, side by side, within the per-request timeout."""
        tasks = [anyio.to_thread.run_sync(function, abandon_on_cancel=True) for function in functions]
        return list(await asyncio.wait_for(asyncio.gather(*tasks), self.limits.timeout_s))

    async def params(self, request: Request) -> tuple[dict[str, Any], dict[str, UploadFile], bool]:
        """The request's parameters (query string, then JSON or form), its uploads, whether it was JSON."""
        values: dict[str, Any] = dict(request.query_params)
        files: dict[str, UploadFile] = {}
        kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if kind == "application/json":
            body = await request.body()
            try:
                data = json.loads(body) if body.strip() else {}
            except ValueError:
                raise ApiError(400, "Invalid JSON format") from None
            if not isinstance(data, dict):
                raise ApiError(400, "Invalid JSON format")
            values.update(data)
            return values, files, True
        if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.form(max_part_size=self.limits.body_limit)
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = value
                else:
                    values[key] = value
        else:
            await request.body()  # read (and size-check) whatever came
        return values, files, False

    def access(self, request: Request, values: dict[str, Any]) -> None:
        """403 without a valid key when keys are on; 429 past the rate limit."""
        key = values.get("api_key") or ""
        if not isinstance(key, str):
            raise ApiError(400, "Invalid request: api_key must be a string")
        if self.keys is not None and key not in self.keys:
            raise ApiError(
                403, "Invalid API key" if key else "An API key is needed: ask the server's operator"
            )
        client = key or (request.client.host if request.client else "?")
        if not self.limiter.allow(client):
            raise ApiError(429, f"Slowdown: {self.limits.rate_limit} per 1 minute")

    def check_chars(self, texts: Sequence[str]) -> None:
        """400 when the texts together are longer than the character limit."""
        size = sum(len(text) for text in texts)
        if self.limits.char_limit != -1 and size > self.limits.char_limit:
            raise ApiError(
                400, f"Invalid request: request ({size}) exceeds text limit ({self.limits.char_limit})"
            )

    def check_list(self, values: list[Any], name: str) -> list[str]:
        """A list parameter's texts, within the list length limit."""
        if self.limits.batch_limit != -1 and len(values) > self.limits.batch_limit:
            raise ApiError(
                400,
                f"Invalid request: request ({len(values)}) exceeds text limit ({self.limits.batch_limit})",
            )
        if not all(isinstance(value, str) for value in values):
            raise ApiError(400, f"Invalid request: {name} must be a string or a list of strings")
        return values

    def result_response(self, result: DocumentResult, fmt: str, name: str) -> Response:
        """``result`` as JSON, as the page's rows, or as one of the CLI's output files."""
        if fmt == "json":
            return JSONResponse(service.result_json(result, self.settings))
        if fmt == "view":
            return JSONResponse(service.view_json(result))
        if fmt not in service.MEDIA_TYPES:
            raise ApiError(400, f"{fmt} format is not supported")
        stem = _SAFE_NAME.sub("_", Path(name).stem).strip("._") or "fr2en"
        text, media, filename = service.download(result, fmt, stem)
        headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(text, media_type=media, headers=headers)

    # --- LibreTranslate's routes --------------------------------------------------------------------

    async def translate(self, request: Request) -> Response:
        """``POST /translate``: q (a string, or a list in JSON), source fr or auto, target en, format."""
        values, _, is_json = await self.params(request)
        self.access(request, values)
        q, source, target = values.get("q"), values.get("source"), values.get("target")
        for name, value in (("q", q), ("source", source), ("target", target)):
            if not value:
                raise ApiError(400, f"Invalid request: missing {name} parameter")
        batch = isinstance(q, list)
        if batch:
            texts = self.check_list(q, "q")  # type: ignore[arg-type]
        elif isinstance(q, str):
            texts = [q]
        else:
            raise ApiError(400, "Invalid request: q must be a string or a list of strings")
        if not is_json:
            texts = ["\n".join(text.splitlines()) for text in texts]
        self.check_chars(texts)
        if source not in ("fr", "auto"):
            raise ApiError(400, f"{source} is not supported")
        if target != "en":
            raise ApiError(400, f"{target} is not supported")
        fmt = values.get("format") or "text"
        if fmt not in ("text", "html"):
            raise ApiError(400, f"{fmt} format is not supported")
        if fmt == "html" and not service.html_available():
            raise service.FormatUnavailable("format html is not available")
        work = service.translate_html if fmt == "html" else service.translate_text
        timeout = self.limits.timeout_s
        english = await self.run_all(
            [functools.partial(work, text, self.worker, self.settings, timeout) for text in texts]
        )
        body: dict[str, Any] = {"translatedText": english if batch else english[0]}
        if source == "auto":
            detected = [service.detect_language(text) for text in texts]
            body["detectedLanguage"] = detected if batch else detected[0]
        return JSONResponse(body)

    async def detect(self, request: Request) -> Response:
        """``POST /detect``: ``[{"confidence": 0..100, "language": "fr"|"en"}]``."""
        values, _, _ = await self.params(request)
        self.access(request, values)
        q = values.get("q")
        if not q:
            raise ApiError(400, "Invalid request: missing q parameter")
        if not isinstance(q, str):
            raise ApiError(400, "Invalid request: q must be a string")
        self.check_chars([q])
        return JSONResponse([service.detect_language(q)])

    async def languages(self, request: Request) -> Response:
        """``GET /languages``."""
        return JSONResponse(LANGUAGES)

    async def frontend_settings(self, request: Request) -> Response:
        """``GET /frontend/settings``, as LibreTranslate's front end reads it."""
        return JSONResponse(
            {
                "charLimit": self.limits.char_limit,
                "frontendTimeout": 500,
                "apiKeys": self.keys is not None,
                "keyRequired": self.keys is not None,
                "suggestions": False,
                "filesTranslation": False,
                "supportedFilesFormat": [],
                "language": {
                    "source": {"code": "fr", "name": "French"},
                    "target": {"code": "en", "name": "English"},
                },
            }
        )

    async def health(self, request: Request) -> Response:
        """``GET /health``."""
        return JSONResponse({"status": "ok"})

    # --- fr2en's own routes -----------------------------------------------------------------------

    def output_format(self, request: Request, values: dict[str, Any]) -> str:
        fmt = values.get("format") or request.query_params.get("format") or "json"
        if not isinstance(fmt, str):
            raise ApiError(400, "Invalid request: format must be a string")
        return fmt

    async def v1_translate(self, request: Request) -> Response:
        """``POST /v1/translate``: JSON ``{"text": ...}`` or a file upload → the scored pairs, or an output."""
        values, files, _ = await self.params(request)
        self.access(request, values)
        fmt = self.output_format(request, values)
        if files:
            upload = next(iter(files.values()))
            data, name = await upload.read(), upload.filename or "upload.txt"
        else:
            text = values.get("text")
            if not text:
                raise ApiError(400, "Invalid request: missing text parameter (or a file)")
            if not isinstance(text, str):
                raise ApiError(400, "Invalid request: text must be a string")
            self.check_chars([text])
            data, name = text.encode("utf-8"), str(values.get("name") or "text.txt")
        work = functools.partial(
            service.translate_upload, data, name, self.worker, self.settings, self.limits.timeout_s
        )
        (result,) = await self.run_all([work])
        return self.result_response(result, fmt, name)

    async def v1_align(self, request: Request) -> Response:
        """``POST /v1/align``: ``french`` and ``english`` texts → the aligned, scored pairs."""
        values, _, _ = await self.params(request)
        self.access(request, values)
        fmt = self.output_format(request, values)
        french, english = values.get("french"), values.get("english")
        for name, value in (("french", french), ("english", english)):
            if not isinstance(value, str) or not value:
                raise ApiError(400, f"Invalid request: missing {name} parameter")
        assert isinstance(french, str) and isinstance(english, str)
        self.check_chars([french, english])
        (result,) = await self.run_all(
            [functools.partial(service.align_texts, french, english, self.settings)]
        )
        return self.result_response(result, fmt, "aligned")

    def _lines(self, values: dict[str, Any], name: str) -> list[str] | None:
        value = values.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, str):
            return value.splitlines()
        if isinstance(value, list):
            return self.check_list(value, name)
        raise ApiError(400, f"Invalid request: {name} must be a string of lines or a list of strings")

    async def v1_score(self, request: Request) -> Response:
        """``POST /v1/score``: line-aligned ``src`` and ``hyp`` (optional ``ref``) → the scored pairs."""
        values, _, _ = await self.params(request)
        self.access(request, values)
        fmt = self.output_format(request, values)
        sources, hypotheses = self._lines(values, "src"), self._lines(values, "hyp")
        if sources is None or hypotheses is None:
            raise ApiError(400, f"Invalid request: missing {'src' if sources is None else 'hyp'} parameter")
        references = self._lines(values, "ref")
        self.check_chars([*sources, *hypotheses, *(references or ())])
        use_model = str(values.get("model", "true")).lower() not in ("false", "0", "no")
        work = functools.partial(
            service.score_lines,
            sources,
            hypotheses,
            references,
            self.worker if use_model else None,
            self.settings,
            self.limits.timeout_s,
        )
        (result,) = await self.run_all([work])
        return self.result_response(result, fmt, "scored")

    # --- the page and the docs --------------------------------------------------------------------

    async def index(self, request: Request) -> Response:
        """``GET /``: the page."""
        return HTMLResponse(
            page.render(), headers={"Content-Security-Policy": page.content_security_policy()}
        )

    async def openapi_json(self, request: Request) -> Response:
        """``GET /openapi.json``."""
        return JSONResponse(openapi.spec())

    async def docs(self, request: Request) -> Response:
        """``GET /docs``: the routes, rendered here (nothing loaded from elsewhere)."""
        return HTMLResponse(openapi.docs_page())


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "internal error"
    return _error(status, str(detail))


def create_app(worker: ModelWorker, settings: Settings) -> BodyLimit:
    """The ASGI app over a started ``worker``, with the body size limit in front."""
    server = Server(worker, settings)
    g = server.guarded
    routes = [
        Route("/", server.index, methods=["GET"]),
        Route("/translate", g(server.translate), methods=["POST"]),
        Route("/detect", g(server.detect), methods=["POST"]),
        Route("/languages", server.languages, methods=["GET"]),
        Route("/frontend/settings", server.frontend_settings, methods=["GET"]),
        Route("/health", server.health, methods=["GET"]),
        Route("/v1/translate", g(server.v1_translate), methods=["POST"]),
        Route("/v1/align", g(server.v1_align), methods=["POST"]),
        Route("/v1/score", g(server.v1_score), methods=["POST"]),
        Route("/openapi.json", server.openapi_json, methods=["GET"]),
        Route("/docs", server.docs, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _not_found, Exception: _not_found})
    return BodyLimit(app, settings.serve.body_limit)
