"""``.en.txt``: the English alone, in the article's paragraphs."""

from __future__ import annotations

from fr2en.types import DocumentResult


def render(result: DocumentResult) -> str:
    """The English text, ending with one newline (nothing at all for an empty document)."""
    return result.english + "\n" if result.english else ""
