"""Sentence-alignment benchmark: fr2en against the aligners that install from PyPI.

    python benchmarks/alignment.py                 # every shared set, every system, and the timing
    python benchmarks/alignment.py --sets textberg-dev.gold --systems fr2en
    python benchmarks/alignment.py --constant LENGTH_VARIANCE=6.8   # sensitivity of one constant

Reads every ``*.jsonl`` of ``align-bench/`` in the shared data folder (``--data``, or
``$FR2EN_BENCH_DATA``, or ``../shared/data/parallel`` beside the repository): one document per line,
``src``/``tgt`` sentences, gold ``links`` and, for Text+Berg, machine translations of ``src`` in ``mt``.

Metric (Vecalign's, as in the data README): strict and lax precision/recall/F1, micro-averaged over
documents. Precision is over every predicted link, null links included; recall over the gold links
that are not null, against the predicted links that are not null. A strict hit is an exact link; a
lax hit shares a source and a target sentence with a gold link (a null link is a lax hit only when
exact). Also, per gold link type, the share of gold links predicted exactly.

Peers: ``galechurch`` (Gale & Church's lengths alone) and ``pypi-bleualign`` (Bleualign; without a
translation it compares source and target directly, its no-translation override). Bleualign reports
only the pairs it aligns, so its unaligned sentences count as no link at all, as in its output.
Install them with ``pip install -e '.[bench]'``; a peer that cannot be imported is reported and skipped.

Timing: a 3,000-sentence document (the first 3,000 lines of WMT newstest2013 fr-en) aligned by
fr2en without a translation, best of three runs, wall-clock and CPU seconds.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fr2en import align

Link = tuple[tuple[int, ...], tuple[int, ...]]
Aligner = Callable[[Sequence[str], Sequence[str], Sequence[str] | None], list[Link]]
KINDS = ("1-1", "1-2", "2-1", "0-1", "1-0", "other")
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Tally:
    """Counts summed over the documents of one set for one system."""

    predicted: int = 0
    strict_precise: int = 0
    lax_precise: int = 0
    gold: int = 0
    strict_recalled: int = 0
    lax_recalled: int = 0
    exact: Counter[str] = field(default_factory=Counter)
    kinds: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def add(self, gold: Sequence[Link], predicted: Sequence[Link]) -> None:
        gold_links, predicted_links = set(gold), set(predicted)
        gold_pairs = {(s, t) for src, tgt in gold for s in src for t in tgt}
        predicted_pairs = {(s, t) for src, tgt in predicted for s in src for t in tgt}
        for link in predicted:
            self.predicted += 1
            if link in gold_links:
                self.strict_precise += 1
                self.lax_precise += 1
            elif _overlaps(link, gold_pairs):
                self.lax_precise += 1
        for link in gold:
            kind = link_kind(link)
            self.kinds[kind] += 1
            self.exact[kind] += link in predicted_links
            if not (link[0] and link[1]):
                continue
            self.gold += 1
            if link in predicted_links:
                self.strict_recalled += 1
                self.lax_recalled += 1
            elif _overlaps(link, predicted_pairs):
                self.lax_recalled += 1

    def f1(self, strict: bool) -> tuple[float, float, float]:
        """(precision, recall, F1)."""
        hits = self.strict_precise if strict else self.lax_precise
        recalled = self.strict_recalled if strict else self.lax_recalled
        precision = hits / self.predicted if self.predicted else 0.0
        recall = recalled / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    def null_rate(self) -> float:
        nulls = self.kinds["0-1"] + self.kinds["1-0"]
        return (self.exact["0-1"] + self.exact["1-0"]) / nulls if nulls else 0.0


def _overlaps(link: Link, pairs: set[tuple[int, int]]) -> bool:
    return any((s, t) in pairs for s in link[0] for t in link[1])


def link_kind(link: Link) -> str:
    kind = f"{len(link[0])}-{len(link[1])}"
    return kind if kind in KINDS else "other"


def fr2en_aligner(src: Sequence[str], tgt: Sequence[str], mt: Sequence[str] | None) -> list[Link]:
    return [(link.src, link.tgt) for link in align.align_sentences(src, tgt, src_translated=mt)]


def galechurch_aligner(src: Sequence[str], tgt: Sequence[str], mt: Sequence[str] | None) -> list[Link]:
    import galechurch

    return [
        (tuple(range(b.source_start, b.source_end)), tuple(range(b.target_start, b.target_end)))
        for b in galechurch.align(list(src), list(tgt)).beads
    ]


def bleualign_aligner(src: Sequence[str], tgt: Sequence[str], mt: Sequence[str] | None) -> list[Link]:
    from bleualign.align import Aligner as Bleualign  # type: ignore[import-untyped]

    options = {
        "srcfile": list(src),
        "targetfile": list(tgt),
        "srctotarget": [list(mt)] if mt is not None else [],
        "no_translation_override": mt is None,
        "verbosity": 0,
        "log_to": io.StringIO(),
    }
    bleualign = Bleualign(options)
    links = bleualign.process(list(src), list(tgt), [list(mt)] if mt is not None else [], [])
    return sorted((tuple(s), tuple(t)) for (s, t), _ in links)


@dataclass(frozen=True)
class System:
    """An aligner under test: the module it needs, and whether it can use a machine translation."""

    align: Aligner
    module: str | None
    uses_translation: bool


SYSTEMS = {
    "fr2en": System(fr2en_aligner, None, uses_translation=True),
    "galechurch": System(galechurch_aligner, "galechurch", uses_translation=False),
    "bleualign": System(bleualign_aligner, "bleualign", uses_translation=True),
}


def load_sets(folder: Path, names: Iterable[str] | None) -> dict[str, list[dict[str, object]]]:
    files = sorted(folder.glob("*.jsonl"))
    wanted = set(names) if names else None
    sets = {}
    for path in files:
        name = path.name.removesuffix(".jsonl")
        if wanted is None or name in wanted:
            with path.open(encoding="utf-8") as handle:
                sets[name] = [json.loads(line) for line in handle if line.strip()]
    return sets


def runs_for(documents: list[dict[str, object]], system: System) -> list[str | None]:
    """No translation, then each machine translation the set carries (for systems that use one)."""
    translations = documents[0].get("mt") if documents else None
    if not system.uses_translation or not isinstance(translations, dict):
        return [None]
    return [None, *sorted(translations)]


def evaluate(aligner: Aligner, documents: list[dict[str, object]], mt: str | None) -> Tally:
    tally = Tally()
    for doc in documents:
        src, tgt = doc["src"], doc["tgt"]
        assert isinstance(src, list) and isinstance(tgt, list)
        translation = doc["mt"][mt] if mt else None  # type: ignore[index]
        started = time.perf_counter()
        predicted = aligner(src, tgt, translation)
        tally.seconds += time.perf_counter() - started
        gold = [(tuple(s), tuple(t)) for s, t in doc["gold"]]  # type: ignore[attr-defined]
        tally.add(gold, predicted)
    return tally


def available(module: str | None) -> str | None:
    """None when the peer's module imports, else why it cannot run."""
    if module is None:
        return None
    try:
        __import__(module)
    except Exception as exc:  # any failure to import means the peer cannot run here
        return f"{type(exc).__name__}: {exc}"
    return None


def time_long_document(data: Path, size: int = 3000, repeats: int = 3) -> str:
    fr = (data / "wmt" / "newstest2013.fr").read_text(encoding="utf-8").splitlines()[:size]
    en = (data / "wmt" / "newstest2013.en").read_text(encoding="utf-8").splitlines()[:size]
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        align.align_sentences(fr, en)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return (
        f"fr2en aligns a {len(fr)}×{len(en)}-sentence document (newstest2013 fr-en, no translation) in "
        f"{min(walls):.2f} s wall-clock, {min(cpus):.2f} s CPU (best of {repeats}; "
        f"{os.cpu_count()} CPUs, {os.getloadavg()[0]:.1f} load average)"
    )


def table(sets: dict[str, list[dict[str, object]]], systems: Sequence[str]) -> Iterable[str]:
    """The results, a Markdown row at a time (printed as they come: the peers are slow)."""
    header = [
        "set",
        "system",
        "MT",
        "strict P",
        "strict R",
        "strict F1",
        "lax F1",
        "nulls exact",
        *(f"{k} exact" for k in KINDS),
        "seconds",
    ]
    yield "| " + " | ".join(header) + " |"
    yield "|" + "---|" * len(header)
    for name in systems:
        system = SYSTEMS[name]
        problem = available(system.module)
        if problem:
            yield f"| (all) | {name} | | could not run: {problem} |"
            continue
        for set_name, documents in sets.items():
            for mt in runs_for(documents, system):
                try:
                    tally = evaluate(system.align, documents, mt)
                except Exception as exc:  # a peer that crashes on a set is reported, not fatal
                    yield f"| {set_name} | {name} | {mt or '-'} | failed: {type(exc).__name__}: {exc} |"
                    continue
                p, r, f1 = tally.f1(strict=True)
                exact = [
                    f"{tally.exact[k] / tally.kinds[k]:.2f} ({tally.kinds[k]})" if tally.kinds[k] else "-"
                    for k in KINDS
                ]
                cells = [
                    set_name,
                    name,
                    mt or "-",
                    f"{p:.4f}",
                    f"{r:.4f}",
                    f"{f1:.4f}",
                    f"{tally.f1(strict=False)[2]:.4f}",
                    f"{tally.null_rate():.2f}",
                    *exact,
                    f"{tally.seconds:.1f}",
                ]
                yield "| " + " | ".join(cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    default_data = os.environ.get("FR2EN_BENCH_DATA") or str(ROOT.parent / "shared" / "data" / "parallel")
    parser.add_argument("--data", type=Path, default=Path(default_data), help="shared parallel-data folder")
    parser.add_argument("--sets", nargs="*", help="set names (file names without .jsonl); default: all")
    parser.add_argument("--systems", nargs="*", default=list(SYSTEMS), choices=list(SYSTEMS))
    parser.add_argument(
        "--constant",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a constant of fr2en.align (sensitivity runs)",
    )
    parser.add_argument("--no-timing", action="store_true", help="skip the 3,000-sentence timing")
    args = parser.parse_args(argv)

    for assignment in args.constant:
        name, value = assignment.split("=", 1)
        if not hasattr(align, name):
            parser.error(f"fr2en.align has no constant {name}")
        setattr(align, name, type(getattr(align, name))(float(value)))
    bench = args.data / "align-bench"
    sets = load_sets(bench, args.sets)
    if not sets:
        parser.error(f"no benchmark sets found in {bench}")
    for row in table(sets, args.systems):
        print(row, flush=True)
    if not args.no_timing:
        print()
        print(time_long_document(args.data))
    print()
    print(f"aligner {align.ALIGNER}; constants overridden: {', '.join(args.constant) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
