"""The write stage: one renderer per format, and atomic writes.

Each renderer is a pure function ``DocumentResult -> str``; :func:`write_outputs` writes the chosen
ones beside each other as ``<base>.<suffix>``, each through a temporary file renamed into place, so a
killed run never leaves a half-written file behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from fr2en.errors import OutputError
from fr2en.types import DocumentResult
from fr2en.write import html, jsonl, tmx, tsv, txt

Renderer = Callable[[DocumentResult], str]

RENDERERS: dict[str, tuple[str, Renderer]] = {
    "txt": (".en.txt", txt.render),
    "tsv": (".tsv", tsv.render),
    "jsonl": (".jsonl", jsonl.render),
    "tmx": (".tmx", tmx.render),
    "html": (".html", html.render),
}


def output_paths(base: Path, formats: Sequence[str]) -> list[Path]:
    """The files that ``formats`` produce for an output base path (``out/sub/name``)."""
    return [base.with_name(base.name + RENDERERS[f][0]) for f in formats]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename; OutputError on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        os.chmod(temporary, 0o666 & ~_umask())
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def write_outputs(result: DocumentResult, base: Path, formats: Sequence[str]) -> list[Path]:
    """Render ``result`` in every format of ``formats`` and write each beside ``base``."""
    rendered = [
        (path, RENDERERS[f][1](result)) for f, path in zip(formats, output_paths(base, formats), strict=True)
    ]
    for path, text in rendered:
        atomic_write_text(path, text)
    return [path for path, _ in rendered]
