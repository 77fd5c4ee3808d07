"""Word documents (.docx) translated in place: ``name.en.docx``.

Every paragraph with text becomes a block: body paragraphs, headings, list items and table cells
(their styles, numbering and the table around them are left alone), then the headers and footers,
footnotes and endnotes. A paragraph is translated whole, whatever runs its sentences cross; its
runs' formatting (bold, italic, character styles, links) is mapped back onto the English as
:mod:`fr2en.formats._inline` says. Text the reader does not write (page numbers, dates and other
computed fields, deleted revisions, drawings) is left as it is. Language tags ``fr-*`` become
``en-GB`` so that a spelling checker reads the English as English.

The package is read with lxml directly (no external entity resolved, zip bombs refused) and every
part that holds no text is copied byte for byte; the archive is written with fixed timestamps, so
a rerun gives the same bytes. python-docx (MIT) opens the result; the tests use it.
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

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
KIND = "Word document"
MAIN = "word/document.xml"
# Parts that hold the text a reader sees, after the body: headers, footers, footnotes, endnotes.
_TEXT_PARTS = re.compile(r"word/(header\d*|footer\d*|footnotes|endnotes)\.xml")
# Run children that carry text, and what each reads as.
_TEXT_CHILDREN = {W + "t": None, W + "tab": " ", W + "br": " ", W + "cr": " ", W + "noBreakHyphen": "-"}
_TEXT_CHILDREN_ALL = {*_TEXT_CHILDREN, W + "softHyphen"}
# Wrappers inside a paragraph that are removed once the runs they held have moved out.
_WRAPPERS = {W + "hyperlink", W + "smartTag", W + "ins", W + "customXml"}
# Fields whose result the application computes (page numbers, dates, references): never translated.
_COMPUTED_FIELDS = {
    "PAGE", "NUMPAGES", "SECTIONPAGES", "PAGEREF", "DATE", "TIME", "SAVEDATE", "PRINTDATE",
    "CREATEDATE", "EDITTIME", "SEQ", "REF", "NOTEREF", "FILENAME", "NUMWORDS", "NUMCHARS", "SECTION",
}  # fmt: skip

# A run's style: its run properties as XML and the attributes of the link it sits in, if any.
Style = tuple[bytes, tuple[tuple[str, str], ...] | None]


def _style(run: etree._Element, paragraph: etree._Element) -> Style:
    properties = run.find(W + "rPr")
    rpr = etree.tostring(properties) if properties is not None else b""
    link: tuple[tuple[str, str], ...] | None = None
    parent = run.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag == W + "hyperlink":
            link = tuple(sorted((str(k), str(v)) for k, v in parent.attrib.items()))
            break
        parent = parent.getparent()
    return rpr, link


def _field_name(instruction: object) -> str:
    """A field instruction's name (`` PAGE \\* MERGEFORMAT `` → ``PAGE``)."""
    words = str(instruction).split()
    return words[0].upper() if words else ""


class _Fields:
    """Which runs of a part sit in the result of a computed field, followed in document order."""

    def __init__(self) -> None:
        self.stack: list[list[object]] = []  # [instruction, in result?]

    def skip(self, run: etree._Element) -> bool:
        """Whether ``run``'s text is a computed field's result; updates the state with its field marks."""
        computed = any(
            bool(result) and _field_name(instruction) in _COMPUTED_FIELDS
            for instruction, result in self.stack
        )
        for child in run:
            if child.tag == W + "fldChar":
                kind = child.get(W + "fldCharType")
                if kind == "begin":
                    self.stack.append(["", False])
                elif kind == "separate" and self.stack:
                    self.stack[-1][1] = True
                elif kind == "end" and self.stack:
                    self.stack.pop()
            elif child.tag == W + "instrText" and self.stack:
                self.stack[-1][0] = str(self.stack[-1][0]) + (child.text or "")
        return computed


def _in_fallback_or_simple_field(element: etree._Element, stop: etree._Element | None) -> bool:
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (MC_FALLBACK, W + "fldSimple", W + "moveFrom"):
            return True
        parent = parent.getparent()
    return False


def _nearest_paragraph(run: etree._Element) -> etree._Element | None:
    parent = run.getparent()
    while parent is not None and parent.tag != W + "p":
        parent = parent.getparent()
    return parent


def _paragraphs(root: etree._Element) -> list[tuple[etree._Element, list[etree._Element]]]:
    """Every paragraph of a part with its text runs, in document order."""
    fields = _Fields()
    found: list[tuple[etree._Element, list[etree._Element]]] = []
    for paragraph in root.iter(W + "p"):
        if _in_fallback_or_simple_field(paragraph, None):
            continue
        runs: list[etree._Element] = []
        for run in paragraph.iter(W + "r"):
            if _nearest_paragraph(run) is not paragraph or _in_fallback_or_simple_field(run, paragraph):
                continue
            if fields.skip(run):
                continue
            if any(child.tag in _TEXT_CHILDREN for child in run):
                runs.append(run)
        found.append((paragraph, runs))
    return found


def _run_text(run: etree._Element) -> str:
    pieces: list[str] = []
    for child in run:
        if child.tag in _TEXT_CHILDREN:
            reads_as = _TEXT_CHILDREN[child.tag]
            pieces.append(child.text or "" if reads_as is None else reads_as)
    return "".join(pieces)


def _styled(paragraph: etree._Element, runs: Sequence[etree._Element]) -> Styled | None:
    return styled_block([Atom(_run_text(run), _style(run, paragraph)) for run in runs])


def _new_run(text: str, style: Hashable, properties: dict[Hashable, etree._Element]) -> etree._Element:
    run = etree.Element(W + "r")
    rpr = properties.get(style)
    if rpr is not None:
        run.append(etree.fromstring(etree.tostring(rpr)))
    t = etree.SubElement(run, W + "t")
    t.text = text
    if text != text.strip():
        t.set(XML_SPACE, "preserve")
    return run


def _rewrite(paragraph: etree._Element, runs: Sequence[etree._Element], styled: Styled, english: str) -> None:
    """Put ``english`` in place of the text of ``runs``, formatted as their runs were."""
    properties: dict[Hashable, etree._Element] = {}
    for run in runs:
        key = _style(run, paragraph)
        if key not in properties:
            rpr = run.find(W + "rPr")
            if rpr is not None:
                properties[key] = rpr
    # The English goes where the paragraph's first text was, at the paragraph's own level.
    anchor = runs[0]
    while anchor.getparent() is not paragraph:
        anchor = anchor.getparent()
    new: list[etree._Element] = []
    for atom in styled_english(styled, english):
        run = _new_run(atom.text, atom.style, properties)
        link = atom.style[1] if isinstance(atom.style, tuple) else None
        if link is None:
            new.append(run)
        elif new and new[-1].tag == W + "hyperlink" and new[-1].attrib == dict(link):
            new[-1].append(run)
        else:
            wrapper = etree.Element(W + "hyperlink", dict(link))
            wrapper.append(run)
            new.append(wrapper)
    for element in new:
        anchor.addprevious(element)
    for run in runs:
        for child in list(run):
            if child.tag in _TEXT_CHILDREN_ALL:
                run.remove(child)
        parent = run.getparent()
        if all(child.tag == W + "rPr" for child in run) and parent is not None:
            parent.remove(run)
            while parent is not paragraph and parent is not None and parent.tag in _WRAPPERS:
                if any(child.tag != W + "rPr" for child in parent):
                    break
                above = parent.getparent()
                if above is None:
                    break
                above.remove(parent)
                parent = above


def _english_language(root: etree._Element) -> None:
    for lang in root.iter(W + "lang"):
        if (lang.get(W + "val") or "").lower().startswith("fr"):
            lang.set(W + "val", "en-GB")


def _text_parts(names: Sequence[str]) -> list[str]:
    """The body, then headers, footers, footnotes and endnotes (``header2`` before ``header10``)."""
    kinds = ("header", "footer", "footnotes", "endnotes")

    def order(part: str) -> tuple[int, int]:
        stem = part[len("word/") : -len(".xml")]
        kind = stem.rstrip("0123456789")
        return kinds.index(kind), int(stem[len(kind) :] or 0)

    return [MAIN, *sorted((n for n in names if _TEXT_PARTS.fullmatch(n)), key=order)]


def extract(data: bytes, name: str, settings: Settings | None = None) -> SourceDocument:
    """Read a .docx: its paragraphs as blocks, and a rebuild that writes the translated .docx."""
    entries = read_zip(data, name, KIND)
    by_name = {entry.name: entry.data for entry in entries}
    if MAIN not in by_name:
        raise InputError(f"{name}: not a valid {KIND} (no {MAIN} in the archive)")
    parts = _text_parts(list(by_name))
    blocks: list[Block] = []
    for part in parts:
        root = parse_xml(by_name[part], name, part)
        styled = [_styled(p, runs) for p, runs in _paragraphs(root) if runs]
        blocks.extend(s.block for s in styled if s is not None)

    def rebuild(english: Sequence[str]) -> bytes:
        if len(english) != len(blocks):
            raise ValueError(f"{name}: {len(english)} translations for {len(blocks)} paragraphs")
        replaced: dict[str, bytes] = {}
        position = 0
        for part in [*parts, "word/styles.xml", "word/numbering.xml"]:
            if part not in by_name or part in replaced:
                continue
            root = parse_xml(by_name[part], name, part)
            if part in parts:
                for paragraph, runs in _paragraphs(root):
                    styled = _styled(paragraph, runs) if runs else None
                    if styled is None:
                        continue
                    if english[position].strip():
                        _rewrite(paragraph, runs, styled, english[position])
                    position += 1
            _english_language(root)
            replaced[part] = serialize_xml(root)
        return write_zip([Entry(e.name, replaced.get(e.name, e.data)) for e in entries])

    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks), rebuild, ".en.docx")
