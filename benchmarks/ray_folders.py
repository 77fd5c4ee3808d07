"""``--executor ray`` against the local executor on a folder of short articles, on this machine.

    python benchmarks/ray_folders.py [--quick] [--rounds N] [--sentences N] [--beam B] [--json FILE]

The same newstest2013 sentences (full-size random-weight opus-mt-fr-en from ``benchmarks/model.py``,
ct2 int8, every output forced to the sample's mean source length, as in ``benchmarks/folders.py``)
laid out as articles of 4 sentences go through ``run_batch`` (cache off, default formats) twice:

- ``local``: the local executor, the model loaded in the process (``model.threads`` 0: every core);
- ``ray``: the same run with a :class:`~fr2en.executors.ray.RayTranslator`: a local Ray started by
  fr2en (127.0.0.1, usage statistics off) and its default pool (one actor per CPU, half a CPU and
  one model thread each).

Each system runs in a fresh process, the systems interleaved over rounds; medians. Start-up is
reported apart from the steady state: for ``local`` the model load, for ``ray`` the start of Ray and
the actors' model load; ``steady sent/s`` is sentences over the ``run_batch`` time alone. The JSON
``ratios.ray_vs_local_steady`` is ray's steady rate over local's (floor 0.7 on a 2-core machine).
``--quick``: 160 sentences, 1 round. Needs the ``fast`` and ``ray`` extras and ``shared/data``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from folders import keep_outputs_until_the_end
from throughput import DEFAULT_DATA, benchmark_model, cache_folder, cpu_name

HERE = Path(__file__).resolve().parent
PER_ARTICLE = 4
FLOOR = 0.7
SYSTEMS = ("local", "ray")


def worker(argv: Sequence[str]) -> None:
    """A worker process: ``--worker KIND PLAN BEAM``; prints one JSON line."""
    from fr2en.batch import run_batch
    from fr2en.config import load_settings
    from fr2en.translate import Translator, load_translator

    kind, plan_path, beam = argv[0], Path(argv[1]), int(argv[2])
    plan = json.loads(plan_path.read_text(encoding="utf-8"))
    settings = load_settings(
        overrides={"model": {"name": plan["model"], "backend": "ct2", "beam": beam, "device": "cpu"}},
        environ={},
    )
    forced = plan["target_tokens"]
    out = keep_outputs_until_the_end(plan_path.parent, "out-")
    began = time.perf_counter()
    timings: dict[str, float] = {}
    closer = None
    if kind == "ray":
        from fr2en.executors.ray import RayTranslator

        remote = RayTranslator(settings, forced_output_tokens=forced)
        remote.start()
        timings = {"ray_start_s": remote.timings.start_seconds, "load_s": remote.timings.load_seconds}
        translator: Translator = remote
        closer = remote.close
        extra = {"workers": len(remote.actors), "nodes": len(set(remote.nodes))}
    else:
        translator = load_translator(settings.model, forced_output_tokens=forced)
        timings = {"ray_start_s": 0.0, "load_s": time.perf_counter() - began}
        extra = {"workers": 1, "nodes": 1}
    steady = time.perf_counter()
    report = run_batch(
        [plan["folder"]], out, settings, translator=translator, show_progress=False, cache=False
    )
    ended = time.perf_counter()
    if closer is not None:
        closer()
    sentences = sum(d.sentences for d in report.documents)
    failed = [d.error for d in report.documents if d.status != "done"]
    if failed or sentences != len(plan["sentences"]):
        raise SystemExit(f"{kind} run went wrong: {sentences} sentences, failures {failed[:3]}")
    print(json.dumps({"sentences": sentences, "steady_s": ended - steady, **timings, **extra}))


def prepare(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The model (built once, converted once), the sentences, the folder of articles."""
    import statistics as stats

    sentences, folder, _, vocab = benchmark_model(Path(args.data), args.sentences, pick=args.sentences)
    mean_tokens = stats.fmean(vocab.count(s) for s in sentences)
    articles = work / "articles"
    articles.mkdir()
    for start in range(0, len(sentences), PER_ARTICLE):
        # One sentence per paragraph, so that the segmenter gives back exactly these sentences.
        text = "\n\n".join(sentences[start : start + PER_ARTICLE]) + "\n"
        (articles / f"article-{start // PER_ARTICLE:04d}.txt").write_text(text, encoding="utf-8")
    plan = {
        "model": str(folder),
        "sentences": sentences,
        "folder": str(articles),
        "articles": len(list(articles.iterdir())),
        "target_tokens": round(mean_tokens),
    }
    (work / "plan.json").write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return plan


def run_one(kind: str, beam: int, plan_path: Path) -> dict[str, Any]:
    """One system in a fresh process."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(plan_path), str(beam)]
    env = {**os.environ, "FR2EN_CACHE_DIR": str(cache_folder()), "RAY_USAGE_STATS_ENABLED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Prepare, run the two systems round by round, print the table and the ratio."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="160 sentences, 1 round")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 2)")
    parser.add_argument("--sentences", type=int, default=None, help="sentences (default 960)")
    parser.add_argument("--beam", type=int, default=1, help="beam size (default 1, greedy)")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    args.rounds = args.rounds or (1 if args.quick else 2)
    args.sentences = args.sentences or (160 if args.quick else 960)
    started = time.perf_counter()
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SYSTEMS}
    with tempfile.TemporaryDirectory(prefix="fr2en-ray-folders-") as tmp:
        plan = prepare(args, Path(tmp))
        for round_index in range(args.rounds):
            order = SYSTEMS if round_index % 2 == 0 else SYSTEMS[::-1]
            for kind in order:
                result = run_one(kind, args.beam, Path(tmp) / "plan.json")
                runs[kind].append(result)
                rate = result["sentences"] / result["steady_s"]
                print(
                    f"round {round_index + 1}/{args.rounds}: {kind}: {rate:.2f} sent/s steady",
                    file=sys.stderr,
                )
    rows = []
    for kind in SYSTEMS:
        found = runs[kind]
        rows.append(
            {
                "kind": kind,
                "workers": found[0]["workers"],
                "steady_sent_per_s": statistics.median(r["sentences"] / r["steady_s"] for r in found),
                "steady_s": statistics.median(r["steady_s"] for r in found),
                "ray_start_s": statistics.median(r["ray_start_s"] for r in found),
                "load_s": statistics.median(r["load_s"] for r in found),
                "rounds": [round(r["sentences"] / r["steady_s"], 3) for r in found],
            }
        )
    rate = {r["kind"]: r["steady_sent_per_s"] for r in rows}
    ratios = {"ray_vs_local_steady": round(rate["ray"] / rate["local"], 3)}
    header = (
        f"{len(plan['sentences'])} newstest2013 sentences in {plan['articles']} articles of {PER_ARTICLE}, "
        f"outputs forced to {plan['target_tokens']} tokens; ct2 int8, beam {args.beam}, cache off, default "
        f"formats; {args.rounds} interleaved round(s), medians; {os.cpu_count()} cores ({cpu_name()}), "
        f"load average {os.getloadavg()[0]:.1f} at the end; {time.perf_counter() - started:.0f} s in all"
    )
    lines = [
        "| executor | actors | steady sent/s | steady s | Ray start s | model load s |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['kind']} | {r['workers']} | {r['steady_sent_per_s']:.2f} | {r['steady_s']:.1f} | "
        f"{r['ray_start_s']:.1f} | {r['load_s']:.1f} |"
        for r in rows
    ]
    print(header)
    print()
    print("\n".join(lines))
    print()
    value = ratios["ray_vs_local_steady"]
    print(f"ratios: ray_vs_local_steady {value} (floor {FLOOR}{'' if value >= FLOOR else ', BELOW'})")
    if args.json is not None:
        payload = {"ratios": ratios, "floor": FLOOR, "conditions": header, "systems": rows}
        args.json.write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
