"""Throughput of fr2en against its peers, on a full-size random-weight opus-mt-fr-en.

    python benchmarks/throughput.py [--quick] [--rounds N] [--json FILE]

Every system translates the same French news sentences (``newstest2013.fr``) with every output
forced to the same number of tokens (``--target-tokens``, default the sample's mean source length),
so that all do the same work, greedy and with beam 4:

- ``naive``: transformers ``generate`` on one sentence at a time, as most tutorials do;
- ``raw-ct2``: CTranslate2's ``translate_batch`` on all sentences at once, int8, in a few thread and
  batch configurations, the best of which is the yardstick;
- ``fr2en-torch`` and ``fr2en-ct2``: fr2en end to end (files in, every output format written) with
  each backend, at its default settings.

Each system runs in a subprocess of its own, so that its peak RSS and model load time are its own,
and the systems are interleaved, in a new order each round, so that a machine's slow moments fall on
all of them alike. The table shows medians over rounds, plus CPU milliseconds per sentence (all
threads), which measure the work whatever else ran on the machine. The naive baseline runs on
every fourth sentence only (it is slow; its rate per sentence does not depend on the others).

Needs the ``fast`` extra (``pip install -e '.[fast]'``) and ``shared/data`` (the architecture and
the text); the model, its tokenizer and its CTranslate2 conversion are built once into the cache
folder (``$FR2EN_CACHE_DIR``, else ``benchmarks/.cache``).
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rss import peak_rss_mb  # a module beside this script

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
BEAMS = (1, 4)


def cache_folder() -> Path:
    """The benchmark's cache: ``$FR2EN_CACHE_DIR`` (fr2en's own), else ``benchmarks/.cache``."""
    return Path(os.environ.get("FR2EN_CACHE_DIR") or HERE / ".cache")


def cpu_name() -> str:
    """The CPU's model name, for the conditions line."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# --------------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line. Heavy imports stay inside them, so
# a worker that needs neither torch nor transformers never loads them.


def _measured(sentences: int, started: float, loaded: float, done: float, cpu: float) -> dict[str, Any]:
    """What every worker reports: sentences, load and run seconds, CPU seconds (all threads) since loading."""
    return {
        "sentences": sentences,
        "load_s": loaded - started,
        "run_s": done - loaded,
        "cpu_s": time.process_time() - cpu,
    }


def _work_naive(plan: dict[str, Any], beam: int) -> dict[str, Any]:
    started = time.perf_counter()
    import torch
    from transformers import MarianMTModel, MarianTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    tokenizer = MarianTokenizer.from_pretrained(plan["model"])
    model = MarianMTModel.from_pretrained(plan["model"]).eval()
    loaded, cpu = time.perf_counter(), time.process_time()
    length = plan["target_tokens"]
    outputs = []
    with torch.inference_mode():
        for sentence in plan["naive_sentences"]:
            inputs = tokenizer([sentence], return_tensors="pt")
            ids = model.generate(**inputs, num_beams=beam, min_new_tokens=length, max_new_tokens=length)
            outputs.append(tokenizer.decode(ids[0], skip_special_tokens=True))
    done = time.perf_counter()
    return _measured(len(outputs), started, loaded, done, cpu)


def _work_raw_ct2(plan: dict[str, Any], beam: int, inter: int, intra: int, batch: str) -> dict[str, Any]:
    started = time.perf_counter()
    import ctranslate2
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_file=str(Path(plan["model"]) / "source.spm"))
    translator = ctranslate2.Translator(
        plan["ct2_model"], device="cpu", compute_type="int8", inter_threads=inter, intra_threads=intra
    )
    loaded, cpu = time.perf_counter(), time.process_time()
    size, kind = batch.split(":")
    length = plan["target_tokens"]
    source = [[*processor.encode(s, out_type=str), "</s>"] for s in plan["sentences"]]
    results = translator.translate_batch(
        source,
        beam_size=beam,
        max_batch_size=int(size),
        batch_type=kind,
        min_decoding_length=length,
        max_decoding_length=length,
    )
    outputs = [processor.decode_pieces(r.hypotheses[0]) for r in results]
    done = time.perf_counter()
    return _measured(len(outputs), started, loaded, done, cpu)


def _work_fr2en(plan: dict[str, Any], beam: int, backend: str) -> dict[str, Any]:
    started = time.perf_counter()
    from fr2en.batch import run_batch
    from fr2en.config import load_settings
    from fr2en.translate import load_translator

    out = Path(tempfile.mkdtemp(prefix="fr2en-bench-out-"))
    settings = load_settings(
        overrides={
            "model": {"name": plan["model"], "backend": backend, "beam": beam, "device": "cpu"},
            "output": {"directory": str(out)},
        },
        environ={},
    )
    # The benchmark-only hook: every output exactly target_tokens long, as for the other systems.
    translator = load_translator(settings.model, forced_output_tokens=plan["target_tokens"])
    loaded, cpu = time.perf_counter(), time.process_time()
    # A run that remembers translations (fr2en's cache, where there is one) would time lookups on
    # every round after the first: translate everything, every time.
    fresh = {"cache": False} if "cache" in inspect.signature(run_batch).parameters else {}
    report = run_batch(
        [plan["documents"]], out, settings, translator=translator, show_progress=False, **fresh
    )
    done = time.perf_counter()
    shutil.rmtree(out, ignore_errors=True)
    sentences = sum(d.sentences for d in report.documents)
    failed = [d.error for d in report.documents if d.status != "done"]
    if failed or sentences != len(plan["sentences"]):
        raise SystemExit(f"fr2en run went wrong: {sentences} sentences, failures {failed}")
    precision = f"-{translator.info.precision}" if translator.info.precision else ""
    return {
        **_measured(sentences, started, loaded, done, cpu),
        "backend": translator.info.backend + precision,
    }


def worker(argv: Sequence[str]) -> None:
    """Entry point of a worker process: ``--worker KIND PLAN BEAM [options]``."""
    kind, plan_path, beam = argv[0], Path(argv[1]), int(argv[2])
    # fr2en finds its CTranslate2 conversion in its cache: the one the parent prepared.
    os.environ.setdefault("FR2EN_CACHE_DIR", str(cache_folder()))
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    if kind == "naive":
        result = _work_naive(plan, beam)
    elif kind == "raw-ct2":
        result = _work_raw_ct2(plan, beam, int(argv[3]), int(argv[4]), argv[5])
    else:
        result = _work_fr2en(plan, beam, argv[3])
    result["peak_rss_mb"] = peak_rss_mb()
    result["imported_torch"] = "torch" in sys.modules
    result["imported_transformers"] = "transformers" in sys.modules
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------------
# The parent: prepare once, then interleave the systems round by round.


@dataclass(frozen=True)
class System:
    """One thing to measure: a label, the worker's arguments and its beam."""

    label: str
    kind: str
    beam: int
    args: tuple[str, ...] = ()


def pick_sentences(data: Path, count: int) -> tuple[list[str], list[str]]:
    """``count`` newstest2013 sentences spread over the whole set (held out), and the rest for training.

    Only lines that fr2en's segmenter keeps as one sentence are picked, so every system translates
    exactly the same sentences.
    """
    from fr2en.segment import segment_paragraph

    lines = (data / "parallel" / "wmt" / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    stride = max(1, len(lines) // (count + 1))
    picked: list[int] = []
    for start in range(0, len(lines), stride):
        for index in range(start, min(start + stride, len(lines))):
            if len(segment_paragraph(lines[index])) == 1 and len(lines[index].split()) >= 3:
                picked.append(index)
                break
        if len(picked) == count:
            break
    chosen = set(picked)
    return [lines[i] for i in picked], [line for i, line in enumerate(lines) if i not in chosen]


def training_text(data: Path, newstest_rest: list[str]) -> list[str]:
    """French and English text for the tokenizer: everything shared but the benchmark's sentences."""
    parallel = data / "parallel"
    files = [
        parallel / "wmt" / "newstest2013.en",
        parallel / "flores" / "flores101-devtest-A.fr",
        parallel / "flores" / "flores101-devtest-A.en",
        parallel / "textberg-de-fr" / "dev.fr",
    ]
    lines = list(newstest_rest)
    for file in files:
        lines.extend(file.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line.strip()]


def benchmark_model(data: Path, count: int, pick: int = 192) -> tuple[list[str], Path, Path, Any]:
    """The first ``count`` of ``pick`` sentences picked (see :func:`pick_sentences`), the full-size
    model folder (built once), its int8 CTranslate2 conversion and its vocabulary."""
    sys.path.insert(0, str(HERE))
    from fr2en.translate.ct2 import ensure_converted
    from fr2en.translate.locate import resolve_model
    from fr2en.translate.vocab import MarianVocab
    from model import model_dir

    all_sentences, rest = pick_sentences(data, pick)
    cache = cache_folder()
    print(f"model: {cache / 'bench'} (built on first use, takes a few minutes)", file=sys.stderr)
    folder = model_dir(cache, data / "opus-mt-fr-en", training_text(data, rest))
    ct2_model = ensure_converted(resolve_model(str(folder)), "int8", cache)
    return all_sentences[:count], folder, ct2_model, MarianVocab(folder)


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Build (or find) the model and its conversion, pick the sentences, write the documents and plan."""
    data = Path(args.data)
    sentences, folder, ct2_model, vocab = benchmark_model(data, args.sentences)
    source_tokens = [vocab.count(s) for s in sentences]
    mean_tokens = statistics.fmean(source_tokens)
    target_tokens = args.target_tokens or round(mean_tokens)
    documents = work / "documents"
    documents.mkdir()
    # One document by default: every system then gets all the sentences in one go.
    per_doc = args.doc_sentences or len(sentences)
    for start in range(0, len(sentences), per_doc):
        # One sentence per paragraph, so that the segmenter gives back exactly these sentences.
        text = "\n\n".join(sentences[start : start + per_doc]) + "\n"
        (documents / f"article-{start // per_doc:03d}.txt").write_text(text, encoding="utf-8")
    plan = {
        "model": str(folder),
        "ct2_model": str(ct2_model),
        "sentences": sentences,
        "naive_sentences": sentences[:: args.naive_stride],
        "documents": str(documents),
        "documents_count": len(list(documents.iterdir())),
        "target_tokens": target_tokens,
        "mean_source_tokens": mean_tokens,
    }
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def systems(cores: int, quick: bool) -> list[System]:
    """Everything measured, greedy and beam 4."""
    found: list[System] = []
    half = max(1, cores // 2)
    for beam in BEAMS:
        # CTranslate2 configurations: all threads on one batch at a time, or two batches side by
        # side; 32 sentences a batch (its README's habit) or 64 hypotheses (what measured best
        # here); by tokens. The best one per beam is the yardstick.
        configs = [(1, cores, "32:examples")]
        if quick:
            # The best of the full set on a small sample (64 a batch would leave a worker idle).
            configs.append((2, half, f"{min(32, 64 // beam)}:examples"))
        else:
            configs += [
                (2, half, f"{64 // beam}:examples"),
                (2, half, "32:examples"),
                (2, half, "2048:tokens"),
            ]
        found.append(System("naive (1 sentence per generate)", "naive", beam))
        for inter, intra, batch in configs:
            label = f"raw ct2 int8, {inter}x{intra} threads, batch {batch.replace(':', ' ')}"
            found.append(System(label, "raw-ct2", beam, (str(inter), str(intra), batch)))
        found.append(System("fr2en --backend torch", "fr2en", beam, ("torch",)))
        found.append(System("fr2en --backend ct2", "fr2en", beam, ("ct2",)))
    return found


def run_one(system: System, plan_path: Path) -> dict[str, Any]:
    """Run one system in a fresh process and return what it measured."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        system.kind,
        str(plan_path),
        str(system.beam),
        *system.args,
    ]
    env = {**os.environ, "FR2EN_CACHE_DIR": str(cache_folder()), "TOKENIZERS_PARALLELISM": "false"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{system.label} (beam {system.beam}) failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def summarise(system: System, runs: list[dict[str, Any]], target_tokens: int) -> dict[str, Any]:
    """Medians over rounds of one system's measurements."""
    rates = [r["sentences"] / r["run_s"] for r in runs]
    return {
        "label": system.label,
        "kind": system.kind,
        "beam": system.beam,
        "args": list(system.args),
        "sentences": runs[0]["sentences"],
        "sent_per_s": statistics.median(rates),
        "tok_per_s": statistics.median(rates) * target_tokens,
        "load_s": statistics.median(r["load_s"] for r in runs),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"] for r in runs),
        # CPU time per sentence (all threads): the work done, whatever else ran on the machine.
        "cpu_ms_per_sent": statistics.median(1000 * r["cpu_s"] / r["sentences"] for r in runs),
        "imported_torch": any(r["imported_torch"] for r in runs),
        "rounds": [round(rate, 3) for rate in rates],
    }


def ratios(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The ratios the issue asks for, from the medians."""

    def rate(kind: str, beam: int, backend: str | None = None) -> float:
        return max(
            r["sent_per_s"]
            for r in rows
            if r["kind"] == kind and r["beam"] == beam and (backend is None or r["args"] == [backend])
        )

    out: dict[str, float] = {}
    for backend in ("torch", "ct2"):
        out[f"{backend}_greedy_vs_naive"] = rate("fr2en", 1, backend) / rate("naive", 1)
        out[f"{backend}_beam4_vs_naive"] = rate("fr2en", 4, backend) / rate("naive", 4)
    per_beam = {beam: rate("fr2en", beam, "ct2") / rate("raw-ct2", beam) for beam in BEAMS}
    # The lower of greedy and beam 4: the pipeline's cost over the best raw configuration.
    out["ct2_vs_raw_ct2"] = min(per_beam.values())
    out["ct2_vs_raw_ct2_greedy"] = per_beam[1]
    out["ct2_vs_raw_ct2_beam4"] = per_beam[4]
    return {name: round(value, 3) for name, value in out.items()}


def table(rows: list[dict[str, Any]], naive: dict[int, float]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| system | beam | sent/s | target tok/s | × naive | CPU ms/sent | load s | peak RSS MB | torch |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['label']} | {r['beam']} | {r['sent_per_s']:.2f} | {r['tok_per_s']:.0f} | "
            f"{r['sent_per_s'] / naive[r['beam']]:.1f} | {r['cpu_ms_per_sent']:.0f} | {r['load_s']:.1f} | "
            f"{r['peak_rss_mb']:.0f} | "
            f"{'yes' if r['imported_torch'] else 'no'} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, prepare, run every system round by round, print and save the results."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="64 sentences, 2 rounds, fewer raw configurations"
    )
    parser.add_argument(
        "--rounds", type=int, default=None, help="interleaved rounds (default 5; 2 with --quick)"
    )
    parser.add_argument(
        "--sentences", type=int, default=None, help="sentences (default 192; 64 with --quick)"
    )
    parser.add_argument(
        "--naive-stride", type=int, default=4, help="the naive baseline runs every Nth sentence"
    )
    parser.add_argument(
        "--doc-sentences", type=int, default=0, help="sentences per input document (default: all in one)"
    )
    parser.add_argument(
        "--target-tokens", type=int, default=0, help="forced output length (default: mean source)"
    )
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--prepare", action="store_true", help="only build the model and its conversion")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.sentences = min(192, args.sentences or (64 if args.quick else 192))
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fr2en-bench-") as tmp:
        work = Path(tmp)
        plan = prepare(args, work)
        if args.prepare:
            print(
                f"ready: {plan['model']}, {plan['ct2_model']}; mean {plan['mean_source_tokens']:.1f} "
                f"source tokens over {len(plan['sentences'])} sentences"
            )
            return 0
        plan_path = work / "plan.json"
        todo = systems(cores, args.quick)
        runs: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(todo))}
        shuffler = random.Random(20250301)
        for round_index in range(args.rounds):
            # A new order each round, so that no system always follows the same neighbour (a torch
            # process just freed its gigabyte, say) or meets the machine's busy moments first.
            order = list(range(len(todo)))
            shuffler.shuffle(order)
            for i in order:
                result = run_one(todo[i], plan_path)
                runs[i].append(result)
                print(
                    f"round {round_index + 1}/{args.rounds}: {todo[i].label}, beam {todo[i].beam}: "
                    f"{result['sentences'] / result['run_s']:.2f} sent/s",
                    file=sys.stderr,
                )
    rows = [summarise(todo[i], runs[i], plan["target_tokens"]) for i in range(len(todo))]
    naive = {
        beam: next(r["sent_per_s"] for r in rows if r["kind"] == "naive" and r["beam"] == beam)
        for beam in BEAMS
    }
    found = ratios(rows)
    peaks = {
        backend: max(r["peak_rss_mb"] for r in rows if r["kind"] == "fr2en" and r["args"] == [backend])
        for backend in ("torch", "ct2")
    }
    header = (
        f"{len(plan['sentences'])} newstest2013 sentences in {plan['documents_count']} document(s) "
        f"(naive: every {args.naive_stride}th), "
        f"mean {plan['mean_source_tokens']:.1f} source tokens, every output forced to "
        f"{plan['target_tokens']} tokens; {args.rounds} interleaved rounds, medians; "
        f"{cores} cores ({cpu_name()}), "
        f"python {platform.python_version()}; {time.perf_counter() - started:.0f} s in all"
    )
    print(header)
    print()
    print(table(rows, naive))
    print()
    print("ratios: " + ", ".join(f"{k} {v}" for k, v in found.items()))
    print(
        "peak RSS MB (fr2en, worst of greedy and beam 4): "
        + ", ".join(f"{k} {v:.0f}" for k, v in peaks.items())
    )
    if args.json is not None:
        payload = {
            "ratios": found,
            "peak_rss_mb": {k: round(v, 1) for k, v in peaks.items()},
            "conditions": header,
            "systems": rows,
        }
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
