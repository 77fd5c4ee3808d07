"""A fixed result with every shape of pair a writer must show, built by hand (no segmenter, no model).

Pairs: a 1:1 pair whose text holds a ``<script>`` and ``&``; a 2:1 pair (two French sentences, one
English); a French sentence with no English (1:0); an English sentence with no French (0:1); and a
flagged pair whose text holds an ``<img onerror>``, a pipe and Markdown emphasis. Article text that
would set ``window.__pwned`` if it ever ran as markup.
"""

from __future__ import annotations

from fr2en.read import read_bytes
from fr2en.types import (
    AlignedPair,
    BatchReport,
    DocumentReport,
    DocumentResult,
    RunSignature,
    Scores,
    Sentence,
)

FRENCH = (
    "Titre : <script>window.__pwned = 1</script> & co",
    "Le ministre a parlé.",
    "Il reviendra jeudi.",
    "Cette phrase reste seule.",
    '<img src=x onerror="window.__pwned = 2"> Fin | du *texte*.',
)
PARAGRAPHS = ((0,), (1, 2, 3), (4,))
SOURCE = "\n".join(" ".join(FRENCH[i] for i in p) for p in PARAGRAPHS[:2]) + "\n\n" + FRENCH[4]
ENGLISH = (
    "Title: <script>window.__pwned = 1</script> & co",
    "The minister spoke and will return on Thursday.",
    "A sentence with no French.",
    '<img src=x onerror="window.__pwned = 2"> End | of *the* text.',
)
# (src, tgt, score, flags)
LINKS: tuple[tuple[tuple[int, ...], tuple[int, ...], float, tuple[str, ...]], ...] = (
    ((0,), (0,), 0.91, ()),
    ((1, 2), (1,), 0.72, ()),
    ((3,), (), 0.0, ("unaligned_source",)),
    ((), (2,), 0.3, ("unaligned_target",)),
    ((4,), (3,), 0.48, ("low_score", "length_ratio")),
)
SIGNATURE = RunSignature(
    "0.1.0", "fr2en:tiny", "tiny-v1", "torch", "cpu", "seg/1", "align/1", "qe/1", (("beam", "2"),)
)


def _sentences(text: str) -> tuple[Sentence, ...]:
    found: list[Sentence] = []
    at = 0
    for paragraph, members in enumerate(PARAGRAPHS):
        for i in members:
            start = text.index(FRENCH[i], at)
            found.append(Sentence(FRENCH[i], start, start + len(FRENCH[i]), paragraph))
            at = start + len(FRENCH[i])
    return tuple(found)


def aligned_result() -> DocumentResult:
    """The fixed result: five pairs over three paragraphs, n:m and null links included."""
    document = read_bytes(SOURCE.encode(), "aligned <article> & co.txt")
    sentences = _sentences(document.text)
    pairs = tuple(
        AlignedPair(
            src=src,
            tgt=tgt,
            source=" ".join(FRENCH[i] for i in src),
            target=" ".join(ENGLISH[i] for i in tgt),
            # A pair with no French sits in the paragraph of the pair before it.
            paragraph=sentences[src[0]].paragraph if src else 1,
            scores=Scores(score, flags, (("length_ratio", 0.9),)),
            alignment=0.8 if len(src) != 1 or len(tgt) != 1 else 1.0,
        )
        for src, tgt, score, flags in LINKS
    )
    english = f"{ENGLISH[0]}\n{ENGLISH[1]} {ENGLISH[2]}\n\n{ENGLISH[3]}"
    return DocumentResult(document, sentences, ENGLISH, pairs, english, SIGNATURE, seconds=1.5)


def empty_result() -> DocumentResult:
    """An empty document: no sentences, no pairs."""
    notes = ("empty input: no sentences to translate",)
    return DocumentResult(read_bytes(b"", "empty.txt"), (), (), (), "", SIGNATURE, notes=notes)


def sample_batch() -> BatchReport:
    """A batch of five documents: two done (one in a subfolder, with a name to escape), one failed,
    one empty, one skipped by an earlier run."""
    documents = (
        DocumentReport("in/a.txt", "done", ("a.en.txt", "a.html", "a.tmx"), 3, 0.8, 1, 1.25, "utf-8"),
        DocumentReport(
            "in/sub/b <x>&.md", "done", ("sub/b <x>&.en.txt", "sub/b <x>&.html"), 10, 0.4, 6, 3.5, "utf-8"
        ),
        DocumentReport("in/broken.txt", "failed", error="in/broken.txt: not a text file (PNG image)"),
        DocumentReport(
            "in/empty.txt", "done", ("empty.en.txt", "empty.html"), notes=("empty input: no sentences",)
        ),
        DocumentReport("in/old.txt", "skipped", ("old.en.txt", "old.html"), 4, 0.9, 0, 0.01, "utf-8"),
    )
    return BatchReport(
        documents, "out", SIGNATURE, 6.5, "2025-01-01T10:00:00+00:00", "2025-01-01T10:00:06+00:00"
    )
