"""Formatted runs of one paragraph → a block with marks, and the English back into formatted runs.

Word and OpenDocument paragraphs are sequences of runs, each with its formatting (bold, a
character style, a link...). A sentence may cross runs, so the whole paragraph is translated as
one block, and the formatting is mapped back this way:

- the formatting that covers most of the French (usually plain text) is the paragraph's *base*;
- every other stretch of formatting (a bold word, a link) becomes a :class:`Mark` over the French,
  carried onto the English by :func:`fr2en.formats.project_marks` (onto the same words when they
  appear verbatim in the English, a name or a number; otherwise onto the English words at the same
  relative place, snapped to word boundaries);
- the English is cut at the projected marks: marked stretches get their formatting back, the
  rest the base formatting.

So a paragraph keeps its formatting runs, in order and about where they were, but a bold word in
the middle of a sentence lands on the English words at the same relative place, which is not
always its translation.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from fr2en.formats import Block, Mark, project_marks

# Whitespace a block may not hold (line and paragraph breaks, tabs) becomes a space, one for one.
_BREAKS = re.compile(r"[\t\n\r\v\f\u0085\u2028\u2029]")
# Characters XML 1.0 cannot hold: never written into a document, whatever a model outputs.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Atom:
    """A stretch of a paragraph's text with its formatting ``style`` (any hashable description)."""

    text: str
    style: Hashable


@dataclass(frozen=True)
class Styled:
    """A block plus what turns its English back into runs: the styles its marks index, and the base."""

    block: Block
    styles: tuple[Hashable, ...]
    base: Hashable


def styled_block(atoms: Sequence[Atom]) -> Styled | None:
    """The block of a paragraph made of ``atoms``, or None when it holds no text to translate."""
    merged: list[list[object]] = []  # [text, style] with neighbours of one style joined
    for atom in atoms:
        if not atom.text:
            continue
        if merged and merged[-1][1] == atom.style:
            merged[-1][0] = str(merged[-1][0]) + atom.text
        else:
            merged.append([atom.text, atom.style])
    text = _BREAKS.sub(" ", "".join(str(piece[0]) for piece in merged))
    stripped = text.strip()
    if not stripped:
        return None
    lead = len(text) - len(text.lstrip())
    weight: dict[Hashable, int] = {}
    for piece_text, style in merged:
        weight[style] = weight.get(style, 0) + len(str(piece_text).strip())
    base = max(weight, key=lambda style: weight[style])  # first of the heaviest on a tie
    styles: list[Hashable] = []
    marks: list[Mark] = []
    offset = 0
    for piece_text, style in merged:
        start, end = offset, offset + len(str(piece_text))
        offset = end
        if style == base:
            continue
        # The mark over this stretch's words, without the spaces around them, inside the block.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        start, end = max(start - lead, 0), min(end - lead, len(stripped))
        if end <= start:
            continue
        if style not in styles:
            styles.append(style)
        marks.append(Mark(start, end, styles.index(style)))
    return Styled(Block(stripped, tuple(marks)), tuple(styles), base)


def styled_english(styled: Styled, english: str) -> list[Atom]:
    """``english`` cut into atoms: the projected marks with their styles, the rest in the base style.

    Characters that XML cannot hold are dropped from ``english`` first.
    """
    english = _NOT_XML.sub("", english)
    marks = sorted(project_marks(styled.block.text, english, styled.block.marks), key=lambda m: m.start)
    atoms: list[Atom] = []
    position = 0
    for mark in marks:
        start = max(mark.start, position)
        if mark.end <= start:
            continue
        if start > position:
            atoms.append(Atom(english[position:start], styled.base))
        atoms.append(Atom(english[start : mark.end], styled.styles[mark.tag]))
        position = mark.end
    if position < len(english):
        atoms.append(Atom(english[position:], styled.base))
    joined: list[Atom] = []
    for atom in atoms:
        if joined and joined[-1].style == atom.style:
            joined[-1] = Atom(joined[-1].text + atom.text, atom.style)
        else:
            joined.append(atom)
    return joined
