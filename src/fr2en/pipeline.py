"""The one place that composes the stages: read → segment → translate → align → score → write."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from fr2en import align, read, score, segment
from fr2en._version import __version__
from fr2en.config import Settings, load_settings
from fr2en.translate import ModelInfo, Progress, Translator, load_translator
from fr2en.types import AlignedPair, Document, DocumentResult, RunSignature, Sentence, Translation
from fr2en.write import write_outputs


def run_signature(info: ModelInfo, settings: Settings) -> RunSignature:
    """How outputs made with ``info`` and ``settings`` are made; the settings that change the output."""
    model = settings.model
    # float32 is the default and is not spelled out, so that its signatures stay as they were.
    precision = (("precision", info.precision),) if info.precision else ()
    return RunSignature(
        fr2en_version=__version__,
        model=info.model,
        revision=info.revision,
        backend=info.backend,
        device=info.device,
        segmenter=segment.SEGMENTER,
        aligner=align.ALIGNER,
        scorer=score.SCORER,
        settings=(
            *precision,
            ("beam", str(model.beam)),
            ("window", str(model.max_input_tokens)),
            ("max_new", f"{model.max_new_tokens_ratio:g}x+{model.max_new_tokens_margin}"),
            ("threshold", f"{settings.score.threshold:g}"),
        ),
    )


def layout_english(document: Document, sentences: Sequence[Sentence], english: Sequence[str]) -> str:
    """The English in the article's paragraphs: sentences joined by spaces, breaks as in the French."""
    per_paragraph: dict[int, list[str]] = {}
    for sentence, text in zip(sentences, english, strict=True):
        if text:
            per_paragraph.setdefault(sentence.paragraph, []).append(text)
    pieces: list[str] = []
    for index, paragraph in enumerate(document.paragraphs):
        if index:
            gap = document.text[document.paragraphs[index - 1].end : paragraph.start]
            pieces.append("\n\n" if gap.count("\n") > 1 else "\n")
        pieces.append(" ".join(per_paragraph.get(index, [])))
    return "".join(pieces).strip("\n")


def assemble(
    document: Document,
    sentences: Sequence[Sentence],
    translations: Sequence[Translation],
    info: ModelInfo,
    settings: Settings,
    seconds: float = 0.0,
) -> DocumentResult:
    """Align and score translated sentences into a DocumentResult."""
    english = [t.text for t in translations]
    links = align.align_one_to_one([s.text for s in sentences], english)
    pairs = []
    for link in links:
        source = " ".join(sentences[i].text for i in link.src)
        target = " ".join(english[i] for i in link.tgt)
        evidence = translations[link.src[0]] if len(link.src) == 1 else None
        pairs.append(
            AlignedPair(
                src=link.src,
                tgt=link.tgt,
                source=source,
                target=target,
                paragraph=sentences[link.src[0]].paragraph,
                scores=score.score_pair(source, target, evidence, settings.score.threshold),
                alignment=link.score,
            )
        )
    notes = ("empty input: no sentences to translate",) if not sentences else ()
    return DocumentResult(
        document=document,
        source_sentences=tuple(sentences),
        target_sentences=tuple(english),
        pairs=tuple(pairs),
        english=layout_english(document, sentences, english),
        signature=run_signature(info, settings),
        seconds=seconds,
        notes=notes,
    )


def translate_document(
    document: Document, translator: Translator, settings: Settings, progress: Progress | None = None
) -> DocumentResult:
    """Segment, translate, align and score one document."""
    started = time.perf_counter()
    sentences = segment.segment(document)
    translations = translator.translate([s.text for s in sentences], progress) if sentences else []
    return assemble(
        document, sentences, translations, translator.info, settings, time.perf_counter() - started
    )


def translate_text(
    text: str, *, settings: Settings | None = None, translator: Translator | None = None, name: str = "<text>"
) -> DocumentResult:
    """Translate French ``text``; the model named in ``settings`` is loaded unless ``translator`` is given."""
    settings = settings or load_settings()
    translator = translator or load_translator(settings.model)
    document = read.read_bytes(text.encode("utf-8"), name)
    return translate_document(document, translator, settings)


def translate_file(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
    translator: Translator | None = None,
) -> DocumentResult:
    """Translate one file; with ``out_dir``, also write its outputs there as ``<name>.<format>``."""
    settings = settings or load_settings()
    path = Path(path)
    document = read.read_file(path, path.name)
    translator = translator or load_translator(settings.model)
    result = translate_document(document, translator, settings)
    if out_dir is not None:
        write_outputs(result, Path(out_dir) / path.stem, settings.output.formats)
    return result
