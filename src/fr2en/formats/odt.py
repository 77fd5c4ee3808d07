"""OpenDocument text (.odt) translated in place through its zipped XML: ``name.en.odt``.

Every ``text:p`` and ``text:h`` with text becomes a block: paragraphs, headings, list items,
table cells, footnotes, text frames, then the page headers and footers of ``styles.xml``. A
paragraph is translated whole; its spans (character styles) and links are mapped back onto the
English as :mod:`fr2en.formats._inline` says. What is not text (footnote anchors, frames,
bookmarks, fields such as page numbers) is kept, after the English. Language attributes
(``fo:language``/``fo:country``, ``dc:language``) say English.

Read with lxml (no external entity resolved, zip bombs refused); parts without text are copied
byte for byte and the archive is written with ``mimetype`` first and stored, fixed timestamps.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

from lxml import etree

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import Block, SourceDocument, document_from_blocks
from fr2en.formats._inline import Atom, Styled, styled_block, styled_english
from fr2en.formats._zip import Entry, parse_xml, read_zip, serialize_xml, write_zip

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
KIND = "OpenDocument text"
CONTENT, STYLES, META = "content.xml", "styles.xml", "meta.xml"
_PARAGRAPHS = (TEXT + "p", TEXT + "h")
# Inline elements whose text is the paragraph's, with the formatting they give it.
_WRAPPERS = {TEXT + "span", TEXT + "a", TEXT + "meta"}
# Inline elements that read as spaces.
_SPACES = {TEXT + "tab", TEXT + "line-break"}
_WHITESPACE = re.compile(r"[ \t\r\n]+")

Context = tuple[tuple[str, tuple[tuple[str, str], ...]], ...]


def _attributes(element: etree._Element) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in element.attrib.items()))


def _collapse(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text) if text else ""


def _walk(element: etree._Element, context: Context, atoms: list[Atom], kept: list[etree._Element]) -> None:
    """The text of ``element``'s content as atoms; the children that are not text go to ``kept``."""
    atoms.append(Atom(_collapse(element.text), context))
    for child in element:
        if not isinstance(child.tag, str):  # a comment or a processing instruction
            pass
        elif child.tag in _WRAPPERS:
            _walk(child, (*context, (str(child.tag), _attributes(child))), atoms, kept)
        elif child.tag == TEXT + "s":
            atoms.append(Atom(" " * int(child.get(TEXT + "c") or "1"), context))
        elif child.tag in _SPACES:
            atoms.append(Atom(" ", context))
        else:
            kept.append(child)
        atoms.append(Atom(_collapse(child.tail), context))


def _paragraphs(root: etree._Element, part: str) -> list[etree._Element]:
    if part == STYLES:
        return [p for master in root.iter(OFFICE + "master-styles") for p in master.iter(*_PARAGRAPHS)]
    return list(root.iter(*_PARAGRAPHS))


def _styled(paragraph: etree._Element) -> tuple[Styled | None, list[etree._Element]]:
    atoms: list[Atom] = []
    kept: list[etree._Element] = []
    _walk(paragraph, (), atoms, kept)
    return styled_block(atoms), kept


def _rewrite(paragraph: etree._Element, styled: Styled, kept: Sequence[etree._Element], english: str) -> None:
    """Replace the paragraph's text by ``english`` in its spans and links; what is not text follows it."""
    for element in kept:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)  # its tail (French text) goes with it
        element.tail = None
    paragraph.text = None
    for child in list(paragraph):
        paragraph.remove(child)
    for atom in styled_english(styled, english):
        context: Hashable = atom.style
        assert isinstance(context, tuple)
        if not context:
            last = paragraph[-1] if len(paragraph) else None
            if last is None:
                paragraph.text = (paragraph.text or "") + atom.text
            else:
                last.tail = (last.tail or "") + atom.text
            continue
        holder = paragraph
        for tag, attributes in context:
            holder = etree.SubElement(holder, tag, dict(attributes))
        holder.text = atom.text
    for element in kept:
        paragraph.append(element)


def _english_language(root: etree._Element) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if (element.get(FO + "language") or "").lower() == "fr":
            element.set(FO + "language", "en")
            if element.get(FO + "country") is not None:
                element.set(FO + "country", "GB")
        if element.tag == DC + "language" and (element.text or "").lower().startswith("fr"):
            element.text = "en-GB"


def extract(data: bytes, name: str, settings: Settings | None = None) -> SourceDocument:
    """Read an .odt: its paragraphs as blocks, and a rebuild that writes the translated .odt."""
    entries = read_zip(data, name, KIND)
    by_name = {entry.name: entry.data for entry in entries}
    if CONTENT not in by_name:
        raise InputError(f"{name}: not a valid {KIND} (no {CONTENT} in the archive)")
    parts = [part for part in (CONTENT, STYLES) if part in by_name]
    blocks: list[Block] = []
    for part in parts:
        root = parse_xml(by_name[part], name, part)
        for paragraph in _paragraphs(root, part):
            styled, _ = _styled(paragraph)
            if styled is not None:
                blocks.append(styled.block)

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(blocks):
            raise ValueError(f"{name}: {len(english)} translations for {len(blocks)} paragraphs")
        replaced: dict[str, bytes] = {}
        position = 0
        for part in [*parts, META]:
            if part not in by_name:
                continue
            root = parse_xml(by_name[part], name, part)
            if part in parts:
                for paragraph in _paragraphs(root, part):
                    styled, kept = _styled(paragraph)
                    if styled is None:
                        continue
                    if english[position].strip():
                        _rewrite(paragraph, styled, kept, english[position])
                    position += 1
            _english_language(root)
            replaced[part] = serialize_xml(root)
        return write_zip([Entry(e.name, replaced.get(e.name, e.data)) for e in entries])

    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks), rebuild, ".en.odt")
