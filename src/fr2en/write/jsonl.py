"""``.jsonl``: one JSON object per aligned pair.

Fields: ``pair`` (1-based), ``paragraph`` (1-based), ``src``, ``tgt``, ``src_ids``/``tgt_ids``
(0-based sentence indices of each side; one side is empty for a null link), ``score``, ``flags``,
``alignment`` and ``signals`` (the named measurements behind the score).
"""

from __future__ import annotations

import json

from fr2en.types import DocumentResult


def render(result: DocumentResult) -> str:
    """The pairs as JSON Lines."""
    lines = [
        json.dumps(
            {
                "pair": number,
                "paragraph": pair.paragraph + 1,
                "src": pair.source,
                "tgt": pair.target,
                "src_ids": list(pair.src),
                "tgt_ids": list(pair.tgt),
                "score": pair.scores.score,
                "flags": list(pair.scores.flags),
                "alignment": pair.alignment,
                "signals": dict(pair.scores.signals),
            },
            ensure_ascii=False,
        )
        for number, pair in enumerate(result.pairs, start=1)
    ]
    return "".join(line + "\n" for line in lines)
