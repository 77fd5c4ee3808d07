"""What a request may ask: API keys, a per-key (or per-address) rate limit, the body size limit.

All are off by default except the body limit, as in LibreTranslate. Nothing here imports the web
framework: the body limit is plain ASGI middleware.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from fr2en.errors import ConfigError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiError(Exception):
    """A request answered with ``status`` and LibreTranslate's ``{"error": message}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_api_keys(path: str) -> frozenset[str] | None:
    """The keys in ``path`` (one a line, ``#`` comments), or None when no file is set (keys are off)."""
    if not path:
        return None
    try:
        lines = Path(path).expanduser().read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"serve.api_keys_file {path}: {exc.strerror or exc}") from None
    keys = frozenset(line.split("#", 1)[0].strip() for line in lines) - {""}
    if not keys:
        raise ConfigError(f"serve.api_keys_file {path} holds no key; leave it empty to ask for none")
    return keys


class RateLimiter:
    """At most ``per_minute`` requests per client in any minute-long fixed window (0: no limit)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        """Count one request of ``client``; False when it is over the limit."""
        if self.per_minute <= 0:
            return True
        now = self.clock()
        with self._lock:
            start, count = self._windows.get(client, (now, 0))
            if now - start >= 60.0:
                start, count = now, 0
            if count >= self.per_minute:
                return False
            self._windows[client] = (start, count + 1)
            if len(self._windows) > 10_000:  # forget stale clients
                self._windows = {k: v for k, v in self._windows.items() if now - v[0] < 60.0}
            return True


class BodyTooLarge(Exception):
    """The request body went past the limit while it was being read."""


async def send_json(send: Send, status: int, payload: object) -> None:
    """Answer a raw ASGI request with ``payload`` as JSON."""
    body = json.dumps(payload).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse (413) a request whose body is, or turns out to be, longer than ``limit`` bytes."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length first, then count what is actually received."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await send_json(send, 413, {"error": self.message})
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge(self.message)
            return message

        await self.app(scope, counted, send)

    @property
    def message(self) -> str:
        """The error's text."""
        return f"Request body too large (limit {self.limit} bytes)"
