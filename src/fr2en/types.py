"""The frozen records that flow between fr2en's stages.

read → segment → translate → align → score → write: each stage takes and returns these, so any
stage can be tested, replaced or run on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    """A run of text the article's author set apart: a line, or lines joined by soft wraps.

    ``start``/``end`` are offsets into :attr:`Document.text`; ``text`` is that slice.
    """

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A decoded input: Unicode NFC, ``\\n`` line ends, no BOM, split into paragraphs.

    ``text[p.end:q.start]`` between two consecutive paragraphs holds only the line breaks and
    blank lines that separated them, so the layout can be rebuilt for the English.
    """

    name: str
    text: str
    paragraphs: tuple[Paragraph, ...]
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``document.text[start:end] == text`` and ``paragraph`` indexes its paragraph."""

    text: str
    start: int
    end: int
    paragraph: int = 0


@dataclass(frozen=True)
class Translation:
    """The model's English for one source sentence, with the model's own evidence about it.

    ``logprob`` is the mean log-probability per target token (end of sentence included) and
    ``min_logprob`` the lowest single token's; both are None when the backend gave none.
    ``parts`` > 1 says the source was longer than the model's window and was translated in that
    many pieces, then rejoined. ``hit_limit`` says generation stopped at the length cap rather than
    at an end-of-sentence token.
    """

    source: str
    text: str
    logprob: float | None = None
    min_logprob: float | None = None
    tokens: int = 0
    parts: int = 1
    hit_limit: bool = False


@dataclass(frozen=True)
class Link:
    """An n:m alignment link between sentence indices of two sides.

    One side may be empty: a sentence with no counterpart (a null link). ``score`` is the
    aligner's confidence in 0..1.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 1.0


@dataclass(frozen=True)
class Scores:
    """The quality verdict on one pair.

    ``score`` is the combined confidence in 0..1 (higher is better); ``flags`` name what looks wrong
    (empty when nothing does); ``signals`` keeps the named raw measurements behind the score.
    """

    score: float
    flags: tuple[str, ...] = ()
    signals: tuple[tuple[str, float], ...] = ()

    def signal(self, name: str) -> float | None:
        """The value of one named signal, or None when it was not measured."""
        return dict(self.signals).get(name)


@dataclass(frozen=True)
class AlignedPair:
    """French and English sentences that belong together, with their score.

    ``src``/``tgt`` are sentence indices (either may be empty for a null link), ``source``/``target``
    their texts joined by a space, ``paragraph`` the source paragraph the pair sits in.
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    source: str
    target: str
    paragraph: int
    scores: Scores
    alignment: float = 1.0


@dataclass(frozen=True)
class RunSignature:
    """How an output was made, so that two outputs can be compared without guessing."""

    fr2en_version: str
    model: str
    revision: str
    backend: str
    device: str
    segmenter: str
    aligner: str
    scorer: str
    settings: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready view, settings as a mapping."""
        return {
            "fr2en": self.fr2en_version,
            "model": self.model,
            "revision": self.revision,
            "backend": self.backend,
            "device": self.device,
            "segmenter": self.segmenter,
            "aligner": self.aligner,
            "scorer": self.scorer,
            "settings": dict(self.settings),
        }

    def as_text(self) -> str:
        """One line in sacrebleu's ``key:value|key:value`` style."""
        parts = [
            f"fr2en:{self.fr2en_version}",
            f"model:{self.model}",
            f"rev:{self.revision}",
            f"backend:{self.backend}",
            f"device:{self.device}",
            f"seg:{self.segmenter}",
            f"align:{self.aligner}",
            f"score:{self.scorer}",
        ]
        parts.extend(f"{key}:{value}" for key, value in self.settings)
        return "|".join(parts)


@dataclass(frozen=True)
class DocumentHeader:
    """What every output of a document states before its first pair."""

    name: str
    signature: RunSignature


@dataclass(frozen=True)
class DocumentChunk:
    """A run of consecutive pairs, cut at a paragraph boundary, for writing outputs incrementally.

    ``english`` is the English of these pairs' paragraphs, led by the paragraph break that separates
    it from the previous chunk (nothing for the first); ``first_number`` is the 1-based number of
    ``pairs[0]`` in the document.
    """

    pairs: tuple[AlignedPair, ...]
    english: str
    first_number: int = 1


@dataclass(frozen=True)
class DocumentSummary:
    """What is known of a document once all its pairs are written."""

    pairs: int
    sentences: int
    mean_score: float | None
    flagged: int
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Metric:
    """A corpus-level reference metric: its name, value (0..100; lower is better for TER) and signature."""

    name: str
    score: float
    signature: str

    def as_text(self) -> str:
        """sacrebleu's style: ``BLEU = 37.80 nrefs:1|case:mixed|...``."""
        return f"{self.name} = {self.score:.2f} {self.signature}"


@dataclass(frozen=True)
class DocumentResult:
    """Everything known about one translated (or aligned) document, ready for the writers.

    ``source_sentences``/``target_sentences`` are the two sides; ``pairs`` align them in document
    order; ``english`` is the English laid out in the article's paragraphs.
    """

    document: Document
    source_sentences: tuple[Sentence, ...]
    target_sentences: tuple[str, ...]
    pairs: tuple[AlignedPair, ...]
    english: str
    signature: RunSignature
    seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())
    # Reference metrics, when the pairs were scored against references (``fr2en score --ref``).
    metrics: tuple[Metric, ...] = ()

    @property
    def mean_score(self) -> float | None:
        """The mean pair score, or None for a document with no pairs."""
        if not self.pairs:
            return None
        return sum(p.scores.score for p in self.pairs) / len(self.pairs)

    @property
    def flagged(self) -> int:
        """How many pairs carry at least one flag."""
        return sum(1 for p in self.pairs if p.scores.flags)

    def header(self) -> DocumentHeader:
        """The document's header, for the writers."""
        return DocumentHeader(self.document.name, self.signature)

    def chunk(self) -> DocumentChunk:
        """All pairs as one chunk."""
        return DocumentChunk(self.pairs, self.english, 1)

    def summary(self) -> DocumentSummary:
        """The document's summary, for the writers and the report."""
        return DocumentSummary(
            len(self.pairs), len(self.source_sentences), self.mean_score, self.flagged, self.notes
        )


@dataclass(frozen=True)
class DocumentReport:
    """What happened to one input of a batch: ``status`` is ``done``, ``failed`` or ``skipped``."""

    input: str
    status: str
    outputs: tuple[str, ...] = ()
    sentences: int = 0
    mean_score: float | None = None
    flagged: int = 0
    seconds: float = 0.0
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    error: str | None = None
    # The Ray nodes whose actors translated the document's sentences (empty for a local run).
    nodes: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchReport:
    """A whole run: every document's report, the signature shared by its outputs, and timings."""

    documents: tuple[DocumentReport, ...]
    output_dir: str
    signature: RunSignature | None = None
    seconds: float = 0.0
    started: str = ""
    finished: str = ""
    interrupted: bool = False

    @property
    def failed(self) -> tuple[DocumentReport, ...]:
        """The documents that could not be done."""
        return tuple(d for d in self.documents if d.status == "failed")


@dataclass(frozen=True)
class FileScan:
    """What one pass over an input file found, before any of it is translated.

    ``sha256`` and ``size`` identify the bytes read (a resumed run compares them, and the second
    pass that translates the file checks that they did not change); ``mtime_ns`` is the file's
    modification time when the scan ended; ``encoding`` names how the text was decoded
    (``utf-8+cp1252`` for a file mixing both); ``hard_wrapped`` is the whole text's paragraph rule
    (see :mod:`fr2en.read`); ``notes`` say what was cleaned up.
    """

    name: str
    size: int
    sha256: str
    encoding: str
    hard_wrapped: bool
    notes: tuple[str, ...] = ()
    mtime_ns: int = 0


@dataclass(frozen=True)
class DocumentPart:
    """A run of whole paragraphs of a document read incrementally, for memory that does not grow with it.

    ``document.text`` is the slice of the whole normalised text starting at ``offset`` (parts follow
    each other without gaps) and its paragraphs' offsets are relative to that slice; ``first_paragraph``
    is the index, in the whole document, of the part's first paragraph. ``lead`` is what separates the
    part's English from the previous part's: ``""`` for the first part, ``"\\n"`` or ``"\\n\\n"`` at a
    paragraph break, ``" "`` when an over-long paragraph continues from the previous part.
    """

    document: Document
    offset: int
    first_paragraph: int
    lead: str
