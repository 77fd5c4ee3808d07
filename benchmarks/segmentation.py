"""Score fr2en's sentence splitter and its peers on the shared gold sets, side by side in one run.

    python benchmarks/segmentation.py [--data DIR] [--repeat N] [--errors NAME]

Scoring (the data README's convention): a boundary is the end of a gold sentence other than the
last of its document, counted as the number of non-whitespace characters before it, so whitespace
never matters. Precision, recall and F1 are summed over all boundaries of a set; "perfect" is the
share of documents whose boundaries all match. Speed is characters per second over both sets,
the best of ``--repeat`` rounds, the splitters taking turns within each round so that a noisy
machine slows them alike.

A second table checks another genre without GSD's gold conventions: FLORES-101 devtest articles
(Wikinews, Wikivoyage, Wikibooks; ``shared/data/parallel/flores``), each article's segments joined by
spaces. A FLORES segment can hold several sentences, so only recall means something there: every
segment end is a true sentence end that a splitter should find.

The peers are benchmark-only extras (``pip install -e '.[bench]'``); one that is missing is named
in the output with the reason.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Splitter = Callable[[str], list[str]]
SETS = ("gsd_test", "gsd_dev")
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "segmentation"


@dataclass(frozen=True)
class Document:
    """One gold document: its text and its gold boundaries."""

    id: str
    text: str
    boundaries: frozenset[int]


@dataclass(frozen=True)
class Result:
    """One splitter on one set."""

    tp: int
    fp: int
    fn: int
    perfect: int
    documents: int
    altered: int  # documents whose non-space characters the splitter changed

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _non_space(text: str) -> int:
    return sum(1 for c in text if not c.isspace())


def boundaries(sentences: list[str]) -> frozenset[int]:
    """Non-space character counts at the end of every sentence but the last."""
    found, count = set(), 0
    for sentence in sentences[:-1]:
        count += _non_space(sentence)
        found.add(count)
    return frozenset(found)


def load_flores(folder: Path) -> list[Document]:
    """FLORES-101 articles (segments joined by spaces), article boundaries from the metadata."""
    segments = (folder / "flores101-devtest-A.fr").read_text(encoding="utf-8").splitlines()
    rows = (folder / "flores101-devtest-A.meta.tsv").read_text(encoding="utf-8").splitlines()[1:]
    articles: dict[str, list[str]] = {}
    for segment, row in zip(segments, rows, strict=True):
        articles.setdefault(row.split("\t")[1], []).append(segment)
    return [Document(f"flores-{k}", " ".join(v), boundaries(v)) for k, v in articles.items()]


def load(path: Path) -> list[Document]:
    """A gold JSONL file as documents."""
    documents = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            documents.append(Document(record["id"], record["text"], boundaries(record["sentences"])))
    return documents


def score(splitter: Splitter, documents: list[Document]) -> Result:
    """Boundary counts of ``splitter`` against the gold of ``documents``."""
    tp = fp = fn = perfect = altered = 0
    for document in documents:
        sentences = splitter(document.text)
        altered += "".join("".join(sentences).split()) != "".join(document.text.split())
        found = boundaries(sentences)
        tp += len(found & document.boundaries)
        fp += len(found - document.boundaries)
        fn += len(document.boundaries - found)
        perfect += found == document.boundaries
    return Result(tp, fp, fn, perfect, len(documents), altered)


def errors(splitter: Splitter, documents: list[Document], width: int = 50) -> list[str]:
    """Every wrong boundary with its context, ``||`` marking the place: FP splits, FN misses."""
    lines = []
    for document in documents:
        offsets = [i + 1 for i, c in enumerate(document.text) if not c.isspace()]
        found = boundaries(splitter(document.text))
        for kind, wrong in (("FP", found - document.boundaries), ("FN", document.boundaries - found)):
            for count in sorted(wrong):
                at = offsets[count - 1]
                before, after = document.text[max(0, at - width) : at], document.text[at : at + width]
                lines.append(f"{kind} {document.id}: {before!r} || {after!r}")
    return lines


def _fr2en() -> Splitter:
    from fr2en import split_sentences

    return split_sentences


def _sentence_splitter() -> Splitter:
    from sentence_splitter import SentenceSplitter

    splitter = SentenceSplitter(language="fr")
    return lambda text: [s for s in splitter.split(text) if s.strip()]


def _pysbd() -> Splitter:
    import pysbd

    segmenter = pysbd.Segmenter(language="fr", clean=False)
    return lambda text: [str(s) for s in segmenter.segment(text)]


def _nltk_punkt() -> Splitter:
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    try:  # NLTK's own data, when someone installed it with nltk.download("punkt_tab")
        from nltk.tokenize import PunktTokenizer

        tokenizer: PunktSentenceTokenizer = PunktTokenizer("french")
    except LookupError:  # the same model, converted from punkt_tab and shipped on PyPI
        from punkt.data import load_module

        model = load_module("french")
        params = PunktParameters()
        params.abbrev_types = set(model.ABBREV_TYPES)
        params.collocations = set(model.COLLOCATIONS)
        params.sent_starters = set(model.SENT_STARTERS)
        params.ortho_context = defaultdict(int, model.ORTHO_CONTEXT)
        tokenizer = PunktSentenceTokenizer(params)
    return tokenizer.tokenize


def _spacy() -> Splitter:
    import spacy

    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 10_000_000
    return lambda text: [s.text for s in nlp(text).sents]


def _blingfire() -> Splitter:
    import blingfire

    return lambda text: blingfire.text_to_sentences(text).split("\n")


PEERS: dict[str, Callable[[], Splitter]] = {
    "fr2en": _fr2en,
    "sentence-splitter (Moses fr)": _sentence_splitter,
    "pysbd (fr)": _pysbd,
    "NLTK Punkt (french)": _nltk_punkt,
    "spaCy blank fr + sentencizer": _spacy,
    "blingfire": _blingfire,
}


def speeds(splitters: dict[str, Splitter], texts: list[str], repeat: int) -> dict[str, float]:
    """Characters per second of each splitter over ``texts``: best of ``repeat`` interleaved rounds."""
    chars = sum(len(t) for t in texts)
    best = {name: float("inf") for name in splitters}
    for _ in range(repeat):
        for name, splitter in splitters.items():
            started = time.perf_counter()
            for text in texts:
                splitter(text)
            best[name] = min(best[name], time.perf_counter() - started)
    return {name: chars / seconds for name, seconds in best.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of the gold JSONL files")
    parser.add_argument("--flores", type=Path, default=DEFAULT_DATA.parent / "parallel" / "flores")
    parser.add_argument("--repeat", type=int, default=5, help="speed rounds (best is kept)")
    parser.add_argument("--errors", metavar="NAME", help="list the wrong boundaries of one splitter")
    args = parser.parse_args(argv)

    sets = {
        name: load(args.data / f"{name}.jsonl") for name in SETS if (args.data / f"{name}.jsonl").exists()
    }
    if not sets:
        print(f"no gold data in {args.data}", file=sys.stderr)
        return 1
    splitters: dict[str, Splitter] = {}
    for name, build in PEERS.items():
        try:
            splitters[name] = build()
        except Exception as exc:  # a missing extra or data: say so and go on with the others
            print(
                f"skipped {name}: {type(exc).__name__}: {str(exc).strip().splitlines()[0]}", file=sys.stderr
            )
    if args.errors:
        for set_name, documents in sets.items():
            print(f"# {args.errors} on {set_name}")
            print("\n".join(errors(splitters[args.errors], documents)))
        return 0

    results = {
        (name, s): score(splitter, docs) for name, splitter in splitters.items() for s, docs in sets.items()
    }
    texts = [d.text for docs in sets.values() for d in docs]
    speed = speeds(splitters, texts, args.repeat)

    header = ["splitter"]
    for s in sets:
        header += [f"{s} P", f"{s} R", f"{s} F1", f"{s} perfect"]
    header += ["chars/s", "× sentence-splitter"]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    reference = speed.get("sentence-splitter (Moses fr)")
    for name in splitters:
        row = [name]
        for s in sets:
            r = results[name, s]
            row += [f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}", f"{r.perfect / r.documents:.2f}"]
        row += [f"{speed[name] / 1e6:.2f} M", f"{speed[name] / reference:.2f}" if reference else "-"]
        print("| " + " | ".join(row) + " |")
    chars = sum(len(t) for t in texts)
    print(f"\n{len(texts)} documents, {chars:,} characters; speed: best of {args.repeat} interleaved rounds")
    if (args.flores / "flores101-devtest-A.fr").exists():
        flores = load_flores(args.flores)
        found = sum(len(d.boundaries) for d in flores)
        print(f"\nFLORES-101 devtest-A, {len(flores)} articles, {found} segment ends (recall only):\n")
        print("| splitter | segment ends found |\n|---|---|")
        for name, splitter in splitters.items():
            print(f"| {name} | {score(splitter, flores).recall:.3f} |")
    altered = [f"{name} on {s}" for (name, s), r in results.items() if r.altered]
    if altered:
        print(f"\nchanged the text's non-space characters: {', '.join(altered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
