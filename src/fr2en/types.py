"""The frozen records that flow between fr2en's stages.

read → segment → translate → align → score → write: each stage takes and returns these, so any
stage can be tested, replaced or run on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

# "Not given" for the constructors that also accept the old field names (see AlignedPair, Link).
_UNSET: Any = object()


def _pick(new: Any, old: Any, name: str, owner: str) -> Any:
    """The value given under the new name or the old one (the old one wins, as in ``replace``)."""
    value = old if old is not _UNSET else new
    if value is _UNSET:
        raise TypeError(f"{owner}() missing required argument: {name!r}")
    return value


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

    One side may be empty: a sentence with no counterpart (a null link). ``alignment`` is the
    aligner's confidence in 0..1 (``score`` before: the old name still reads and constructs).
    """

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    alignment: float = 1.0

    def __init__(
        self, src: tuple[int, ...], tgt: tuple[int, ...], alignment: float = 1.0, *, score: float = _UNSET
    ) -> None:
        object.__setattr__(self, "src", src)
        object.__setattr__(self, "tgt", tgt)
        object.__setattr__(self, "alignment", _pick(alignment, score, "alignment", "Link"))

    @property
    def score(self) -> float:
        """The old name of :attr:`alignment`."""
        return self.alignment


@dataclass(frozen=True)
class Quality:
    """The quality verdict on one pair (``Scores`` before: the old name is an alias).

    ``score`` is the combined confidence in 0..1 (higher is better); ``flags`` name what looks wrong
    (empty when nothing does); ``signals`` keeps the named raw measurements behind the score.
    """

    score: float
    flags: tuple[str, ...] = ()
    signals: tuple[tuple[str, float], ...] = ()

    def signal(self, name: str) -> float | None:
        """The value of one named signal, or None when it was not measured."""
        return dict(self.signals).get(name)


Scores = Quality


@dataclass(frozen=True)
class AlignedPair:
    """French and English sentences that belong together, with their quality.

    ``source_ids``/``target_ids`` are sentence indices (either may be empty for a null link),
    ``source``/``target`` their texts joined by a space, ``paragraph`` the source paragraph the pair
    sits in, ``quality`` the verdict on the pair and ``alignment`` the aligner's confidence.

    The old names ``src``, ``tgt`` and ``scores`` still read (properties) and construct (keywords,
    ``dataclasses.replace`` included); the outputs keep them (JSONL ``src_ids``, TSV columns).
    """

    source_ids: tuple[int, ...]
    target_ids: tuple[int, ...]
    source: str
    target: str
    paragraph: int
    quality: Quality
    alignment: float = 1.0

    def __init__(
        self,
        source_ids: tuple[int, ...] = _UNSET,
        target_ids: tuple[int, ...] = _UNSET,
        source: str = _UNSET,
        target: str = _UNSET,
        paragraph: int = _UNSET,
        quality: Quality = _UNSET,
        alignment: float = 1.0,
        *,
        src: tuple[int, ...] = _UNSET,
        tgt: tuple[int, ...] = _UNSET,
        scores: Quality = _UNSET,
    ) -> None:
        values = {
            "source_ids": _pick(source_ids, src, "source_ids", "AlignedPair"),
            "target_ids": _pick(target_ids, tgt, "target_ids", "AlignedPair"),
            "source": _pick(source, _UNSET, "source", "AlignedPair"),
            "target": _pick(target, _UNSET, "target", "AlignedPair"),
            "paragraph": _pick(paragraph, _UNSET, "paragraph", "AlignedPair"),
            "quality": _pick(quality, scores, "quality", "AlignedPair"),
            "alignment": alignment,
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def src(self) -> tuple[int, ...]:
        """The old name of :attr:`source_ids`."""
        return self.source_ids

    @property
    def tgt(self) -> tuple[int, ...]:
        """The old name of :attr:`target_ids`."""
        return self.target_ids

    @property
    def scores(self) -> Quality:
        """The old name of :attr:`quality`."""
        return self.quality


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
    """What every output of a document states before its first pair; ``report`` links the run's
    ``report.html`` from the document's page (relative to it; empty when there is none)."""

    name: str
    signature: RunSignature
    report: str = ""


@dataclass(frozen=True)
class PairChunk:
    """A run of consecutive pairs, cut at a paragraph boundary, for writing outputs incrementally.

    ``english`` is the English of these pairs' paragraphs, led by the paragraph break that separates
    it from the previous chunk (nothing for the first); ``first_number`` is the 1-based number of
    ``pairs[0]`` in the document.
    """

    pairs: tuple[AlignedPair, ...]
    english: str
    first_number: int = 1


# The old name (before the input side's parts and the output side's chunks were told apart).
DocumentChunk = PairChunk


@dataclass(frozen=True)
class DocumentSummary:
    """What is known of a document once all its pairs are written."""

    pairs: int
    sentences: int
    mean_score: float | None
    flagged: int
    notes: tuple[str, ...] = ()
    # Every flag raised in the document, in order of first appearance (the page's legend).
    flags: tuple[str, ...] = ()


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
        return sum(p.quality.score for p in self.pairs) / len(self.pairs)

    @property
    def flagged(self) -> int:
        """How many pairs carry at least one flag."""
        return sum(1 for p in self.pairs if p.quality.flags)

    def header(self) -> DocumentHeader:
        """The document's header, for the writers."""
        return DocumentHeader(self.document.name, self.signature)

    def chunk(self) -> PairChunk:
        """All pairs as one chunk."""
        return PairChunk(self.pairs, self.english, 1)

    def summary(self) -> DocumentSummary:
        """The document's summary, for the writers and the report."""
        flags = tuple(dict.fromkeys(flag for pair in self.pairs for flag in pair.scores.flags))
        return DocumentSummary(
            len(self.pairs), len(self.source_sentences), self.mean_score, self.flagged, self.notes, flags
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
class TextPart:
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
    # Set on the (one) part of a formatted input translated in place (``name.en.html``): the writer
    # collects each paragraph's English and rebuilds the file from it at commit.
    output: InPlaceOutput | None = None


@dataclass(frozen=True)
class InPlaceOutput:
    """A formatted input's translated copy: ``rebuild`` takes the English of each of ``blocks``
    paragraphs (in order) and returns the file's bytes, written as ``<base><suffix>``."""

    suffix: str
    blocks: int
    rebuild: Callable[[Sequence[str]], bytes]


# The old name (before the input side's parts and the output side's chunks were told apart).
DocumentPart = TextPart
