"""The write stage: one module per format, each ``header`` / ``rows`` / ``footer``, and atomic writes.

A format renders a document in three parts so that a long document can be written as it is
translated, chunk by chunk (:class:`DocumentWriter`), with memory that does not grow with its length;
:func:`render` gives the whole text at once. Every file is written to a temporary file beside its
target and renamed into place only when complete, so a killed run never leaves a half-written file
that a rerun would trust.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from fr2en.errors import OutputError
from fr2en.types import DocumentChunk, DocumentHeader, DocumentResult, DocumentSummary
from fr2en.write import html, jsonl, md, tmx, tsv, txt, xliff


@dataclass(frozen=True)
class Format:
    """One output format: its file suffix and its three rendering functions."""

    suffix: str
    header: Callable[[DocumentHeader], str]
    rows: Callable[[DocumentChunk], str]
    footer: Callable[[DocumentHeader, DocumentSummary], str]

    def render(self, result: DocumentResult) -> str:
        """The whole document in this format."""
        head = result.header()
        return self.header(head) + self.rows(result.chunk()) + self.footer(head, result.summary())


def _format(module: object, suffix: str) -> Format:
    return Format(suffix, module.header, module.rows, module.footer)  # type: ignore[attr-defined]


FORMATS: dict[str, Format] = {
    "txt": _format(txt, ".en.txt"),
    "tsv": _format(tsv, ".tsv"),
    "jsonl": _format(jsonl, ".jsonl"),
    "tmx": _format(tmx, ".tmx"),
    "html": _format(html, ".html"),
    # Not plain ".md": an input folder's Markdown articles are .md files, and outputs must never pass for inputs.
    "md": _format(md, ".fr-en.md"),
    "xlf": _format(xliff, ".xlf"),
}


def render(fmt: str, result: DocumentResult) -> str:
    """``result`` rendered whole in the format named ``fmt``."""
    return FORMATS[fmt].render(result)


def output_paths(base: Path, formats: Sequence[str]) -> list[Path]:
    """The files that ``formats`` produce for an output base path (``out/sub/name``)."""
    return [base.with_name(base.name + FORMATS[f].suffix) for f in formats]


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _open_temporary(path: Path) -> tuple[IO[str], Path]:
    """A text stream on a new temporary file beside ``path`` (same folder, so the rename is atomic)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        os.chmod(name, 0o666 & ~_umask())
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    return os.fdopen(handle, "w", encoding="utf-8", newline="\n"), Path(name)


def _finish(stream: IO[str], temporary: Path, path: Path, sync: bool = True) -> None:
    """Flush ``stream`` (to disk with ``sync``) and rename its file onto ``path``."""
    stream.flush()
    if sync:
        os.fsync(stream.fileno())
    stream.close()
    os.replace(temporary, path)


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` via a temporary file and a rename; OutputError on failure."""
    stream, temporary = _open_temporary(path)
    try:
        stream.write(text)
        _finish(stream, temporary, path)
    except OSError as exc:
        stream.close()
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


class DocumentWriter:
    """Writes one document's outputs in every chosen format, chunk by chunk, then commits them.

    Nothing appears under the final names until :meth:`commit`; leaving the ``with`` block by an
    exception (or calling :meth:`abort`) removes the temporary files.
    """

    def __init__(
        self, base: Path, formats: Sequence[str], header: DocumentHeader, *, sync: bool = True
    ) -> None:
        # Without ``sync`` the files are renamed into place without waiting for the disk: for a
        # caller that records their SHA-256 (the batch manifest) and checks it before trusting them.
        self.sync = sync
        self.header = header
        self.targets = list(zip((FORMATS[f] for f in formats), output_paths(base, formats), strict=True))
        self.open: list[tuple[Format, IO[str], Path, Path]] = []
        try:
            for fmt, path in self.targets:
                stream, temporary = _open_temporary(path)
                self.open.append((fmt, stream, temporary, path))
            self._write_each(lambda fmt: fmt.header(header))
        except BaseException:
            self.abort()
            raise

    def _write_each(self, text_of: Callable[[Format], str]) -> None:
        for fmt, stream, _, path in self.open:
            try:
                stream.write(text_of(fmt))
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None

    def add(self, chunk: DocumentChunk) -> None:
        """Append a chunk of pairs to every output."""
        self._write_each(lambda fmt: fmt.rows(chunk))

    def commit(self, summary: DocumentSummary) -> list[Path]:
        """Write the footers and move every output into place; returns the final paths."""
        try:
            self._write_each(lambda fmt: fmt.footer(self.header, summary))
            for _, stream, temporary, path in self.open:
                _finish(stream, temporary, path, self.sync)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot write outputs of {self.header.name}: {exc.strerror or exc}") from None
        except BaseException:
            self.abort()
            raise
        self.open = []
        return [path for _, path in self.targets]

    def abort(self) -> None:
        """Close and remove every temporary file; the final names are left as they were."""
        for _, stream, temporary, _ in self.open:
            with contextlib.suppress(OSError):
                stream.close()
            with contextlib.suppress(OSError):
                temporary.unlink()
        self.open = []

    def __enter__(self) -> DocumentWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.open:
            self.abort()


def write_outputs(result: DocumentResult, base: Path, formats: Sequence[str]) -> list[Path]:
    """Write a whole ``result`` in every format of ``formats`` beside ``base``."""
    with DocumentWriter(base, formats, result.header()) as writer:
        writer.add(result.chunk())
        return writer.commit(result.summary())
