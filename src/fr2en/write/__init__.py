"""The write stage: one module per format, each ``header`` / ``rows`` / ``footer``, and atomic writes.

A format renders a document in three parts so that a long document can be written as it is
translated, chunk by chunk (:class:`DocumentWriter`), with memory that does not grow with its length;
:func:`render` gives the whole text at once. Every file is written to a temporary file beside its
target and renamed into place only when complete, so a killed run never leaves a half-written file
that a rerun would trust.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

from fr2en.formats import english_by_block
from fr2en.fsutil import AtomicFile
from fr2en.fsutil import atomic_write_bytes as atomic_write_bytes
from fr2en.fsutil import atomic_write_text as atomic_write_text
from fr2en.types import (
    AlignedPair,
    DocumentHeader,
    DocumentResult,
    DocumentSummary,
    InPlaceOutput,
    PairChunk,
    TextPart,
)
from fr2en.write import html, jsonl, md, tmx, tsv, txt, xliff


@dataclass(frozen=True)
class Format:
    """One output format: its file suffix and its three rendering functions."""

    suffix: str
    header: Callable[[DocumentHeader], str]
    rows: Callable[[PairChunk], str]
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
    # Not plain ".html": web pages are inputs too (and name.en.html is a page translated in place).
    "html": _format(html, ".fr-en.html"),
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


def _in_place_path(base: Path, output: InPlaceOutput) -> Path:
    return base.with_name(base.name + output.suffix)


class DocumentWriter:
    """Writes one document's outputs in every chosen format, chunk by chunk, then commits them.

    A formatted input translated in place (its part carries an :class:`~fr2en.types.InPlaceOutput`,
    given to :meth:`add`) also gets its rebuilt file (``<base>.en.html``…): the writer collects each
    paragraph's English from the chunks and, at commit, rebuilds the file and writes it with the rest.
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
        self.base = base
        self.in_place: InPlaceOutput | None = None
        self.pairs: list[AlignedPair] = []
        self.rebuilt: AtomicFile | None = None
        # The flags seen so far, in order of first appearance (a dict keeps the order).
        self.flags: dict[str, None] = {}
        self.targets = list(zip((FORMATS[f] for f in formats), output_paths(base, formats), strict=True))
        # Each output's (size, SHA-256 hex) once committed, by path: what the batch manifest records.
        self.digests: dict[Path, tuple[int, str]] = {}
        self.open: list[tuple[Format, AtomicFile]] = [
            (fmt, AtomicFile(path, sync=sync)) for fmt, path in self.targets
        ]
        try:
            self._write_each(lambda fmt: fmt.header(header))
        except BaseException:
            self.abort()
            raise

    def _write_each(self, text_of: Callable[[Format], str]) -> None:
        for fmt, output in self.open:
            output.write(text_of(fmt))

    def add(self, chunk: PairChunk, part: TextPart | None = None) -> None:
        """Append a chunk of pairs to every output; ``part``, the part the chunk was translated from,
        says whether the document is also rebuilt in place."""
        if part is not None and part.output is not None:
            self.in_place = part.output
        if self.in_place is not None:
            self.pairs.extend(chunk.pairs)
        self._write_each(lambda fmt: fmt.rows(chunk))
        for pair in chunk.pairs:
            self.flags.update(dict.fromkeys(pair.scores.flags))

    def commit(self, summary: DocumentSummary) -> list[Path]:
        """Write the footers and move every output into place; returns the final paths.

        The footers get ``summary`` with the flags of every pair added, when it does not name them.
        """
        if not summary.flags and self.flags:
            summary = replace(summary, flags=tuple(self.flags))
        try:
            self._write_each(lambda fmt: fmt.footer(self.header, summary))
            outputs = [output for _, output in self.open]
            if self.in_place is not None:
                self.rebuilt = AtomicFile(_in_place_path(self.base, self.in_place), sync=self.sync)
                self.rebuilt.write(self.in_place.rebuild(english_by_block(self.pairs, self.in_place.blocks)))
                outputs.append(self.rebuilt)
            for output in outputs:
                self.digests[output.path] = output.commit()
        except BaseException:
            self.abort()
            raise
        self.open, self.rebuilt = [], None
        return [output.path for output in outputs]

    def abort(self) -> None:
        """Drop every output not yet in place; the final names are left as they were."""
        for _, output in self.open:
            output.abort()
        if self.rebuilt is not None:
            self.rebuilt.abort()
        self.open, self.rebuilt = [], None

    def __enter__(self) -> DocumentWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self.open:
            self.abort()


def write_outputs(result: DocumentResult, base: Path, formats: Sequence[str], report: str = "") -> list[Path]:
    """Write a whole ``result`` in every format of ``formats`` beside ``base``; ``report`` links the
    run's report page from the document's page (relative to it), when there is one."""
    with DocumentWriter(base, formats, replace(result.header(), report=report)) as writer:
        writer.add(result.chunk())
        return writer.commit(result.summary())
