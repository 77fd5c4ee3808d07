"""``.en.txt``: the English alone, in the article's paragraphs."""

from __future__ import annotations

from fr2en.types import DocumentHeader, DocumentSummary, PairChunk


def header(doc: DocumentHeader) -> str:
    """Nothing: the file is the English text alone."""
    return ""


def rows(chunk: PairChunk) -> str:
    """The chunk's English, paragraph breaks included."""
    return chunk.english


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """One final newline, unless the document is empty."""
    return "\n" if summary.pairs else ""
