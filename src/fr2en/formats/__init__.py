"""Documents in and out in their own formats: each module turns a file into a :class:`SourceDocument`.

A format module (``fr2en.formats.<name>``) exposes one function::

    def extract(data: bytes, name: str, settings: Settings) -> SourceDocument

which turns a file's bytes into a :class:`SourceDocument`: the translatable text as
:class:`Block` records (one per paragraph of the :class:`~fr2en.types.Document` built from them,
in the same order), and, for formats translated in place, a ``rebuild`` function that takes the
English of every block (same order) and returns the translated file's bytes. Segmentation,
batching, alignment, scoring, the cache, resume and failure isolation are the pipeline's and
are the same for every format; a format never imports a stage module.

A block is plain text (inline markup removed, whitespace as the reader would see it, no line
break inside); inline formatting that the rebuild must put back is kept as :class:`Mark`
records over the French text's offsets, and :func:`project_marks` carries them onto the English.

Formats are imported only when a file of theirs is read (their libraries are optional extras).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fr2en.types import AlignedPair, Document, Paragraph

# Blocks are separated by a blank line in the Document's text: every block is its own paragraph.
BLOCK_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Mark:
    """Inline formatting over ``text[start:end]`` of a block; ``tag`` indexes the format's own table."""

    start: int
    end: int
    tag: int


@dataclass(frozen=True)
class Block:
    """One run of translatable text: a paragraph, a heading, a list item, a table cell, a cue group."""

    text: str
    marks: tuple[Mark, ...] = ()


# The English of every block, in block order → the translated file's bytes.
Rebuild = Callable[[Sequence[str]], bytes]


@dataclass(frozen=True)
class SourceDocument:
    """A file read through its format: the Document to translate and how to rebuild the file.

    ``document.paragraphs[i]`` is ``blocks[i]``; ``rebuild`` is None for formats whose outputs are
    the bilingual ones only (a PDF, an article extracted from a web page); ``suffix`` is the
    in-place output's suffix (``.en.html``), empty when there is none.
    """

    document: Document
    blocks: tuple[Block, ...]
    rebuild: Rebuild | None = None
    suffix: str = ""


def document_from_blocks(name: str, blocks: Sequence[Block], encoding: str = "utf-8") -> Document:
    """A Document whose paragraphs are ``blocks``, one each, separated by a blank line."""
    paragraphs: list[Paragraph] = []
    offset = 0
    for block in blocks:
        paragraphs.append(Paragraph(block.text, offset, offset + len(block.text)))
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    text = BLOCK_SEPARATOR.join(block.text for block in blocks)
    return Document(name=name, text=text, paragraphs=tuple(paragraphs), encoding=encoding)


def english_by_block(pairs: Iterable[AlignedPair], blocks: int) -> list[str]:
    """The English of each of ``blocks`` blocks: the targets of the pairs in its paragraph, in order."""
    per_block: list[list[str]] = [[] for _ in range(blocks)]
    for pair in pairs:
        if pair.target:
            per_block[pair.paragraph].append(pair.target)
    return [" ".join(texts) for texts in per_block]


def _word_starts(text: str) -> list[int]:
    return [i for i, char in enumerate(text) if not char.isspace() and (i == 0 or text[i - 1].isspace())]


def _snap(text: str, position: int, starts: Sequence[int]) -> int:
    """``position`` moved to the nearest word start of ``text`` (or its end)."""
    candidates = [*starts, len(text)]
    return min(candidates, key=lambda p: abs(p - position))


def project_marks(french: str, english: str, marks: Sequence[Mark]) -> tuple[Mark, ...]:
    """Carry inline marks over ``french`` onto ``english``, as well as can be without word alignment.

    A mark whose French words appear verbatim in the English (a name, a number, a title kept as
    it is) lands on them; any other lands on the English words at the same relative position,
    snapped to word boundaries and never empty when the English is not. Marks keep their order.
    """
    if not english.strip():
        return ()
    starts = _word_starts(english)
    projected: list[Mark] = []
    scale = len(english) / max(len(french), 1)
    for mark in marks:
        words = french[mark.start : mark.end].strip()
        found = english.find(words) if words else -1
        if found >= 0:
            projected.append(Mark(found, found + len(words), mark.tag))
            continue
        start = _snap(english, round(mark.start * scale), starts)
        end = _snap(english, round(mark.end * scale), starts)
        if end <= start:
            later = [s for s in starts if s > start]
            end = later[0] if later else len(english)
        while end > start and english[end - 1].isspace():
            end -= 1
        projected.append(Mark(start, end, mark.tag))
    return tuple(projected)


# Input suffix → the module that reads it. Plain text (.txt) is read by fr2en.read, streamed.
READERS: dict[str, str] = {
    ".docx": "fr2en.formats.docx",
    ".odt": "fr2en.formats.odt",
    ".epub": "fr2en.formats.epub",
    ".srt": "fr2en.formats.subtitles",
    ".vtt": "fr2en.formats.subtitles",
    ".pdf": "fr2en.formats.pdf",
}


def reader_for(path: Path) -> str | None:
    """The format module that reads ``path``, or None for plain text."""
    return READERS.get(path.suffix.lower())


def extract_with(module_name: str) -> Callable[..., SourceDocument]:
    """The ``extract`` function of a format module, imported now."""
    module = importlib.import_module(module_name)
    extract: Callable[..., SourceDocument] = module.extract
    return extract
