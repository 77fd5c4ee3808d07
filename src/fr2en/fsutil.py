"""Atomic files and folders: written beside their target, renamed into place only when complete.

A leaf module (it imports only :mod:`fr2en.errors`), so that every part of fr2en writes files the
same way: the outputs (:mod:`fr2en.write`), the manifest, the reports, the model folders fr2en builds
(:func:`cached_folder`). A killed run never leaves a half-written file under its final name; what it
leaves are ``.<name>.<8 characters>.part`` files, which :mod:`fr2en.manifest` knows how to sweep.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from fr2en.errors import OutputError

# What an AtomicFile keeps in memory before it creates its temporary file and streams to it. A short
# document's output is then one open, one write, one close and one rename, hashed as it is written;
# a long one streams, and memory stays flat.
SPILL_BYTES = 1 << 18
_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"
_names = random.Random()
# A forked child must not draw the parent's names (O_EXCL would catch it, after a wasted try).
os.register_at_fork(after_in_child=_names.seed)


def _create_beside(path: Path) -> tuple[int, Path]:
    """A new temporary file ``.<name>.<8 characters>.part`` beside ``path`` (same folder, so the
    rename is atomic), with the mode a plain new file gets; its descriptor and path."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{''.join(_names.choices(_NAME_CHARACTERS, k=8))}.part")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(f"no free temporary name beside {path}")


class AtomicFile:
    """A file that appears under its final name whole or not at all, and knows its size and SHA-256.

    What is written stays in memory up to :data:`SPILL_BYTES`, then goes to a temporary file beside
    ``path``; :meth:`commit` writes the rest and renames it into place (after an ``fsync`` with
    ``sync``). :meth:`abort` removes the temporary file. Text is written as UTF-8, ``\n`` kept.
    Every failure is an :class:`~fr2en.errors.OutputError` naming the file.
    """

    def __init__(self, path: Path, *, sync: bool = True) -> None:
        self.path = path
        self.sync = sync
        self.size = 0
        self._digest = hashlib.sha256()
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._handle: int | None = None
        self._temporary: Path | None = None

    def write(self, data: str | bytes) -> None:
        """Append ``data`` (text is encoded as UTF-8)."""
        raw = data.encode("utf-8") if isinstance(data, str) else data
        self._digest.update(raw)
        self.size += len(raw)
        self._pending.append(raw)
        self._pending_bytes += len(raw)
        if self._pending_bytes >= SPILL_BYTES:
            self._spill()

    def _spill(self) -> None:
        try:
            if self._handle is None:
                self._handle, self._temporary = _create_beside(self.path)
            view = memoryview(b"".join(self._pending))
            self._pending.clear()
            self._pending_bytes = 0
            while view:
                view = view[os.write(self._handle, view) :]
        except OSError as exc:
            raise self._failure(exc) from None

    def commit(self) -> tuple[int, str]:
        """Put the file in place; its ``(size, SHA-256 hex)``."""
        self._spill()
        assert self._handle is not None and self._temporary is not None
        try:
            if self.sync:
                os.fsync(self._handle)
            handle, self._handle = self._handle, None
            os.close(handle)
            os.replace(self._temporary, self.path)
        except OSError as exc:
            raise self._failure(exc) from None
        self._temporary = None
        return self.size, self._digest.hexdigest()

    def _failure(self, exc: OSError) -> OutputError:
        """Drop the file (nothing half-written stays behind) and say why."""
        self.abort()
        return OutputError(f"cannot write {self.path}: {exc.strerror or exc}")

    def abort(self) -> None:
        """Drop what was written; the final name is left as it was."""
        self._pending.clear()
        if self._handle is not None:
            with contextlib.suppress(OSError):
                os.close(self._handle)
            self._handle = None
        if self._temporary is not None:
            with contextlib.suppress(OSError):
                self._temporary.unlink()
            self._temporary = None


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename; OutputError on failure."""
    atomic_write_chunks(path, [text])


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename; OutputError on failure."""
    atomic_write_chunks(path, [data])


def atomic_write_chunks(path: str | os.PathLike[str], chunks: Iterable[str | bytes]) -> None:
    """Write ``chunks`` (text as UTF-8) to ``path`` as one atomic file, never holding them all; a
    failure, or an exception from ``chunks``, leaves no temporary file and the old file as it was."""
    target = AtomicFile(Path(path))
    try:
        for chunk in chunks:
            target.write(chunk)
    except BaseException:
        target.abort()
        raise
    target.commit()


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
