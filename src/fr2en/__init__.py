"""fr2en: French→English translation and bilingual alignment with per-sentence quality scores.

    from fr2en import translate_text
    result = translate_text("Bonjour tout le monde.")
    print(result.english)

Importing fr2en is cheap: torch and transformers load only when a model is built.
"""

from __future__ import annotations

from fr2en._version import __version__
from fr2en.align import align_sentences
from fr2en.batch import run_batch
from fr2en.config import Settings, load_settings
from fr2en.errors import Fr2EnError
from fr2en.pipeline import align_files, align_texts, split_sentences, translate_file, translate_text
from fr2en.types import AlignedPair, DocumentResult, Link

__all__ = [
    "AlignedPair",
    "DocumentResult",
    "Fr2EnError",
    "Link",
    "Settings",
    "__version__",
    "align_files",
    "align_sentences",
    "align_texts",
    "load_settings",
    "run_batch",
    "split_sentences",
    "translate_file",
    "translate_text",
]
