"""benchmarks/gpu.py where there is no GPU: one line, status 2; and its table and sentence picking."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import gpu  # noqa: E402 - a script beside the package, found through the path above


def test_without_a_gpu_it_says_so_in_one_line_and_exits_2() -> None:
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "gpu.py")], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == gpu.NO_GPU_EXIT == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "gpu.py: no CUDA GPU is visible here (no NVIDIA driver, or CUDA_VISIBLE_DEVICES is empty); "
        "nothing measured (run it on a machine with a CUDA GPU)"
    ]


def test_a_backend_that_cannot_run_is_a_row_that_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def fake(args: list[str], timeout: float) -> tuple[dict[str, Any] | None, float, str]:
        calls.append(args)
        if args[1] == "ct2-cuda":
            return None, 1.0, "ModelLoadError: the ct2 backend cannot run on CUDA here (libcublas)"
        if args[0] == "cold":
            return {"translated": True}, 2.5, ""
        return (
            {"sentences": 1920, "greedy_sps": 1500.0, "beam4_sps": 400.0, "info": "torch cuda float16"},
            9.0,
            "",
        )

    monkeypatch.setattr(gpu, "run_worker", fake)
    plan = {"path": "plan.json"}
    rows = [gpu.measure(system, plan, 1920, 60.0) for system in ("torch-cuda", "ct2-cuda")]
    assert rows[0]["cold_s"] == 2.5 and rows[0]["greedy_sps"] == 1500.0
    assert rows[1] == {
        "system": "ct2-cuda",
        "skipped": "ModelLoadError: the ct2 backend cannot run on CUDA here (libcublas)",
    }
    text = gpu.table(rows)
    assert "| torch-cuda | 2.5 | 1500 | 400 | – | 1920 | torch cuda float16 |" in text
    assert "| ct2-cuda | – | – | – | – | – | not run: ModelLoadError" in text
    # A backend that cannot load is tried once, not timed again.
    assert [c[:2] for c in calls].count(["cold", "ct2-cuda"]) == 1


@pytest.mark.skipif(not (gpu.DEFAULT_DATA / "parallel").is_dir(), reason="needs shared/data")
def test_the_sentences_are_distinct_and_whole() -> None:
    picked = gpu.pick_sentences(gpu.DEFAULT_DATA, 1920 + gpu.WARMUP)
    assert len(set(picked)) == len(picked) == 1920 + gpu.WARMUP


@pytest.mark.model
def test_the_workers_measure_on_the_tiny_model(tmp_path: Path) -> None:
    # The rows' code, run with ct2 on the CPU and the tiny model (torch would take two busy cores here).
    sentences = ["Le chat dort.", "Il pleut sur Paris.", "Oui, merci.", "La réunion aura lieu demain."]
    plan = tmp_path / "plan.json"
    plan.write_text(
        json.dumps({"model": "fr2en:tiny", "warmup": sentences[:2], "sentences": sentences}), encoding="utf-8"
    )
    cold, seconds, error = gpu.run_worker(["cold", "ct2-cpu", str(plan)], 120.0)
    assert cold == {"translated": True} and seconds > 0 and error == ""
    rates, _, error = gpu.run_worker(["rate", "ct2-cpu", str(plan), "3"], 120.0)
    assert error == "" and rates is not None
    assert rates["sentences"] == 3 and rates["greedy_sps"] > 0 and rates["beam4_sps"] > 0
    assert rates["info"] == "ct2 cpu int8" and "peak_gpu_mb" not in rates
