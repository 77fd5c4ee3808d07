"""The one place that composes the stages: read → segment → translate → align → score → write."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from fr2en import align, read, score, segment
from fr2en._version import __version__
from fr2en.config import Settings, load_settings
from fr2en.errors import InputError, ModelLoadError, OutputError, UsageError
from fr2en.formats import reader_for
from fr2en.translate import ModelInfo, Progress, Translator, load_translator
from fr2en.types import (
    AlignedPair,
    Document,
    DocumentHeader,
    DocumentResult,
    DocumentSummary,
    FileScan,
    Link,
    PairChunk,
    Paragraph,
    RunSignature,
    Scores,
    Sentence,
    TextPart,
    Translation,
)
from fr2en.write import (
    DocumentWriter,
    atomic_write_text,
    output_paths,
    report,
    report_html,
    summary,
    write_outputs,
)

# Recorded as the model of outputs scored with the model-free checks only.
NO_MODEL = ModelInfo(model="none", revision="-", backend="model-free", device="-")

# What a document without sentences says in its notes (and every output's summary).
EMPTY_NOTE = "empty input: no sentences to translate"

_OTHER_LINE_ENDS = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")


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
        # Sentence by sentence the pairs are one-to-one by construction; paragraphs need the aligner.
        aligner=align.ALIGNER if model.unit == "paragraph" else align.ONE_TO_ONE,
        scorer=score.SCORER,
        settings=(
            *precision,
            ("beam", str(model.beam)),
            ("window", str(model.max_input_tokens)),
            ("max_new", f"{model.max_new_tokens_ratio:g}x+{model.max_new_tokens_margin}"),
            ("unit", model.unit),
            ("threshold", f"{settings.score.threshold:g}"),
        ),
    )


def alignment_signature(settings: Settings) -> RunSignature:
    """How the outputs of ``fr2en align`` are made: no model, the aligner and the scorer."""
    return RunSignature(
        fr2en_version=__version__,
        model="none",
        revision="-",
        backend="none",
        device="cpu",
        segmenter=segment.SEGMENTER,
        aligner=align.ALIGNER,
        scorer=score.SCORER,
        settings=(("threshold", f"{settings.score.threshold:g}"),),
    )


def _layout(document: Document, per_paragraph: Mapping[int, Sequence[str]]) -> str:
    """Texts joined by spaces within each paragraph, paragraph breaks as in ``document``."""
    pieces: list[str] = []
    for index, paragraph in enumerate(document.paragraphs):
        if index:
            gap = document.text[document.paragraphs[index - 1].end : paragraph.start]
            pieces.append("\n\n" if gap.count("\n") > 1 else "\n")
        pieces.append(" ".join(text for text in per_paragraph.get(index, ()) if text))
    return "".join(pieces).strip("\n")


def layout_english(document: Document, sentences: Sequence[Sentence], english: Sequence[str]) -> str:
    """The English in the article's paragraphs: sentences joined by spaces, breaks as in the French."""
    per_paragraph: dict[int, list[str]] = {}
    for sentence, text in zip(sentences, english, strict=True):
        per_paragraph.setdefault(sentence.paragraph, []).append(text)
    return _layout(document, per_paragraph)


def _pairs(
    links: Sequence[Link],
    sentences: Sequence[Sentence],
    targets: Sequence[str],
    threshold: float,
    evidence: Callable[[Link], Translation | None],
) -> tuple[AlignedPair, ...]:
    """Score every link into an AlignedPair; null links are flagged, English-only ones sit in the
    paragraph of the French before them."""
    pairs = []
    paragraph = 0
    for link in links:
        source = " ".join(sentences[i].text for i in link.src)
        target = " ".join(targets[j] for j in link.tgt)
        if link.src:
            paragraph = sentences[link.src[0]].paragraph
        scores = (
            score.score_pair(source, target, evidence(link), threshold)
            if link.src and link.tgt
            else score.score_null_link(source)
        )
        pairs.append(AlignedPair(link.src, link.tgt, source, target, paragraph, scores, link.alignment))
    return tuple(pairs)


def assemble(
    document: Document,
    sentences: Sequence[Sentence],
    translations: Sequence[Translation],
    info: ModelInfo,
    settings: Settings,
    seconds: float = 0.0,
) -> DocumentResult:
    """Align and score sentence-by-sentence translations into a DocumentResult."""
    english = [t.text for t in translations]
    links = align.align_one_to_one([s.text for s in sentences], english)
    pairs = _pairs(
        links,
        sentences,
        english,
        settings.score.threshold,
        lambda link: translations[link.src[0]] if len(link.src) == 1 else None,
    )
    notes = (EMPTY_NOTE,) if not sentences else ()
    return DocumentResult(
        document=document,
        source_sentences=tuple(sentences),
        target_sentences=tuple(english),
        pairs=pairs,
        english=layout_english(document, sentences, english),
        signature=run_signature(info, settings),
        seconds=seconds,
        notes=notes,
    )


def split_sentences(text: str) -> list[str]:
    """Split French ``text`` into sentences, each an exact slice of ``text``, in order.

    Lines keep their structure as the reader sees it: a line is its own paragraph (a heading, a
    dateline, a list item) unless the next line is a soft wrap of it, and no sentence crosses a
    paragraph. Only whitespace lies between the sentences, so nothing is lost or altered.
    """
    # The reader splits lines at "\n" only; other line ends become "\n" here, length kept, so
    # that the paragraphs' offsets still point into ``text``.
    lines = _OTHER_LINE_ENDS.sub(lambda m: " " * (len(m.group()) - 1) + "\n", text)
    paragraphs = [Paragraph(text[p.start : p.end], p.start, p.end) for p in read.paragraphs(lines)]
    return [sentence.text for sentence in segment.segment_paragraphs(paragraphs)]


@dataclass(frozen=True)
class PreparedUnits:
    """A document (or a part of one) segmented, with what the model must translate: ``units``, in order.

    The units are its sentences, or with ``--unit paragraph`` its paragraphs' texts. An executor
    may translate them in any batches; :func:`finish_units` then aligns and scores the result.
    """

    document: Document
    sentences: tuple[Sentence, ...]
    units: tuple[str, ...]


def prepare_units(document: Document, settings: Settings) -> PreparedUnits:
    """Segment ``document`` into what the model translates, by sentence or by paragraph as set."""
    sentences = segment.segment(document)
    paragraphs = settings.model.unit == "paragraph"
    units = _paragraph_inputs(sentences)[2] if paragraphs else [s.text for s in sentences]
    return PreparedUnits(document, tuple(sentences), tuple(units))


def finish_units(
    prepared: PreparedUnits,
    translations: Sequence[Translation],
    info: ModelInfo,
    settings: Settings,
    seconds: float = 0.0,
) -> DocumentResult:
    """Align and score the translations of ``prepared.units`` into the document's result."""
    assemble_with = _assemble_paragraphs if settings.model.unit == "paragraph" else assemble
    return assemble_with(prepared.document, prepared.sentences, translations, info, settings, seconds)


def translate_document(
    document: Document, translator: Translator, settings: Settings, progress: Progress | None = None
) -> DocumentResult:
    """Segment, translate, align and score one document, by sentence or by paragraph as set."""
    started = time.perf_counter()
    prepared = prepare_units(document, settings)
    translations = translator.translate(list(prepared.units), progress) if prepared.units else []
    return finish_units(prepared, translations, translator.info, settings, time.perf_counter() - started)


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
    """Translate one file; with ``out_dir``, also write its outputs there as ``<name>.<format>``.

    A formatted file (a web page, Markdown: see :mod:`fr2en.formats`) is read through its format,
    and its in-place translation (``<name>.en.html``…) is written with the outputs.
    """
    settings = settings or load_settings()
    path = Path(path)
    part = None
    if reader_for(path) is not None:
        part = next(read.read_parts(path, read.scan_file(path, path.name), settings=settings))
        document = part.document
    else:
        document = read.read_file(path, path.name)
    translator = translator or load_translator(settings.model)
    result = translate_document(document, translator, settings)
    if out_dir is not None:
        with DocumentWriter(Path(out_dir) / path.stem, settings.output.formats, result.header()) as writer:
            writer.add(result.chunk(), part)
            writer.commit(result.summary())
    return result


def _line_document(name: str, lines: Sequence[str]) -> tuple[Document, list[Sentence]]:
    """A Document whose paragraphs and sentences are the lines of a line-aligned file, one each."""
    text = "\n".join(lines)
    paragraphs: list[Paragraph] = []
    sentences: list[Sentence] = []
    offset = 0
    for index, line in enumerate(lines):
        paragraphs.append(Paragraph(line, offset, offset + len(line)))
        sentences.append(Sentence(line, offset, offset + len(line), index))
        offset += len(line) + 1
    return Document(name=name, text=text, paragraphs=tuple(paragraphs)), sentences


def _check_aligned(first: tuple[str, Sequence[str]], *others: tuple[str, Sequence[str] | None]) -> None:
    """InputError unless every other side given has as many lines as the first."""
    label_first, lines = first
    for label, other in others:
        if other is not None and len(other) != len(lines):
            raise InputError(
                f"{label_first} has {len(lines)} lines but {label} has {len(other)}; line-aligned files need "
                "one sentence per line and the same number of lines"
            )


def _with_references(scores: Scores, hypothesis: str, reference: str) -> Scores:
    chrf, bleu = score.sentence_metrics(hypothesis, reference)
    return Scores(scores.score, scores.flags, (*scores.signals, ("chrf", chrf), ("bleu", bleu)))


def score_texts(
    sources: Sequence[str],
    hypotheses: Sequence[str],
    references: Sequence[str] | None = None,
    *,
    settings: Settings | None = None,
    translator: Translator | None = None,
    evidence: Sequence[Translation] | None = None,
    use_model: bool = True,
    name: str = "<pairs>",
) -> DocumentResult:
    """Score line-aligned French ``sources`` and English ``hypotheses`` (pair *i* is line *i* of each).

    With ``use_model`` the configured model (or ``translator``) force-decodes each hypothesis to add
    its own evidence; ``evidence`` passes that evidence in directly (translations the model made).
    Without, only the model-free checks run and torch is never imported. With ``references``, each
    pair also gets sentence chrF and BLEU (signals ``chrf`` and ``bleu``) and the result carries
    corpus BLEU, chrF and TER with their sacrebleu signatures.
    """
    settings = settings or load_settings()
    _check_aligned(("French", sources), ("English", hypotheses), ("reference", references))
    info = NO_MODEL
    notes: list[str] = [] if sources else ["empty input: no pairs to score"]
    if use_model and evidence is None and translator is None:
        try:
            translator = load_translator(settings.model)
        except ModelLoadError as exc:
            # Translations made elsewhere are still worth checking: fall back to the model-free checks.
            use_model = False
            notes.append(f"no model evidence, model-free checks only ({exc})")
    if use_model and evidence is None and translator is not None:
        force = getattr(translator, "score_translations", None)
        if force is None:
            raise UsageError(
                f"the {translator.info.backend} backend cannot score given translations; "
                "use --no-model for the model-free checks"
            )
        evidence = force(sources, hypotheses)
    if use_model and translator is not None:
        info = translator.info
    document, sentences = _line_document(name, sources)
    pairs = []
    for index, (source, hypothesis) in enumerate(zip(sources, hypotheses, strict=True)):
        found = evidence[index] if evidence is not None and use_model else None
        scores = score.score_pair(source, hypothesis, found, settings.score.threshold)
        if references is not None:
            scores = _with_references(scores, hypothesis, references[index])
        pairs.append(AlignedPair((index,), (index,), source, hypothesis, index, scores))
    metrics = score.corpus_metrics(hypotheses, references) if references is not None else ()
    return DocumentResult(
        document=document,
        source_sentences=tuple(sentences),
        target_sentences=tuple(hypotheses),
        pairs=tuple(pairs),
        english="\n".join(hypotheses),
        signature=run_signature(info, settings),
        notes=tuple(notes),
        metrics=metrics,
    )


def _write_report(
    result: DocumentResult, label: str, out_dir: Path, written: Sequence[Path], started: tuple[str, float]
) -> None:
    """``report.json`` and ``report.html`` in ``out_dir`` for one document's outputs, as a batch has."""
    seconds = time.perf_counter() - started[1]
    report_html.write_reports(
        report.of_document(result, label, out_dir, written, started[0], seconds), out_dir
    )


def _write_all(
    result: DocumentResult, out_dir: str | Path, french: Path, settings: Settings, started: tuple[str, float]
) -> list[Path]:
    """The chosen formats and ``<French stem>.summary.json`` in ``out_dir``, then the run's report."""
    base = Path(out_dir) / french.stem
    written = write_outputs(result, base, settings.output.formats, report=report_html.NAME)
    summary_path = base.with_name(base.name + ".summary.json")
    atomic_write_text(summary_path, summary.render(result, settings.score.threshold))
    _write_report(result, str(french), Path(out_dir), [*written, summary_path], started)
    return [*written, summary_path]


def score_files(
    src: str | Path,
    hyp: str | Path,
    ref: str | Path | None = None,
    out_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
    translator: Translator | None = None,
    use_model: bool = True,
) -> DocumentResult:
    """Score the line-aligned files ``src`` (French) and ``hyp`` (English), optionally against ``ref``.

    With ``out_dir``, also write the outputs there as ``<src stem>.<format>`` (named after the French,
    as every command's outputs are) plus a summary and ``report.json``/``report.html``. Files that
    are not line-aligned (whole documents) are not aligned here yet: give one sentence per line.
    """
    started = report.now(), time.perf_counter()
    settings = settings or load_settings()
    src, hyp = Path(src), Path(hyp)
    sources = read.read_lines(src)
    hypotheses = read.read_lines(hyp)
    references = read.read_lines(Path(ref)) if ref is not None else None
    _check_aligned((str(src), sources), (str(hyp), hypotheses), (str(ref), references))
    result = score_texts(
        sources,
        hypotheses,
        references,
        settings=settings,
        translator=translator,
        use_model=use_model,
        name=src.name,
    )
    if out_dir is not None:
        _write_all(result, out_dir, src, settings, started)
    return result


def evaluate_files(
    src: str | Path,
    ref: str | Path,
    out_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
    translator: Translator | None = None,
    progress: Progress | None = None,
) -> DocumentResult:
    """Translate a line-aligned test set with the configured model and score it against ``ref``.

    The result's ``metrics`` are corpus BLEU, chrF and TER with sacrebleu signatures, comparable with
    published scores; each pair is also scored with the model's own evidence. With ``out_dir``, the
    outputs (``<src stem>.en.txt`` is the translation, line-aligned), a summary and the run's
    ``report.json``/``report.html`` are written there.
    """
    started = report.now(), time.perf_counter()
    settings = settings or load_settings()
    src = Path(src)
    sources = read.read_lines(src)
    references = read.read_lines(Path(ref))
    _check_aligned((str(src), sources), (str(ref), references))
    translator = translator or load_translator(settings.model)
    translations = translator.translate(sources, progress) if sources else []
    result = score_texts(
        sources,
        [t.text for t in translations],
        references,
        settings=settings,
        translator=translator,
        evidence=translations,
        name=src.name,
    )
    if out_dir is not None:
        _write_all(result, out_dir, src, settings, started)
    return result


def _null_link_notes(pairs: Sequence[AlignedPair]) -> tuple[str, ...]:
    """Notes that count the sentences left without a counterpart, when there are any."""
    french = sum(len(p.src) for p in pairs if not p.tgt)
    english = sum(len(p.tgt) for p in pairs if not p.src)
    notes = []
    if french:
        notes.append(f"{french} French sentence(s) without English (flagged unaligned_source)")
    if english:
        notes.append(f"{english} English sentence(s) without French (flagged unaligned_target)")
    return tuple(notes)


def _paragraph_inputs(sentences: Sequence[Sentence]) -> tuple[list[int], dict[int, list[int]], list[str]]:
    """The paragraphs holding sentences (in order), their sentences' indices, and each one's text."""
    by_paragraph: dict[int, list[int]] = {}
    for index, sentence in enumerate(sentences):
        by_paragraph.setdefault(sentence.paragraph, []).append(index)
    order = sorted(by_paragraph)
    inputs = [" ".join(sentences[i].text for i in by_paragraph[k]) for k in order]
    return order, by_paragraph, inputs


def _assemble_paragraphs(
    document: Document,
    sentences: Sequence[Sentence],
    translations: Sequence[Translation],
    info: ModelInfo,
    settings: Settings,
    seconds: float = 0.0,
) -> DocumentResult:
    """Split each paragraph's English into sentences and align them with its French, n:m."""
    order, by_paragraph, _ = _paragraph_inputs(sentences)
    english: list[str] = []
    links: list[Link] = []
    evidence: dict[int, Translation] = {}
    for k, translation in zip(order, translations, strict=True):
        french = by_paragraph[k]
        # The French rules split English safely enough; the aligner absorbs any odd split (n:m).
        parts = [s.text for s in segment.segment_paragraph(translation.text, paragraph=k)]
        offset = len(english)
        for link in align.align_sentences([sentences[i].text for i in french], parts):
            source_ids = tuple(french[i] for i in link.src)
            links.append(Link(source_ids, tuple(offset + j for j in link.tgt), link.alignment))
        english.extend(parts)
        evidence[k] = translation
    pairs = _pairs(
        links,
        sentences,
        english,
        settings.score.threshold,
        lambda link: evidence[sentences[link.src[0]].paragraph],
    )
    notes = (EMPTY_NOTE,) if not sentences else _null_link_notes(pairs)
    return DocumentResult(
        document=document,
        source_sentences=tuple(sentences),
        target_sentences=tuple(english),
        pairs=pairs,
        english=_layout(document, {k: [t.text] for k, t in zip(order, translations, strict=True)}),
        signature=run_signature(info, settings),
        seconds=seconds,
        notes=notes,
    )


def translate_paragraphs(
    document: Document, translator: Translator, settings: Settings, progress: Progress | None = None
) -> DocumentResult:
    """Translate whole paragraphs, split the English into sentences and align them back, n:m.

    Each paragraph is one model input (the translator splits any that exceed its window), so the
    model sees the context of every sentence. The English of a paragraph is aligned with that
    paragraph's French only: a paragraph is a safe boundary.
    """
    started = time.perf_counter()
    sentences = segment.segment(document)
    inputs = _paragraph_inputs(sentences)[2]
    translations = translator.translate(inputs, progress) if inputs else []
    return _assemble_paragraphs(
        document, sentences, translations, translator.info, settings, time.perf_counter() - started
    )


def align_documents(french: Document, english: Document, settings: Settings) -> DocumentResult:
    """Align a French document with its English translation: n:m links, null links flagged, scored."""
    started = time.perf_counter()
    source = segment.segment(french)
    target = [s.text for s in segment.segment(english)]
    links = align.align_sentences([s.text for s in source], target)
    pairs = _pairs(links, source, target, settings.score.threshold, lambda link: None)
    notes = _null_link_notes(pairs)
    if not source or not target:
        notes = (f"empty input: no {'French' if not source else 'English'} sentences to align", *notes)
    return DocumentResult(
        document=french,
        source_sentences=source,
        target_sentences=tuple(target),
        pairs=pairs,
        english=english.text.strip("\n"),
        signature=alignment_signature(settings),
        seconds=time.perf_counter() - started,
        notes=notes,
    )


def align_texts(
    french: str, english: str, *, settings: Settings | None = None, name: str = "<text>"
) -> DocumentResult:
    """Align French ``french`` with its English translation ``english`` (see :func:`align_documents`)."""
    settings = settings or load_settings()
    return align_documents(
        read.read_bytes(french.encode("utf-8"), name),
        read.read_bytes(english.encode("utf-8"), name),
        settings,
    )


def align_files(
    french: str | Path,
    english: str | Path,
    out_dir: str | Path | None = None,
    *,
    settings: Settings | None = None,
) -> DocumentResult:
    """Align a French file with its English translation; with ``out_dir``, also write the outputs
    there as ``<French file name>.<format>``, with the run's ``report.json`` and ``report.html``.
    OutputError when an output would overwrite an input."""
    started = report.now(), time.perf_counter()
    settings = settings or load_settings()
    french, english = Path(french), Path(english)
    documents = read.read_file(french, french.name), read.read_file(english, english.name)
    result = align_documents(*documents, settings)
    if out_dir is not None:
        base = Path(out_dir) / french.stem
        inputs = {french.resolve(), english.resolve()}
        if any(path.resolve() in inputs for path in output_paths(base, settings.output.formats)):
            raise OutputError(f"an output in {out_dir} would overwrite an input; choose another -o folder")
        written = write_outputs(result, base, settings.output.formats, report=report_html.NAME)
        _write_report(result, str(french), Path(out_dir), written, started)
    return result


CONTINUED_NOTE = (
    f"a paragraph longer than {read.CONTINUE_AFTER:,} characters was translated in pieces of about that size"
)


class ScannedDocument:
    """One scanned file's outputs, written part by part as each part's translations are back.

    :func:`translate_scanned` drives it one part at a time; the streaming executor
    (:mod:`fr2en.executors.local`) drives it as the shared batches of a window come back. Either
    way the outputs appear (atomically) only at :meth:`commit`, once the file is found unchanged.
    """

    def __init__(
        self,
        path: Path,
        scan: FileScan,
        base: Path,
        info: ModelInfo,
        settings: Settings,
        *,
        sync: bool = True,
        report_link: str = "",
    ) -> None:
        self.path, self.scan, self.base, self.info, self.settings = path, scan, base, info, settings
        self.sync = sync
        self.report_link = report_link
        self.writer: DocumentWriter | None = None
        self.done = DocumentSummary(pairs=0, sentences=0, mean_score=None, flagged=0)
        self.targets = 0
        self.total = 0.0
        self.notes = list(scan.notes)
        # The committed outputs' (size, SHA-256 hex), by path (see DocumentWriter.digests).
        self.digests: dict[Path, tuple[int, str]] = {}

    def _open(self) -> DocumentWriter:
        if self.writer is None:
            header = DocumentHeader(self.scan.name, run_signature(self.info, self.settings), self.report_link)
            self.writer = DocumentWriter(self.base, self.settings.output.formats, header, sync=self.sync)
        return self.writer

    def add(self, part: TextPart, prepared: PreparedUnits, translations: Sequence[Translation]) -> None:
        """Align, score and write one part, its units' ``translations`` in hand."""
        writer = self._open()
        result = finish_units(prepared, translations, self.info, self.settings)
        before = self.done
        pairs = tuple(
            replace(
                pair,
                source_ids=tuple(i + before.sentences for i in pair.source_ids),
                target_ids=tuple(i + self.targets for i in pair.target_ids),
                paragraph=pair.paragraph + part.first_paragraph,
            )
            for pair in result.pairs
        )
        writer.add(PairChunk(pairs, part.lead + result.english, before.pairs + 1), part)
        self.total += sum(pair.quality.score for pair in pairs)
        self.targets += len(result.target_sentences)
        self.notes.extend(note for note in result.notes if note not in self.notes)
        if part.lead == " " and CONTINUED_NOTE not in self.notes:
            self.notes.append(CONTINUED_NOTE)
        self.done = DocumentSummary(
            pairs=before.pairs + len(pairs),
            sentences=before.sentences + len(result.source_sentences),
            mean_score=None,
            flagged=before.flagged + sum(1 for p in pairs if p.quality.flags),
        )

    def commit(self, check: bool = False) -> tuple[DocumentSummary, list[Path]]:
        """Move the outputs into place; with ``check``, InputError first if the file changed since its scan."""
        if check and not read.unchanged_since(self.path, self.scan):
            raise InputError(
                f"{self.scan.name}: changed while it was being translated; rerun to translate it"
            )
        writer = self._open()
        notes = list(self.notes)
        if not self.done.sentences:
            notes.append(EMPTY_NOTE)
        pairs = self.done.pairs
        finished = replace(self.done, mean_score=self.total / pairs if pairs else None, notes=tuple(notes))
        written = writer.commit(finished)
        self.digests = writer.digests
        self.writer = None
        return finished, written

    def abort(self) -> None:
        """Remove the temporary outputs; the final names are left as they were."""
        if self.writer is not None:
            self.writer.abort()
            self.writer = None


def translate_scanned(
    path: Path,
    scan: FileScan,
    base: Path,
    translator: Translator,
    settings: Settings,
    progress: Progress | None = None,
    part_chars: int = read.PART_CHARS,
    report_link: str = "",
) -> tuple[DocumentSummary, list[Path]]:
    """Translate a scanned file into its outputs beside ``base``, a part of whole paragraphs at a time.

    Memory does not grow with the file: each part goes read → segment → translate → align → score
    → write before the next is read. The outputs appear (atomically) only once the last part is
    written and the file is found unchanged; any failure leaves the previous outputs as they were.
    Returns the document's summary and the paths written. ``report_link`` links the run's report page
    from the document's page (see :class:`~fr2en.types.DocumentHeader`).
    """
    document = ScannedDocument(path, scan, base, translator.info, settings, report_link=report_link)
    try:
        for part in read.read_parts(path, scan, part_chars, settings=settings):
            prepared = prepare_units(part.document, settings)
            translations = translator.translate(list(prepared.units), progress) if prepared.units else []
            document.add(part, prepared, translations)
        return document.commit()
    finally:
        document.abort()
