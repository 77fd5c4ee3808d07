"""Which batch size is cheapest per sentence, for each backend, greedy and beam 4.

    python benchmarks/batch_size.py [--sentences 64] [--sizes 16,32,64,128]

Runs fr2en's own translators (the full-size random-weight model of ``throughput.py``, outputs
forced to the same length) on one thread, and reports CPU milliseconds per sentence for each
maximum batch size, counted in hypotheses (sentences × beam). CPU time on one thread measures the
work itself, so it holds even on a busy machine; ``throughput.py`` measures what the user waits.
This is what the 64-hypothesis cap on CPU batches (``fr2en.translate.engine.CPU_BATCH_HYPOTHESES``)
and ``max_batch_sentences`` = 64 were chosen from.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import throughput  # noqa: E402 - a sibling script, not a package


def main() -> int:
    """Measure every (backend, beam, size) and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=64)
    parser.add_argument("--sizes", default="16,32,64,128", help="hypotheses per batch")
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs")
    parser.add_argument("--data", default=str(throughput.DEFAULT_DATA))
    args = parser.parse_args()
    from fr2en.config import load_settings
    from fr2en.translate import ct2, load_translator, marian

    # Lift fr2en's own cap on hypotheses per CPU batch: measuring beyond it is the point.
    marian.CPU_BATCH_HYPOTHESES = ct2.CPU_BATCH_HYPOTHESES = 1 << 20

    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as tmp:
        plan_args = argparse.Namespace(
            data=args.data, sentences=args.sentences, target_tokens=0, doc_sentences=0, naive_stride=4
        )
        plan = throughput.prepare(plan_args, Path(tmp))
    sentences = plan["sentences"]
    print(
        f"{len(sentences)} sentences, outputs forced to {plan['target_tokens']} tokens, one thread; "
        f"CPU ms per sentence (best of {args.repeats})\n"
    )
    print("| backend | beam | " + " | ".join(f"{size} hyp." for size in sizes) + " |")
    print("|---|---|" + "---|" * len(sizes))
    for backend in ("torch", "ct2"):
        for beam in (1, 4):
            base = load_settings(overrides={"model": {"name": plan["model"], "backend": backend}}, environ={})
            cells = []
            for size in sizes:
                sentences_per_batch = max(1, size // beam)
                model = replace(
                    base.model,
                    beam=beam,
                    threads=1,
                    max_batch_sentences=sentences_per_batch,
                    batch_tokens=1 << 20,
                )
                translator = load_translator(model, forced_output_tokens=plan["target_tokens"])
                costs = []
                for _ in range(args.repeats):
                    started = time.process_time()
                    translator.translate(sentences)
                    costs.append(1000 * (time.process_time() - started) / len(sentences))
                cells.append(f"{min(costs):.0f}")
                del translator
            print(f"| {backend} | {beam} | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
