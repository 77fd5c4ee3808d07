"""What the server's routes do, without the web framework: plain functions run in request threads.

Each function takes already-checked values, runs the library (the pipeline, through a
:class:`~fr2en.serve.worker.SharedTranslator` so that the model is shared) and returns JSON-ready
values or rendered outputs. Errors are fr2en's own (:class:`~fr2en.errors.InputError` for a bad
input); the app turns them into status codes.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fr2en import pipeline, score
from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import english_by_block, extract_with, reader_for
from fr2en.read import read_bytes
from fr2en.serve.worker import ModelWorker
from fr2en.types import DocumentResult
from fr2en.write import FORMATS, html, render, summary

HTML_MODULE = "fr2en.formats.html"


class FormatUnavailable(Exception):
    """The input format asked for needs a module this installation does not have."""


def detect_language(text: str) -> dict[str, Any]:
    """French or not, with a confidence (0..100), from fr2en's own French evidence (offline, no model).

    The evidence is the scorer's test for French left in an English translation: French-only
    function words and accented words against English-only function words.
    """
    french, english = score.french_words(score.tokens(text))
    if french + english == 0:
        return {"confidence": 0.0, "language": "fr"}
    share = french / (french + english)
    language = "fr" if share >= 0.5 else "en"
    confidence = share if language == "fr" else 1.0 - share
    # Few telling words is weak evidence whatever the share: shrink towards 50 %.
    weight = min(1.0, (french + english) / 8)
    return {"confidence": round(100.0 * (0.5 + (confidence - 0.5) * weight), 1), "language": language}


def translate_text(text: str, worker: ModelWorker, settings: Settings, timeout: float) -> str:
    """The English of one plain French text, paragraphs kept."""
    translator = worker.translator(timeout)
    return pipeline.translate_text(text, settings=settings, translator=translator).english


def html_available() -> bool:
    """Whether ``format=html`` can be served (the web-pages format module is installed)."""
    try:
        return importlib.util.find_spec(HTML_MODULE) is not None
    except ModuleNotFoundError:  # pragma: no cover - a parent package missing
        return False


def translate_html(page: str, worker: ModelWorker, settings: Settings, timeout: float) -> str:
    """An HTML page or fragment translated in place: the same markup, its French text made English."""
    if not html_available():
        raise FormatUnavailable("format html is not available")
    module = importlib.import_module(HTML_MODULE)
    source = module.extract_page(page.encode("utf-8"), "<html>")
    result = pipeline.translate_document(source.document, worker.translator(timeout), settings)
    if source.rebuild is None:
        return result.english
    english = english_by_block(result.pairs, len(source.blocks))
    rebuilt: bytes = source.rebuild(english)
    return rebuilt.decode("utf-8")


def translate_upload(
    data: bytes, name: str, worker: ModelWorker, settings: Settings, timeout: float
) -> DocumentResult:
    """A French text or file (any format fr2en reads) translated, aligned and scored."""
    translator = worker.translator(timeout)
    module = reader_for(Path(name))
    document = extract_with(module)(data, name, settings).document if module else read_bytes(data, name)
    return pipeline.translate_document(document, translator, settings)


def score_lines(
    sources: Sequence[str],
    hypotheses: Sequence[str],
    references: Sequence[str] | None,
    worker: ModelWorker | None,
    settings: Settings,
    timeout: float,
) -> DocumentResult:
    """Line-aligned pairs scored; with ``worker``, the model's own evidence is added (forced decoding)."""
    if worker is None:
        return pipeline.score_texts(sources, hypotheses, references, settings=settings, use_model=False)
    model = worker.model
    if getattr(model, "score_translations", None) is None:
        raise InputError(
            f"the {worker.info.backend} backend cannot score given translations; send model=false"
        )
    if len(sources) != len(hypotheses) or (references is not None and len(references) != len(sources)):
        sizes = f"{len(sources)} French, {len(hypotheses)} English" + (
            f", {len(references)} reference" if references is not None else ""
        )
        raise InputError(f"line-aligned texts need as many lines on each side ({sizes} lines)")
    evidence = worker.call(lambda m: m.score_translations(list(sources), list(hypotheses)), timeout)
    return pipeline.score_texts(
        sources,
        hypotheses,
        references,
        settings=settings,
        translator=worker.translator(timeout),
        evidence=evidence,
    )


def align_texts(french: str, english: str, settings: Settings) -> DocumentResult:
    """French and its English translation aligned n:m and scored (no model)."""
    return pipeline.align_texts(french, english, settings=settings, name="<text>")


def result_json(result: DocumentResult, settings: Settings) -> dict[str, Any]:
    """The pairs with their scores, flags and alignment, the English, the summary and the run signature."""
    return {
        "english": result.english,
        "pairs": [
            {
                "src": pair.source,
                "tgt": pair.target,
                "score": round(pair.scores.score, 4),
                "flags": list(pair.scores.flags),
                "alignment": {
                    "src": list(pair.src),
                    "tgt": list(pair.tgt),
                    "score": round(pair.alignment, 4),
                },
                "paragraph": pair.paragraph,
            }
            for pair in result.pairs
        ],
        "summary": json.loads(summary.render(result, settings.score.threshold)),
        "signature": result.signature.as_text(),
        "notes": list(result.notes),
    }


def view_json(result: DocumentResult) -> dict[str, Any]:
    """What the page at ``/`` shows: the rows of the HTML output's table, its summary and signature."""
    return {
        "rows": html.rows(result.chunk()),
        "pairs": len(result.pairs),
        "flagged": result.flagged,
        "summary": html.summary_text(result.summary()),
        "signature": result.signature.as_text(),
    }


# format=... of the /v1 routes: the CLI's outputs, with their media types.
MEDIA_TYPES = {
    "txt": "text/plain; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "tmx": "application/x-tmx+xml; charset=utf-8",
    "xlf": "application/xliff+xml; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def download(result: DocumentResult, fmt: str, stem: str) -> tuple[str, str, str]:
    """``result`` rendered as the CLI's output ``fmt``: (text, media type, file name)."""
    return render(fmt, result), MEDIA_TYPES[fmt], stem + FORMATS[fmt].suffix
