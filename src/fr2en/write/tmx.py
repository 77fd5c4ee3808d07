"""``.tmx``: a TMX 1.4b translation memory, French (fr-FR) to English (en), one ``<tu>`` per pair.

Each unit carries the score and flags as ``<prop>`` elements; the header names fr2en, its version and
the run signature. Pairs with an empty side (null links) are left out: a translation memory unit
needs both languages.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from fr2en._version import __version__
from fr2en.types import DocumentChunk, DocumentHeader, DocumentSummary

SOURCE_LANG = "fr-FR"
TARGET_LANG = "en"
# Characters XML 1.0 forbids even when escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def header(doc: DocumentHeader) -> str:
    """The XML declaration, the TMX header and the opening of the body."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4">\n'
        f'  <header creationtool="fr2en" creationtoolversion={quoteattr(__version__)} segtype="sentence"'
        f' o-tmf="fr2en" adminlang="en" srclang="{SOURCE_LANG}" datatype="plaintext">\n'
        f'    <prop type="x-fr2en-document">{_text(doc.name)}</prop>\n'
        f'    <prop type="x-fr2en-signature">{_text(doc.signature.as_text())}</prop>\n'
        "  </header>\n"
        "  <body>\n"
    )


def rows(chunk: DocumentChunk) -> str:
    """One ``<tu>`` per pair that has both sides."""
    lines: list[str] = []
    for number, pair in enumerate(chunk.pairs, start=chunk.first_number):
        if not pair.source.strip() or not pair.target.strip():
            continue
        lines.append(f'    <tu tuid="{number}">')
        lines.append(f'      <prop type="x-score">{pair.scores.score:.4f}</prop>')
        if pair.scores.flags:
            lines.append(f'      <prop type="x-flags">{_text(",".join(pair.scores.flags))}</prop>')
        lines.append(f'      <tuv xml:lang="{SOURCE_LANG}"><seg>{_text(pair.source)}</seg></tuv>')
        lines.append(f'      <tuv xml:lang="{TARGET_LANG}"><seg>{_text(pair.target)}</seg></tuv>')
        lines.append("    </tu>")
    return "".join(line + "\n" for line in lines)


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """The end of the body and the document."""
    return "  </body>\n</tmx>\n"
