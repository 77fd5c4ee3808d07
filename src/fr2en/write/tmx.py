"""``.tmx``: a TMX 1.4b translation memory, French (fr-FR) to English (en), one ``<tu>`` per pair.

Each unit carries the score and flags as ``<prop>`` elements; the header names fr2en, its version and
the run signature. Pairs with an empty side (null links, empty output) are left out: a translation
memory unit needs both languages. The file is valid against the TMX 1.4 DTD, and OmegaT reads it as a
translation memory (drop it into a project's ``tm/``, or ``tm/auto/`` to fill exact matches).
"""

from __future__ import annotations

from fr2en._version import __version__
from fr2en.types import DocumentHeader, DocumentSummary, PairChunk
from fr2en.write.xmltext import attr, text

SOURCE_LANG = "fr-FR"
TARGET_LANG = "en"


def header(doc: DocumentHeader) -> str:
    """The XML declaration, the TMX header and the opening of the body."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE tmx SYSTEM "tmx14.dtd">\n'
        '<tmx version="1.4">\n'
        f'  <header creationtool="fr2en" creationtoolversion={attr(__version__)} segtype="sentence"'
        f' o-tmf="fr2en" adminlang="en" srclang="{SOURCE_LANG}" datatype="plaintext">\n'
        f'    <prop type="x-fr2en-document">{text(doc.name)}</prop>\n'
        f'    <prop type="x-fr2en-signature">{text(doc.signature.as_text())}</prop>\n'
        "  </header>\n"
        "  <body>\n"
    )


def rows(chunk: PairChunk) -> str:
    """One ``<tu>`` per pair that has both sides."""
    lines: list[str] = []
    for number, pair in enumerate(chunk.pairs, start=chunk.first_number):
        if not pair.source.strip() or not pair.target.strip():
            continue
        lines.append(f'    <tu tuid="{number}">')
        lines.append(f'      <prop type="x-score">{pair.quality.score:.4f}</prop>')
        if pair.quality.flags:
            lines.append(f'      <prop type="x-flags">{text(",".join(pair.quality.flags))}</prop>')
        lines.append(f'      <tuv xml:lang="{SOURCE_LANG}"><seg>{text(pair.source)}</seg></tuv>')
        lines.append(f'      <tuv xml:lang="{TARGET_LANG}"><seg>{text(pair.target)}</seg></tuv>')
        lines.append("    </tu>")
    return "".join(line + "\n" for line in lines)


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """The end of the body and the document."""
    return "  </body>\n</tmx>\n"
