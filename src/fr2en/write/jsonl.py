"""``.jsonl``: one JSON object per aligned pair.

Fields: ``pair`` (1-based), ``paragraph`` (1-based), ``src``, ``tgt``, ``src_ids``/``tgt_ids``
(0-based sentence indices of each side; one side is empty for a null link), ``score``, ``flags``,
``alignment`` and ``signals`` (the named measurements behind the score).
"""

from __future__ import annotations

import json

from fr2en.types import DocumentHeader, DocumentSummary, PairChunk


def header(doc: DocumentHeader) -> str:
    """Nothing: every line is a pair."""
    return ""


def rows(chunk: PairChunk) -> str:
    """One JSON object per line and pair."""
    return "".join(
        json.dumps(
            {
                "pair": number,
                "paragraph": pair.paragraph + 1,
                "src": pair.source,
                "tgt": pair.target,
                "src_ids": list(pair.source_ids),
                "tgt_ids": list(pair.target_ids),
                "score": pair.quality.score,
                "flags": list(pair.quality.flags),
                "alignment": pair.alignment,
                "signals": dict(pair.quality.signals),
            },
            ensure_ascii=False,
        )
        + "\n"
        for number, pair in enumerate(chunk.pairs, start=chunk.first_number)
    )


def footer(doc: DocumentHeader, summary: DocumentSummary) -> str:
    """Nothing."""
    return ""
