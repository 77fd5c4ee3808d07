"""Small text helpers shared by stages (a leaf module: it imports nothing of fr2en)."""

from __future__ import annotations

import unicodedata


def fold_accents(text: str) -> str:
    """Lowercase ``text`` without accents or ligatures: ``États`` → ``etats``, ``œuvre`` → ``oeuvre``.

    One folding for every comparison across the two languages (the aligner's anchors, the scorer's
    words), so that a French word and its English cognate meet the same way everywhere.
    """
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
