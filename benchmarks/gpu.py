"""fr2en on a GPU: cold fixed cost, marginal throughput and peak GPU memory, per backend.

    PYTHONPATH=src python benchmarks/gpu.py [--json FILE] [--sentences N] [--cpu-sentences N]

On the full-size random-weight opus-mt-fr-en (benchmarks/model.py, built once into the cache folder:
``$FR2EN_CACHE_DIR``, else ``benchmarks/.cache``), with natural (unforced) output lengths, for each
of ``torch-cuda``, ``ct2-cuda`` (when it runs on this machine: fr2en's own CUDA probe decides) and
``ct2-cpu`` (the yardstick):

- ``cold_s``: a fresh process that imports fr2en, loads the model (its conversion already cached)
  and translates one sentence, greedy, wall clock as its parent sees it;
- ``greedy_sps`` / ``beam4_sps``: sentences per second in one process after a warm-up, on
  ``--sentences`` distinct newstest2013 sentences (default 1,920; ``--cpu-sentences``, default 480,
  for ct2 on the CPU, which is some 30 times slower) with fr2en's translation cache off;
- ``peak_gpu_mb``: torch's own counter (``max_memory_allocated``) for torch; for CTranslate2, which
  has none, the device's used memory (NVML) at its highest during the run less before the model.

Each system runs in a process of its own. Needs ``shared/data`` (architecture and text) and, for
the ct2 rows, the ``fast`` extra; no network. On a machine where torch sees no CUDA GPU it prints
one line saying so and exits with status 2: there is nothing it could measure there.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
SYSTEMS = ("torch-cuda", "ct2-cuda", "ct2-cpu")
WARMUP = 64
NO_GPU_EXIT = 2


def cache_folder() -> Path:
    """The benchmark's cache: ``$FR2EN_CACHE_DIR`` (fr2en's own), else ``benchmarks/.cache``."""
    return Path(os.environ.get("FR2EN_CACHE_DIR") or HERE / ".cache")


class Nvml:
    """Just enough of NVML (through ctypes; no extra package) to read GPU 0's used memory and name."""

    class _Memory(ctypes.Structure):
        _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]

    def __init__(self) -> None:
        self.lib = ctypes.CDLL("libnvidia-ml.so.1")
        if self.lib.nvmlInit_v2() != 0:
            raise OSError("nvmlInit failed")
        self.handle = ctypes.c_void_p()
        if self.lib.nvmlDeviceGetHandleByIndex_v2(0, ctypes.byref(self.handle)) != 0:
            raise OSError("no GPU 0")

    def used_mb(self) -> float:
        """GPU 0's used memory, all processes, in MB."""
        memory = self._Memory()
        self.lib.nvmlDeviceGetMemoryInfo(self.handle, ctypes.byref(memory))
        return memory.used / 2**20

    def name(self) -> str:
        """GPU 0's name."""
        buffer = ctypes.create_string_buffer(96)
        self.lib.nvmlDeviceGetName(self.handle, buffer, 96)
        return buffer.value.decode(errors="replace")


class PeakSampler:
    """Samples the GPU's used memory every 20 ms in a thread; ``peak_mb`` is the highest seen."""

    def __init__(self, nvml: Nvml) -> None:
        self.nvml = nvml
        self.peak_mb = nvml.used_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_mb = max(self.peak_mb, self.nvml.used_mb())

    def stop(self) -> float:
        """Stop sampling and return the peak."""
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, self.nvml.used_mb())
        return self.peak_mb


# --------------------------------------------------------------------------------------------------
# Workers: each runs in its own process and prints one JSON line.


def _settings(plan: dict[str, Any], system: str, beam: int) -> Any:
    from fr2en.config import ModelSettings

    backend, device = system.split("-")
    return ModelSettings(name=plan["model"], backend=backend, device=device, beam=beam)


def work_cold(plan: dict[str, Any], system: str) -> dict[str, Any]:
    """Load and translate one sentence, greedy: what a fresh process pays before any real work."""
    from fr2en.translate import load_translator

    translator = load_translator(_settings(plan, system, 1))
    out = translator.translate([plan["warmup"][0]])
    return {"translated": bool(out[0].text)}


def work_rate(plan: dict[str, Any], system: str, sentences: int) -> dict[str, Any]:
    """Greedy and beam-4 sentences per second after a warm-up, and the peak GPU memory of it all."""
    from fr2en.translate import load_translator

    torch = None
    if system == "torch-cuda":
        import torch  # type: ignore[no-redef]

        torch.cuda.reset_peak_memory_stats()
    nvml = None
    if system == "ct2-cuda":
        try:
            nvml = Nvml()
        except (OSError, AttributeError):
            nvml = None  # no NVML here: the row goes without its peak memory
    before = nvml.used_mb() if nvml is not None else 0.0
    sampler = PeakSampler(nvml) if nvml is not None else None
    result: dict[str, Any] = {"sentences": sentences}
    for beam, key in ((1, "greedy_sps"), (4, "beam4_sps")):
        translator = load_translator(_settings(plan, system, beam))
        translator.translate(plan["warmup"])
        chosen = plan["sentences"][:sentences]
        if torch is not None:
            torch.cuda.synchronize()
        started = time.perf_counter()
        out = translator.translate(chosen)
        if torch is not None:
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - started
        if len(out) != len(chosen) or not all(t.text for t in out):
            raise SystemExit(f"{system} beam {beam}: empty translations")
        result[key] = len(chosen) / elapsed
        result[f"{key}_tokens_out"] = sum(t.tokens for t in out)
        result["info"] = f"{translator.info.backend} {translator.info.device} {translator.info.precision}"
        del translator
    if torch is not None:
        result["peak_gpu_mb"] = torch.cuda.max_memory_allocated() / 2**20
        result["gpu"] = torch.cuda.get_device_name(0)
        result["torch"] = torch.__version__
    elif sampler is not None:
        result["peak_gpu_mb"] = sampler.stop() - before
    return result


def worker(argv: Sequence[str]) -> None:
    """``--worker cold|rate SYSTEM PLAN [SENTENCES]``: one measurement, one JSON line."""
    kind, system, plan = argv[0], argv[1], json.loads(Path(argv[2]).read_text(encoding="utf-8"))
    result = work_cold(plan, system) if kind == "cold" else work_rate(plan, system, int(argv[3]))
    print(json.dumps(result))


# --------------------------------------------------------------------------------------------------
# The parent.


def gpu_missing() -> str:
    """Why nothing can be measured here ('' when torch sees a CUDA GPU)."""
    from fr2en.translate.runtime import cuda_visible

    if not cuda_visible():
        return "no CUDA GPU is visible here (no NVIDIA driver, or CUDA_VISIBLE_DEVICES is empty)"
    done = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.cuda.is_available())"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.stdout.strip() != "True":
        return "torch sees no CUDA GPU here"
    return ""


def pick_sentences(data: Path, count: int) -> list[str]:
    """``count`` distinct newstest2013 sentences that fr2en's segmenter keeps whole, in file order."""
    from fr2en.segment import segment_paragraph

    lines = (data / "parallel" / "wmt" / "newstest2013.fr").read_text(encoding="utf-8").splitlines()
    picked: list[str] = []
    for line in dict.fromkeys(" ".join(line.split()) for line in lines):
        if len(line.split()) >= 3 and len(segment_paragraph(line)) == 1:
            picked.append(line)
            if len(picked) == count:
                break
    if len(picked) < count:
        raise SystemExit(f"gpu.py: only {len(picked)} usable sentences in newstest2013.fr, {count} wanted")
    return picked


def prepare(data: Path, sentences: int, work: Path) -> dict[str, Any]:
    """Build (or find) the benchmark model, pick the sentences and write the plan."""
    sys.path.insert(0, str(HERE))
    from model import model_dir
    from throughput import pick_sentences as held_out
    from throughput import training_text

    # The same tokenizer training text as benchmarks/throughput.py: one cached model for both.
    _, rest = held_out(data, 192)
    print(f"model: {cache_folder() / 'bench'} (built on first use)", file=sys.stderr)
    folder = model_dir(cache_folder(), data / "opus-mt-fr-en", training_text(data, rest))
    chosen = pick_sentences(data, sentences + WARMUP)
    plan = {"model": str(folder), "warmup": chosen[:WARMUP], "sentences": chosen[WARMUP:]}
    path = work / "plan.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return {"path": str(path), **plan}


def run_worker(args: Sequence[str], timeout: float) -> tuple[dict[str, Any] | None, float, str]:
    """Run a worker process: (its JSON or None, wall seconds, last error line)."""
    env = {**os.environ, "FR2EN_CACHE_DIR": str(cache_folder()), "TOKENIZERS_PARALLELISM": "false"}
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, time.perf_counter() - started, f"timed out after {timeout:.0f} s"
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        return None, elapsed, lines[-1] if lines else f"exit {done.returncode}"
    return json.loads(done.stdout.strip().splitlines()[-1]), elapsed, ""


def measure(system: str, plan: dict[str, Any], sentences: int, timeout: float) -> dict[str, Any]:
    """One system's row: cold fixed cost (second of two cold runs), then the rates."""
    row: dict[str, Any] = {"system": system}
    # The first cold run also fills the caches a later run would find (probe, conversion).
    first, _, error = run_worker(["cold", system, plan["path"]], timeout)
    if first is None:
        row["skipped"] = error
        return row
    _, row["cold_s"], _ = run_worker(["cold", system, plan["path"]], timeout)
    rates, _, error = run_worker(["rate", system, plan["path"], str(sentences)], timeout)
    if rates is None:
        row["error"] = error
        return row
    row.update(rates)
    return row


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| system | cold s | greedy sent/s | beam 4 sent/s | peak GPU MB | sentences | ran as |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        if "skipped" in row or "error" in row:
            lines.append(
                f"| {row['system']} | – | – | – | – | – | not run: {row.get('skipped') or row['error']} |"
            )
            continue
        peak = f"{row['peak_gpu_mb']:.0f}" if "peak_gpu_mb" in row else "–"
        lines.append(
            f"| {row['system']} | {row['cold_s']:.1f} | {row['greedy_sps']:.0f} | {row['beam4_sps']:.0f} | "
            f"{peak} | {row['sentences']} | {row['info']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments, check for a GPU, measure every system, print and save the table."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--worker"]:
        worker(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=1920, help="sentences per GPU rate (default 1920)")
    parser.add_argument("--cpu-sentences", type=int, default=480, help="the same for ct2 on the CPU")
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the shared data folder")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds per worker process at most")
    args = parser.parse_args(argv)
    missing = gpu_missing()
    if missing:
        print(f"gpu.py: {missing}; nothing measured (run it on a machine with a CUDA GPU)", file=sys.stderr)
        return NO_GPU_EXIT
    data = Path(args.data)
    if not (data / "opus-mt-fr-en" / "config.json").is_file():
        print(f"gpu.py: {data} holds no opus-mt-fr-en architecture; pass --data", file=sys.stderr)
        return NO_GPU_EXIT
    import tempfile

    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fr2en-gpu-") as tmp:
        plan = prepare(data, max(args.sentences, args.cpu_sentences), Path(tmp))
        rows = []
        for system in SYSTEMS:
            count = args.cpu_sentences if system.endswith("cpu") else args.sentences
            rows.append(measure(system, plan, count, args.timeout))
            print(f"{system}: {json.dumps(rows[-1])}", file=sys.stderr)
    gpu = next((row["gpu"] for row in rows if "gpu" in row), "")
    header = (
        f"{gpu or 'GPU'}; newstest2013 sentences, natural output lengths, fr2en cache off; "
        f"{len(os.sched_getaffinity(0))} CPU cores; python {platform.python_version()}; "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(header)
    print()
    print(table(rows))
    if args.json is not None:
        args.json.write_text(
            json.dumps({"conditions": header, "rows": rows}, indent=1) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
