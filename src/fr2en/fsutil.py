"""Atomic files and folders: written beside their target, renamed into place only when complete.

A leaf module (it imports only :mod:`fr2en.errors`), so that every part of fr2en writes files the
same way: the outputs (:mod:`fr2en.write`), the manifest, the reports, the model folders fr2en builds
(:func:`cached_folder`). A killed run never leaves a half-written file under its final name; what it
leaves are ``.<name>.<8 characters>.part`` files, which :mod:`fr2en.manifest` knows how to sweep.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from fr2en.errors import OutputError


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file beside ``path`` (same folder, so the rename is atomic): its descriptor."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.chmod(name, 0o666 & ~_umask())
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    return handle, Path(name)


def open_temporary(path: Path) -> tuple[IO[str], Path]:
    """A UTF-8 text stream (``\\n`` line ends) on a new temporary file beside ``path``, and its path."""
    handle, temporary = _temporary_beside(path)
    return os.fdopen(handle, "w", encoding="utf-8", newline="\n"), temporary


def finish(stream: IO[str] | IO[bytes], temporary: Path, path: Path, sync: bool = True) -> None:
    """Flush ``stream`` (to disk with ``sync``) and rename its file onto ``path``."""
    stream.flush()
    if sync:
        os.fsync(stream.fileno())
    stream.close()
    os.replace(temporary, path)


def _write_atomically(path: Path, stream: IO[str] | IO[bytes], temporary: Path, data: str | bytes) -> None:
    try:
        stream.write(data)  # type: ignore[arg-type]
        finish(stream, temporary, path)
    except OSError as exc:
        stream.close()
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename; OutputError on failure."""
    path = Path(path)
    stream, temporary = open_temporary(path)
    _write_atomically(path, stream, temporary, text)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename; OutputError on failure."""
    path = Path(path)
    handle, temporary = _temporary_beside(path)
    _write_atomically(path, os.fdopen(handle, "wb"), temporary, data)


def cached_folder(target: Path, marker: str, build: Callable[[Path], object]) -> Path:
    """``target``, made by ``build`` on first use: a folder whose file ``marker`` says it is complete.

    ``build`` fills a staging folder beside ``target``, which is then renamed into place, so that a
    crash never leaves half a folder; when another process finishes first, its copy is kept.
    """
    if (target / marker).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        build(staging)
        try:
            os.replace(staging, target)
        except OSError:
            if not (target / marker).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target
