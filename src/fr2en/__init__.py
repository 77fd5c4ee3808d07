"""fr2en: French→English translation and bilingual alignment with per-sentence quality scores.

The public API; importing it loads no model and never imports torch.
"""

from __future__ import annotations

from fr2en._version import __version__
from fr2en.align import align_sentences
from fr2en.batch import run_batch
from fr2en.config import Settings, load_settings
from fr2en.errors import Fr2EnError
from fr2en.pipeline import align_files, align_texts, translate_file, translate_text
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
    "translate_file",
    "translate_text",
]
