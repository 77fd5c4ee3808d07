"""``.tsv``: one row per aligned pair, tab-separated, with a header row.

Columns: ``pair`` (1-based), ``paragraph`` (1-based), ``fr``, ``en``, ``score`` (0..1),
``flags`` (comma-separated, empty when none), ``alignment`` (the aligner's confidence). Tabs and line
breaks inside a sentence become spaces so that every pair stays on one line.
"""

from __future__ import annotations

from fr2en.types import DocumentHeader, DocumentSummary, PairChunk

COLUMNS = ("pair", "paragraph", "fr", "en", "score", "flags", "alignment")


def _cell(text: str) -> str:
    if "\t" in text or "\n" in text or "\r" in text:
        return " ".join(text.replace("\t", " ").splitlines())
    return text


def header(doc: DocumentHeader) -> str:
    """The header row."""
    return "\t".join(COLUMNS) + "\n"


def rows(chunk: PairChunk) -> str:
    """One line per pair."""
    return "".join(
        "\t".join(
            (
                str(number),
                str(pair.paragraph + 1),
                _cell(pair.source),
                _cell(pair.target),
                f"{pair.quality.score:.4f}",
                ",".join(pair.quality.flags),
                f"{pair.alignment:.4f}",
            )
        )
        + "\n"
        for number, pair in enumerate(chunk.pairs, start=chunk.first_number)
    )


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """Nothing: provenance lives in report.json, which a TSV reader would not expect inline."""
    return ""
