"""Seconds per small document through the tiny model with 1 and with 2 torch threads.

    FR2EN_CACHE_DIR=/tmp/fr2en-cache python benchmarks/threads.py [--documents N]

Each thread count runs in a fresh process (OMP_NUM_THREADS is read when torch starts), over the
same small French documents, with the translation cache off. On a machine whose cores are shared
with other busy processes, a second intra-op thread that must wait for a core is far slower than one;
this is why the test suite pins torch to one thread.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from pathlib import Path
from fr2en.batch import run_batch
from fr2en.config import load_settings
from fr2en.translate import load_translator
settings = load_settings(Path(sys.argv[3]), environ={})
translator = load_translator(settings.model)
started = time.perf_counter()
report = run_batch([sys.argv[1]], sys.argv[2], settings, translator=translator, cache=False, show_progress=False)
seconds = time.perf_counter() - started
print(json.dumps({"documents": len(report.documents), "seconds": seconds}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=6)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder) / "in"
        inputs.mkdir()
        for number in range(args.documents):
            lines = [f"Article {number}"] + [
                f"Le texte numéro {number} dit la phrase {s} à Paris." for s in range(2)
            ]
            (inputs / f"doc{number:02d}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        print(f"{'threads':>8} {'s/document':>11}")
        for threads in (1, 2):
            out = Path(folder) / f"out{threads}"
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(inputs), str(out), str(REPO / "configs" / "tiny.toml")],
                env={**os.environ, "OMP_NUM_THREADS": str(threads)},
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"{threads:>8} {result['seconds'] / result['documents']:>11.3f}")
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
