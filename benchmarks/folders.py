"""A folder of short articles against one long document: do documents share the model's batches?

    python benchmarks/folders.py [--quick] [--rounds N] [--json FILE] [--data ../shared/data]
    python benchmarks/folders.py --executor ray [...]   # = benchmarks/ray_folders.py [...]

The same newstest2013 sentences (full-size random-weight opus-mt-fr-en from ``benchmarks/model.py``,
every output forced to the sample's mean source length as in ``benchmarks/throughput.py``) go
through ``fr2en translate`` (``run_batch``: cache off, the default output formats, ct2 backend) laid
out three ways: as one document, as documents of 4 sentences and as documents of 1 sentence; greedy
and beam 4. Raw CTranslate2 on the same sentences is the yardstick. Every system runs in a fresh
process and is timed from its start to its end, model load included; systems are interleaved in a
new order each round, and the table shows medians.

JSON ``ratios`` (rates of sentences per second, load included):

- ``folder4_vs_one_greedy``, ``folder4_vs_one_beam4``: documents of 4 against one document (floor 0.9);
- ``folder1_vs_one_greedy``: documents of 1 against one (floor 0.75: 192 documents write 1,500 files);
- ``one_vs_raw_ct2_greedy``: one document against raw CTranslate2 (floor 0.9).

``--quick`` runs 64 sentences (documents of 4 and of 1 then number 16 and 64) for 2 rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rss import peak_rss_mb  # a module beside this script
from throughput import DEFAULT_DATA, benchmark_model, cache_folder, cpu_name

HERE = Path(__file__).resolve().parent
BEAMS = (1, 4)
LAYOUTS = {"one": 0, "folder4": 4, "folder1": 1}
FLOORS = {
    "folder4_vs_one_greedy": 0.9,
    "folder4_vs_one_beam4": 0.9,
    "folder1_vs_one_greedy": 0.75,
    "one_vs_raw_ct2_greedy": 0.9,
}


def keep_outputs_until_the_end(work: Path, prefix: str) -> Path:
    """A new output folder inside the benchmark's work folder, removed with it at the very end.

    Not removed after each run: on an ext4 without a journal (this project's VMs), creating a file
    scans past the inodes deleted in the last half-minute (``recently_deleted`` in ``perf``), so
    deleting one run's 1,347 outputs made the next run's file creation 10-30 times slower, a cost
    of the harness that a user's folder never pays.
    """
    return Path(tempfile.mkdtemp(prefix=prefix, dir=work))


def _work_fr2en(plan: dict[str, Any], beam: int, layout: str, started: float) -> dict[str, Any]:
    from fr2en.batch import run_batch
    from fr2en.config import load_settings
    from fr2en.translate import load_translator

    out = keep_outputs_until_the_end(Path(plan["work"]), "out-")
    settings = load_settings(
        overrides={"model": {"name": plan["model"], "backend": "ct2", "beam": beam, "device": "cpu"}},
        environ={},
    )
    translator = load_translator(settings.model, forced_output_tokens=plan["target_tokens"])
    report = run_batch(
        [plan["layouts"][layout]], out, settings, translator=translator, show_progress=False, cache=False
    )
    done = time.perf_counter()
    files = sum(1 for p in out.rglob("*") if p.is_file())
    sentences = sum(d.sentences for d in report.documents)
    failed = [d.error for d in report.documents if d.status != "done"]
    if failed or sentences != len(plan["sentences"]):
        raise SystemExit(f"fr2en run went wrong: {sentences} sentences, failures {failed}")
    return {"sentences": sentences, "total_s": done - started, "files": files}


def _work_raw_ct2(plan: dict[str, Any], beam: int, started: float) -> dict[str, Any]:
    import ctranslate2
    import sentencepiece as spm

    from fr2en.translate.ct2 import split_threads
    from fr2en.translate.engine import available_cores

    inter, intra = split_threads(available_cores())
    processor = spm.SentencePieceProcessor(model_file=str(Path(plan["model"]) / "source.spm"))
    translator = ctranslate2.Translator(
        plan["ct2_model"], device="cpu", compute_type="int8", inter_threads=inter, intra_threads=intra
    )
    length = plan["target_tokens"]
    source = [[*processor.encode(s, out_type=str), "</s>"] for s in plan["sentences"]]
    # Length-sorted batches of at most 64 hypotheses, two decoded side by side: its best habit here
    # (benchmarks/throughput.py).
    results = translator.translate_batch(
        source,
        beam_size=beam,
        max_batch_size=max(1, 64 // beam),
        batch_type="examples",
        min_decoding_length=length,
        max_decoding_length=length,
    )
    outputs = [processor.decode_pieces(r.hypotheses[0]) for r in results]
    return {"sentences": len(outputs), "total_s": time.perf_counter() - started, "files": 0}


def worker(argv: Sequence[str]) -> None:
    """A worker process: ``--worker KIND PLAN BEAM``; prints one JSON line."""
    started = time.perf_counter()
    kind, plan_path, beam = argv[0], Path(argv[1]), int(argv[2])
    os.environ.setdefault("FR2EN_CACHE_DIR", str(cache_folder()))
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    raw = kind == "raw-ct2"
    result = _work_raw_ct2(plan, beam, started) if raw else _work_fr2en(plan, beam, kind, started)
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The model (built once), the sentences, and the three layouts of the same sentences."""
    data = Path(args.data)
    sentences, folder, ct2_model, vocab = benchmark_model(data, args.sentences)
    mean_tokens = statistics.fmean(vocab.count(s) for s in sentences)
    layouts: dict[str, str] = {}
    counts: dict[str, int] = {}
    for name, per_doc in LAYOUTS.items():
        documents = work / name
        documents.mkdir()
        size = per_doc or len(sentences)
        for start in range(0, len(sentences), size):
            # One sentence per paragraph, so that the segmenter gives back exactly these sentences.
            text = "\n\n".join(sentences[start : start + size]) + "\n"
            (documents / f"article-{start // size:03d}.txt").write_text(text, encoding="utf-8")
        layouts[name] = str(documents)
        counts[name] = len(list(documents.iterdir()))
    plan = {
        "work": str(work),
        "model": str(folder),
        "ct2_model": str(ct2_model),
        "sentences": sentences,
        "layouts": layouts,
        "documents": counts,
        "target_tokens": args.target_tokens or round(mean_tokens),
        "mean_source_tokens": mean_tokens,
    }
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def run_one(kind: str, beam: int, plan_path: Path) -> dict[str, Any]:
    """One system in a fresh process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(plan_path), str(beam)]
    env = {**os.environ, "FR2EN_CACHE_DIR": str(cache_folder())}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} (beam {beam}) failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def label(kind: str, plan: dict[str, Any]) -> str:
    """How a system reads in the table."""
    if kind == "raw-ct2":
        return "raw CTranslate2 int8 (yardstick)"
    count = plan["documents"][kind]
    per_doc = len(plan["sentences"]) // count
    return f"fr2en ct2, {count} document(s) of {per_doc}"


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare, run the systems round by round, print the table and the ratios."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return 0
    if argv[:2] == ["--executor", "ray"]:  # ray against local: benchmarks/ray_folders.py (docs/ray.md)
        import ray_folders

        return ray_folders.main(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="64 sentences, 2 rounds")
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (default 5; 2 with --quick)"
    )
    parser.add_argument(
        "--sentences", type=int, default=None, help="sentences (default 192; 64 with --quick)"
    )
    parser.add_argument(
        "--target-tokens", type=int, default=0, help="forced output length (default: mean source)"
    )
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.sentences = min(192, args.sentences or (64 if args.quick else 192))
    started = time.perf_counter()
    systems = [(kind, beam) for beam in BEAMS for kind in (*LAYOUTS, "raw-ct2")]
    with tempfile.TemporaryDirectory(prefix="fr2en-folders-") as tmp:
        plan = prepare(args, Path(tmp))
        plan_path = Path(tmp) / "plan.json"
        runs: dict[tuple[str, int], list[dict[str, Any]]] = {s: [] for s in systems}
        shuffler = random.Random(20250301)
        for round_index in range(args.rounds):
            order = list(systems)
            shuffler.shuffle(order)
            for kind, beam in order:
                result = run_one(kind, beam, plan_path)
                runs[(kind, beam)].append(result)
                rate = result["sentences"] / result["total_s"]
                print(
                    f"round {round_index + 1}/{args.rounds}: {kind}, beam {beam}: {rate:.2f} sent/s",
                    file=sys.stderr,
                )
    rows = []
    for kind, beam in systems:
        found = runs[(kind, beam)]
        rows.append(
            {
                "label": label(kind, plan),
                "kind": kind,
                "beam": beam,
                "sent_per_s": statistics.median(r["sentences"] / r["total_s"] for r in found),
                "seconds": statistics.median(r["total_s"] for r in found),
                "files": found[0]["files"],
                "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in found),
                "rounds": [round(r["sentences"] / r["total_s"], 3) for r in found],
            }
        )
    rate = {(r["kind"], r["beam"]): r["sent_per_s"] for r in rows}
    ratios = {
        "folder4_vs_one_greedy": rate[("folder4", 1)] / rate[("one", 1)],
        "folder4_vs_one_beam4": rate[("folder4", 4)] / rate[("one", 4)],
        "folder1_vs_one_greedy": rate[("folder1", 1)] / rate[("one", 1)],
        "folder1_vs_one_beam4": rate[("folder1", 4)] / rate[("one", 4)],
        "one_vs_raw_ct2_greedy": rate[("one", 1)] / rate[("raw-ct2", 1)],
        "one_vs_raw_ct2_beam4": rate[("one", 4)] / rate[("raw-ct2", 4)],
    }
    ratios = {name: round(value, 3) for name, value in ratios.items()}
    header = (
        f"{len(plan['sentences'])} newstest2013 sentences, every output forced to {plan['target_tokens']} "
        f"tokens (mean source {plan['mean_source_tokens']:.1f}); ct2 int8, cache off, default formats, "
        f"model load included; {args.rounds} interleaved rounds, medians; "
        f"{os.cpu_count()} cores ({cpu_name()}); {time.perf_counter() - started:.0f} s in all"
    )
    lines = [
        "| system | beam | sent/s (load included) | seconds | files written | peak RSS MB |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['label']} | {r['beam']} | {r['sent_per_s']:.2f} | {r['seconds']:.1f} | {r['files']} | "
        f"{r['peak_rss_mb']:.0f} |"
        for r in rows
    ]
    print(header)
    print()
    print("\n".join(lines))
    print()
    print(
        "ratios: "
        + ", ".join(
            f"{k} {v}" + (f" (floor {FLOORS[k]}{'' if v >= FLOORS[k] else ', BELOW'})" if k in FLOORS else "")
            for k, v in ratios.items()
        )
    )
    if args.json is not None:
        payload = {"ratios": ratios, "floors": FLOORS, "conditions": header, "systems": rows}
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
