"""``.fr-en.md``: the document as a two-column Markdown table, French | English, one row per pair.

A title line comes first and a summary with the run signature after the table. Article text is
escaped so that it shows literally in any CommonMark/GitHub renderer: ``|`` cannot end a cell, ``<``
cannot open HTML, ``*``/``_``/backticks/brackets cannot format or link; a line break inside a
sentence becomes ``<br>``, the only markup fr2en itself writes into a cell.
"""

from __future__ import annotations

import re

from fr2en.types import DocumentHeader, DocumentSummary, PairChunk

# ASCII punctuation that CommonMark or GFM would read as markup; a backslash makes each literal.
_MARKUP = re.compile(r"([\\`*_\[\]<>|&~])")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def escape(text: str) -> str:
    """``text`` as literal Markdown on one line (line breaks as ``<br>``)."""
    return "<br>".join(_LINE_BREAK.split(_MARKUP.sub(r"\\\1", text)))


def header(doc: DocumentHeader) -> str:
    """The title and the table's header rows."""
    return f"# {escape(doc.name)}\n\n| Français | English |\n| --- | --- |\n"


def rows(chunk: PairChunk) -> str:
    """One table row per pair; an empty side is an empty cell."""
    return "".join(f"| {escape(pair.source)} | {escape(pair.target)} |\n" for pair in chunk.pairs)


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """A summary line and the run signature, after the table."""
    text = (
        f"{summary.pairs} pairs, mean score {summary.mean_score:.2f}, {summary.flagged} flagged."
        if summary.mean_score is not None
        else "Empty document: no sentences."
    )
    return f"\n{text}\n\nfr2en run signature: {escape(doc.signature.as_text())}\n"
