"""Running fr2en's server on 127.0.0.1 (a free port) in a thread, for the tests, and plain HTTP calls."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from fr2en.config import Settings
from fr2en.serve.worker import ModelWorker
from fr2en.translate import Translator


@dataclass
class Running:
    """A server under test: its base URL and its model worker."""

    url: str
    worker: ModelWorker


@contextmanager
def running_server(
    settings: Settings, build: Callable[[], tuple[Translator, Any]], **serve: Any
) -> Iterator[Running]:
    """The app over a worker built by ``build``, served by uvicorn on 127.0.0.1 until the block ends."""
    import uvicorn

    from fr2en.serve import create_app

    settings = replace(settings, serve=replace(settings.serve, **serve))
    worker = ModelWorker(build, settings.serve.batch_window_ms / 1000)
    worker.start()
    config = uvicorn.Config(
        create_app(worker, settings), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Running(f"http://127.0.0.1:{port}", worker)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        worker.close()


@dataclass(frozen=True)
class Reply:
    """An HTTP answer: status, headers (names in lower case), body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.body)


def call(
    url: str,
    data: bytes | None = None,
    content_type: str | None = None,
    method: str | None = None,
    timeout: float = 120,
) -> Reply:
    """One request; error statuses are returned, not raised."""
    headers = {"Content-Type": content_type} if content_type else {}
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(
                response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
            )
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


def post_json(url: str, payload: Any) -> Reply:
    """POST ``payload`` as JSON."""
    return call(url, json.dumps(payload).encode("utf-8"), "application/json")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its content type."""
    boundary = "fr2en-test-boundary-7d1c"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
