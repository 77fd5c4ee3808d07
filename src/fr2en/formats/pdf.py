"""PDF files: their text extracted with pypdf (BSD), translated into the bilingual outputs only.

A PDF is a page description, not a text with paragraphs: rewriting it in English in place would
mean re-flowing every page, so a PDF gets the bilingual outputs (txt, tsv, html...) and no
``name.en.pdf``. The text of each page is extracted in reading order; lines are joined into
paragraphs (a line is a paragraph's last when a blank line follows, or when it ends a sentence
and is clearly shorter than the document's full lines); a word hyphenated at a line's end is joined.
A paragraph cut by a page break is joined when the next page goes on in lower case.

An encrypted PDF that opens without a password is read; one that needs a password, a damaged
file and a PDF without any text (a scan: run OCR first) each fail alone with a one-line reason.
"""

from __future__ import annotations

import io
import re
import unicodedata

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import Block, SourceDocument, document_from_blocks

# A line at most this share of the page's longest line, ending a sentence, ends its paragraph.
SHORT_LINE = 0.8
_ENDS_SENTENCE = re.compile(r"[.!?…:][\"'»”’)\]]*$")
_HYPHENATED = re.compile(r"[^\W\d_]-$")
_SPACES = re.compile(r"[ \t\u00a0]+")


def _lines(text: str) -> list[str]:
    return [_SPACES.sub(" ", line).strip() for line in text.splitlines()]


def _page_paragraphs(text: str, longest: int) -> list[str]:
    """The paragraphs of one page's extracted text; ``longest`` is the document's longest line."""
    lines = _lines(text)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                paragraphs.append(current)
            current = ""
            continue
        if current and _HYPHENATED.search(current) and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if _ENDS_SENTENCE.search(line) and len(line) <= SHORT_LINE * longest:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def paragraphs_of(pages: list[str]) -> list[str]:
    """The paragraphs of a document's pages; one cut by a page break is joined again."""
    paragraphs: list[str] = []
    longest = max((len(line) for page in pages for line in _lines(page)), default=0)
    for page in pages:
        found = _page_paragraphs(page, longest)
        if found and paragraphs and not _ENDS_SENTENCE.search(paragraphs[-1]) and found[0][:1].islower():
            previous = paragraphs.pop()
            joined = previous[:-1] if _HYPHENATED.search(previous) else previous + " "
            found[0] = joined + found[0]
        paragraphs.extend(found)
    return paragraphs


def extract(data: bytes, name: str, settings: Settings | None = None) -> SourceDocument:
    """Read a PDF's text as blocks; no rebuild (the outputs are the bilingual ones)."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError
    except ImportError:  # pragma: no cover - the extra is not installed
        raise InputError(f"{name}: PDF files need pypdf: pip install 'fr2en[formats]'") from None
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise InputError(f"{name}: encrypted PDF that cannot be opened here ({exc})") from None
            if not opened:
                raise InputError(f"{name}: encrypted PDF that needs a password; decrypt it first")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds on damaged files; each is this file's fault
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise InputError(f"{name}: not a readable PDF ({reason})") from None
    text = [unicodedata.normalize("NFC", page) for page in pages]
    blocks = [Block(paragraph) for paragraph in paragraphs_of(text)]
    if not blocks:
        raise InputError(f"{name}: the PDF holds no text to extract (a scan? run OCR on it first)")
    return SourceDocument(document_from_blocks(name, blocks), tuple(blocks))
