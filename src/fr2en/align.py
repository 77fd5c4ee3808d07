"""Sentence alignment between a French text and its English.

For sentence-by-sentence translation the alignment is one-to-one by construction.
"""

from __future__ import annotations

from collections.abc import Sequence

from fr2en.errors import AlignmentError
from fr2en.types import Link

ALIGNER = "one-to-one/1"


def align_one_to_one(src: Sequence[str], tgt: Sequence[str]) -> list[Link]:
    """Pair sentence i with sentence i; both sides must have the same number of sentences."""
    if len(src) != len(tgt):
        raise AlignmentError(
            f"cannot pair {len(src)} French sentences one-to-one with {len(tgt)} English ones"
        )
    return [Link((i,), (i,), 1.0) for i in range(len(src))]
