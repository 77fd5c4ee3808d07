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
import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fr2en.config import Settings
from fr2en.errors import InputError
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


_WORD = re.compile(r"\w+")


def _word_starts(text: str) -> list[int]:
    return [i for i, char in enumerate(text) if not char.isspace() and (i == 0 or text[i - 1].isspace())]


def _boundaries(text: str) -> tuple[list[int], list[int]]:
    """Where a mark may start and end in ``text``: at the ends of its words (runs of letters and
    digits) and of its whitespace-separated tokens, so that a word is never split but the full stop
    after a word may stay outside a mark."""
    starts = set(_word_starts(text))
    ends = {
        i + 1
        for i, char in enumerate(text)
        if not char.isspace() and (i + 1 == len(text) or text[i + 1].isspace())
    }
    for match in _WORD.finditer(text):
        starts.add(match.start())
        ends.add(match.end())
    return sorted(starts), sorted(ends)


def _snap(position: int, candidates: Sequence[int]) -> int:
    """``position`` moved to the nearest of ``candidates`` (the earlier one on a tie)."""
    return min(candidates, key=lambda p: (abs(p - position), p))


def _anchors(french: str, english: str) -> list[tuple[int, int, int, int]]:
    """Words the two texts share, once each (names, numbers, words kept as they are), in an order
    both texts agree on: ``(french start, french end, english start, english end)``."""

    def unique_words(text: str) -> dict[str, tuple[int, int]]:
        seen: dict[str, list[tuple[int, int]]] = {}
        for match in _WORD.finditer(text):
            word = match.group().casefold()
            if len(word) > 1 or word.isdigit():
                seen.setdefault(word, []).append(match.span())
        return {word: spans[0] for word, spans in seen.items() if len(spans) == 1}

    french_words, english_words = unique_words(french), unique_words(english)
    shared = sorted(
        (*french_words[word], *english_words[word]) for word in french_words.keys() & english_words.keys()
    )
    # The longest run of shared words in the same order on both sides (anchors must not cross).
    length = [1] * len(shared)
    previous = [-1] * len(shared)
    for i, anchor in enumerate(shared):
        for j in range(i):
            if shared[j][3] <= anchor[2] and length[j] + 1 > length[i]:
                length[i], previous[i] = length[j] + 1, j
    chain: list[tuple[int, int, int, int]] = []
    at = max(range(len(shared)), key=length.__getitem__, default=-1)
    while at >= 0:
        chain.append(shared[at])
        at = previous[at]
    return chain[::-1]


def _verbatim(words: str, english: str) -> int | None:
    """Where ``words`` occur in ``english`` as whole words, if they do exactly once."""
    if not words:
        return None
    found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(words)}(?!\w)", english)]
    return found[0] if len(found) == 1 else None


def _interpolate(position: int, points: Sequence[tuple[int, int]]) -> float:
    """``position`` in the French mapped onto the English between the two points around it."""
    for (f0, e0), (f1, e1) in itertools.pairwise(points):
        if f0 <= position <= f1:
            return e0 if f1 == f0 else e0 + (position - f0) * (e1 - e0) / (f1 - f0)
    return points[-1][1]


def project_marks(french: str, english: str, marks: Sequence[Mark]) -> tuple[Mark, ...]:
    """Carry inline marks over ``french`` onto ``english``, as well as can be without a word aligner.

    A mark whose French words appear verbatim in the English (a name, a number, a title kept as it
    is) lands on them. Any other is placed by anchors: words that occur once in each text (names,
    numbers, words the translation kept) pin French positions to English ones, and a mark's ends
    between two anchors land at the same relative place between their English counterparts (the
    texts' ends are anchors too, so without shared words this is the same relative position in
    the whole sentence). Ends are then snapped to word boundaries, so a word is never split, and a
    mark is never empty when the English is not. Marks keep their order; returns one per mark, or
    none when the English is blank.
    """
    if not english.strip():
        return ()
    starts, ends = _boundaries(english)
    points = [(0, 0)]
    for f_start, f_end, e_start, e_end in _anchors(french, english):
        points += [(f_start, e_start), (f_end, e_end)]
    points.append((len(french), len(english)))
    projected: list[Mark] = []
    for mark in marks:
        words = french[mark.start : mark.end].strip()
        found = _verbatim(words, english)
        if found is not None:
            projected.append(Mark(found, found + len(words), mark.tag))
            continue
        start = _snap(round(_interpolate(mark.start, points)), starts)
        end = _snap(round(_interpolate(mark.end, points)), ends)
        if end <= start:
            end = next((e for e in ends if e > start), len(english))
        projected.append(Mark(start, end, mark.tag))
    return tuple(projected)


@dataclass(frozen=True)
class Wrap:
    """What a :class:`Mark` stands for when a block is rebuilt (``Mark.tag`` indexes a tuple of these).

    A pair of markup strings put around the mark's English (``open``/``close``: ``<b>``/``</b>``,
    ``**``/``**``), or, with ``point``, a piece kept verbatim (``<code>…</code>``, an image) that
    replaces the English the mark lands on (none when ``blank``: a line break, an empty element).
    ``parent`` is the index of the innermost pair the mark lies in (-1 for none); marks come in
    the order their French starts (a parent before its children).
    """

    open: str
    close: str = ""
    point: bool = False
    blank: bool = False
    parent: int = -1


def render_marked(block: Block, english: str, wraps: Sequence[Wrap], escape: Callable[[str], str]) -> str:
    """The English of ``block`` with its marks put back as ``wraps`` say, text passed through ``escape``.

    Marks are carried over by :func:`project_marks`, then kept well nested: a mark is clamped into
    its parent's English and after its previous sibling's, so the markup is always well formed and
    every tag of the French comes back exactly once (empty when the English is blank).
    """
    if english.strip():
        projected = list(project_marks(block.text, english, block.marks))
    else:
        english = ""
        projected = [Mark(0, 0, mark.tag) for mark in block.marks]
    spans: dict[int, tuple[int, int]] = {}
    last_end: dict[int, int] = {}
    children: dict[int, list[int]] = {}
    for original, mark in zip(block.marks, projected, strict=True):
        wrap = wraps[mark.tag]
        low, high = spans.get(wrap.parent, (0, len(english)))
        start = min(max(mark.start, low, last_end.get(wrap.parent, low)), high)
        end = start if wrap.blank else min(max(mark.end, start), high)
        if wrap.point and english[start:end] != block.text[original.start : original.end].strip():
            # Replaced only where the English kept the French verbatim; otherwise put in, losing nothing.
            end = start
        spans[mark.tag] = (start, end)
        last_end[wrap.parent] = end
        children.setdefault(wrap.parent, []).append(mark.tag)

    def render(low: int, high: int, parent: int) -> str:
        out: list[str] = []
        position = low
        for child in children.get(parent, []):
            start, end = spans[child]
            out.append(escape(english[position:start]))
            wrap = wraps[child]
            out.append(wrap.open if wrap.point else wrap.open + render(start, end, child) + wrap.close)
            position = end
        out.append(escape(english[position:high]))
        return "".join(out)

    return render(0, len(english), -1)


# Input suffix → the module that reads it. Plain text (.txt) is read by fr2en.read, streamed.
READERS: dict[str, str] = {
    ".html": "fr2en.formats.html",
    ".htm": "fr2en.formats.html",
    ".xhtml": "fr2en.formats.html",
    ".md": "fr2en.formats.md",
    ".markdown": "fr2en.formats.md",
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


def document_key(path: Path, settings: Settings) -> str:
    """What a resumed run adds to its key for ``path``: the format that read it and the settings that
    change its outputs (``--html``), so that a document read another way is done again."""
    module = reader_for(path)
    if module is None:
        return ""
    name = module.rsplit(".", 1)[-1]
    return f"|format:{name}" + (f"|html:{settings.input.html}" if name == "html" else "")


def missing_extra(library: str, what: str) -> InputError:
    """The one-line error for a format whose library is not installed."""
    return InputError(f"{what} need {library}, from the formats extra: pip install 'fr2en[formats]'")
