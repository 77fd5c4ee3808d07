"""``.tsv``: one row per aligned pair, tab-separated, with a header row.

Columns: ``pair`` (1-based), ``paragraph`` (1-based), ``fr``, ``en``, ``score`` (0..1),
``flags`` (comma-separated, empty when none), ``alignment`` (the aligner's confidence). Tabs and line
breaks inside a sentence become spaces so that every pair stays on one line.
"""

from __future__ import annotations

from fr2en.types import DocumentResult

COLUMNS = ("pair", "paragraph", "fr", "en", "score", "flags", "alignment")


def _cell(text: str) -> str:
    return (
        " ".join(text.replace("\t", " ").splitlines())
        if ("\t" in text or "\n" in text or "\r" in text)
        else text
    )


def render(result: DocumentResult) -> str:
    """The pairs as TSV, header first."""
    lines = ["\t".join(COLUMNS)]
    for number, pair in enumerate(result.pairs, start=1):
        lines.append(
            "\t".join(
                (
                    str(number),
                    str(pair.paragraph + 1),
                    _cell(pair.source),
                    _cell(pair.target),
                    f"{pair.scores.score:.4f}",
                    ",".join(pair.scores.flags),
                    f"{pair.alignment:.4f}",
                )
            )
        )
    return "\n".join(lines) + "\n"
