"""fr2en: French→English translation and bilingual alignment with per-sentence quality scores."""

from __future__ import annotations

from fr2en._version import __version__
from fr2en.pipeline import split_sentences

__all__ = ["__version__", "split_sentences"]
