"""Peak memory (RSS) of translating one big French file, by file size: streamed part by part, or whole.

    FR2EN_CACHE_DIR=/tmp/fr2en-cache python benchmarks/memory.py              # 1, 10 and 50 MB
    python benchmarks/memory.py --sizes 1,10,50 --whole-sizes 1,10 --tiny-sizes 0.02,0.1

Every measurement runs in a fresh process that reports its own peak RSS (``ru_maxrss``), so sizes do
not share a high-water mark (the parent, whose peak a child starts from on Linux, stays small). The
text is generated French: the sentences of the tiny model's corpus, each made unique by a dispatch
number, five to a paragraph.

- ``stream``: ``run_batch`` over the file as the command line runs it (translation cache on, in a
  fresh folder, all five output formats), with a fast stand-in translator (it upper-cases the French
  and returns fixed log-probabilities): the tiny model translates 100 to 160 sentences a second on
  one CPU thread (see its rows), an hour or more for 50 MB (about 530,000 sentences).
  Everything but the model runs: reading, hashing, decoding, segmenting, the cache, alignment,
  scores, the five writers, the manifest.
- ``whole``: the same file through the non-streaming path (``read_file`` → ``translate_document`` →
  ``write_outputs``), for comparison.
- ``tiny``: ``run_batch`` with the real tiny model (torch, transformers), at small sizes.
- ``folder``: ``run_batch`` with the real tiny model over a folder of N small documents
  (``--folders``, ``--folder-sentences`` each): the documents stream through shared batches, and
  only a few hundred bytes per document (its report row, its manifest line) may stay.
  ``folder-fast`` (``--fast-folders``): the same with the stand-in translator.

The checks of issue 12 (the streaming executor)::

    python benchmarks/memory.py --sizes "" --whole-sizes "" --tiny-sizes 1,8 --folders 100,10000

print, at the end, the peak of the largest of each kind against the smallest (targets: 8 MB within
1.1× of 1 MB, 10,000 documents within 1.2× of 100).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from rss import peak_rss_mb  # a module beside this script

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "src" / "fr2en" / "translate" / "tiny_corpus.txt"


def write_french(path: Path, megabytes: float) -> None:
    """About ``megabytes`` MB of French in paragraphs of five unique sentences, written as generated.

    Never held whole: on Linux a child process's peak RSS starts from its parent's at the fork, so
    the parent must stay small for the children's numbers to be their own.
    """
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    target = int(megabytes * 1_000_000)
    size = number = 0
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        while size < target:
            sentences = []
            for _ in range(5):
                line = lines[number % len(lines)].rstrip()
                end = line[-1] if line[-1] in ".?!" else "."
                sentences.append(f"{line.rstrip('.?!')} (dépêche n° {number}){end}")
                number += 1
            paragraph = ("\n\n" if size else "") + " ".join(sentences)
            handle.write(paragraph)
            size += len(paragraph.encode("utf-8"))
        handle.write("\n")


class FastTranslator:
    """Deterministic and instant: the French upper-cased, with fixed evidence."""

    def __init__(self) -> None:
        from fr2en.translate import ModelInfo

        self.info = ModelInfo("fast-stand-in", "1", "none", "cpu")

    def translate(self, sentences: Sequence[str], progress: object = None) -> list[object]:
        from fr2en.types import Translation

        return [Translation(s, s.upper(), -0.4, -1.2, len(s) // 4 + 1) for s in sentences]


def write_folder(folder: Path, documents: int, sentences: int) -> None:
    """``documents`` small French articles of ``sentences`` unique sentences each."""
    lines = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    folder.mkdir(parents=True, exist_ok=True)
    number = 0
    for index in range(documents):
        picked = []
        for _ in range(sentences):
            line = lines[number % len(lines)].rstrip()
            picked.append(f"{line.rstrip('.?!')} (brève n° {number}).")
            number += 1
        (folder / f"breve-{index:05d}.txt").write_text(" ".join(picked) + "\n", encoding="utf-8")


def child(mode: str, source: Path, out: Path) -> None:
    """Translate ``source`` into ``out`` one way, then print what it cost as JSON."""
    from fr2en.batch import run_batch
    from fr2en.config import load_settings

    started = time.perf_counter()
    if mode == "whole":
        from fr2en.pipeline import translate_document
        from fr2en.read import read_file
        from fr2en.write import write_outputs

        settings = load_settings(environ={})
        result = translate_document(read_file(source), FastTranslator(), settings)  # type: ignore[arg-type]
        write_outputs(result, out / source.stem, settings.output.formats)
        sentences = len(result.source_sentences)
    else:
        if mode in ("tiny", "folder"):
            settings = load_settings(REPO / "configs" / "tiny.toml", environ={})
            translator = None
        elif mode == "folder-fast":
            settings = load_settings(environ={})
            translator = FastTranslator()
        else:
            settings = load_settings(environ={})
            translator = FastTranslator()
        report = run_batch([source], out, settings, translator=translator, show_progress=False)  # type: ignore[arg-type]
        failed = [d.error for d in report.documents if d.status != "done"]
        assert not failed, failed[:3]
        sentences = sum(d.sentences for d in report.documents)
    print(
        json.dumps(
            {"seconds": time.perf_counter() - started, "sentences": sentences, "peak_mb": peak_rss_mb()}
        )
    )


def measure(mode: str, megabytes: float, folder: Path, folder_sentences: int = 2) -> dict[str, float]:
    """One measurement in a fresh process; for ``folder``, ``megabytes`` is the number of documents."""
    if mode.startswith("folder"):
        source = folder / f"breves-{megabytes:g}"
        if not source.exists():
            write_folder(source, int(megabytes), folder_sentences)
    else:
        source = folder / f"french-{megabytes:g}mb.txt"
        if not source.exists():
            write_french(source, megabytes)
    out = folder / f"out-{mode}-{megabytes:g}"
    env = {**os.environ, "FR2EN_CACHE_DIR": str(folder / f"cache-{mode}-{megabytes:g}")}
    if mode in ("tiny", "folder"):
        # The tiny model is built once, in the caller's cache; each run still gets a fresh translation cache.
        model = Path(os.environ.get("FR2EN_CACHE_DIR", folder / "tiny-cache")) / "models" / "tiny-v1"
        if not model.exists():
            from fr2en.translate.tiny import tiny_model_dir

            tiny_model_dir(model.parent.parent)
        (Path(env["FR2EN_CACHE_DIR"]) / "models").mkdir(parents=True, exist_ok=True)
        link = Path(env["FR2EN_CACHE_DIR"]) / "models" / "tiny-v1"
        if not link.exists():
            link.symlink_to(model)
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(source), str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{mode} {megabytes:g} MB failed:\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if mode.startswith("folder"):
        result["input_mb"] = sum(p.stat().st_size for p in source.iterdir()) / 1_000_000
        result["documents"] = megabytes
    else:
        result["input_mb"] = source.stat().st_size / 1_000_000
    return result


def sizes(text: str) -> list[float]:
    return [float(s) for s in text.split(",") if s.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,50", help="MB streamed with the stand-in translator")
    parser.add_argument("--whole-sizes", default="1,10", help="MB through the whole-document path")
    parser.add_argument("--tiny-sizes", default="", help="MB streamed through the tiny model (slow)")
    parser.add_argument("--folders", default="", help="documents per folder through the tiny model (slow)")
    parser.add_argument("--folder-sentences", type=int, default=2, help="sentences per folder document")
    parser.add_argument(
        "--fast-folders", default="", help="documents per folder with the stand-in translator (fast)"
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "SOURCE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, source, out = args.child
        child(mode, Path(source), Path(out))
        return
    print(
        f"{'mode':<11} {'input MB':>9} {'documents':>9} {'sentences':>10} {'seconds':>8} {'peak RSS MB':>12} "
        f"{'× smallest':>10}"
    )
    growth: dict[str, tuple[float, float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="fr2en-memory-") as folder:
        runs = (
            ("stream", args.sizes),
            ("whole", args.whole_sizes),
            ("tiny", args.tiny_sizes),
            ("folder", args.folders),
            ("folder-fast", args.fast_folders),
        )
        for mode, wanted in runs:
            first = None
            for megabytes in sizes(wanted):
                result = measure(mode, megabytes, Path(folder), args.folder_sentences)
                first = first or result["peak_mb"]
                documents = int(result.get("documents", 1))
                print(
                    f"{mode:<11} {result['input_mb']:>9.2f} {documents:>9} {int(result['sentences']):>10} "
                    f"{result['seconds']:>8.1f} {result['peak_mb']:>12.1f} {result['peak_mb'] / first:>10.2f}",
                    flush=True,
                )
                smallest = growth.get(mode, (megabytes, result["peak_mb"], 0.0))
                growth[mode] = (smallest[0], smallest[1], result["peak_mb"])
    checks = {
        "stream": ("one article, stand-in translator", "MB", 1.1, args.sizes),
        "tiny": ("one article through the tiny model", "MB", 1.1, args.tiny_sizes),
        "folder": ("a folder through the tiny model", "documents", 1.2, args.folders),
        "folder-fast": ("a folder, stand-in translator", "documents", 1.2, args.fast_folders),
    }
    for mode, (what, unit, limit, wanted) in checks.items():
        if mode in growth and len(sizes(wanted)) > 1:
            low, low_peak, high_peak = growth[mode]
            ratio = high_peak / low_peak
            verdict = "ok" if ratio <= limit else "ABOVE"
            print(
                f"check, {what}: {sizes(wanted)[-1]:g} {unit} peaks at {ratio:.2f}× "
                f"{low:g} {unit} (target ≤ {limit}×: {verdict})"
            )


if __name__ == "__main__":
    main()
