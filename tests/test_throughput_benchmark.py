"""benchmarks/throughput.py's own logic: the ratios it reports and the sentences it picks."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import throughput  # noqa: E402 - a script beside the package, found through the path above


def _row(kind: str, beam: int, rate: float, args: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"kind": kind, "beam": beam, "sent_per_s": rate, "args": list(args)}


def test_ratios_use_the_best_raw_configuration_and_the_worse_beam() -> None:
    rows = [
        _row("naive", 1, 2.0),
        _row("naive", 4, 1.0),
        _row("raw-ct2", 1, 40.0, ("1", "2", "32:examples")),
        _row("raw-ct2", 1, 60.0, ("2", "1", "32:examples")),
        _row("raw-ct2", 4, 20.0, ("2", "1", "16:examples")),
        _row("fr2en", 1, 14.0, ("torch",)),
        _row("fr2en", 4, 4.0, ("torch",)),
        _row("fr2en", 1, 54.0, ("ct2",)),
        _row("fr2en", 4, 21.0, ("ct2",)),
    ]
    found = throughput.ratios(rows)
    assert found["torch_greedy_vs_naive"] == 7.0 and found["torch_beam4_vs_naive"] == 4.0
    assert found["ct2_greedy_vs_naive"] == 27.0 and found["ct2_beam4_vs_naive"] == 21.0
    assert found["ct2_vs_raw_ct2_greedy"] == 0.9 and found["ct2_vs_raw_ct2_beam4"] == 1.05
    assert found["ct2_vs_raw_ct2"] == 0.9


@pytest.mark.skipif(not (throughput.DEFAULT_DATA / "parallel").is_dir(), reason="needs shared/data")
def test_picked_sentences_are_single_sentences_held_out_of_training() -> None:
    from fr2en.segment import segment_paragraph

    picked, rest = throughput.pick_sentences(throughput.DEFAULT_DATA, 48)
    assert len(picked) == 48 and len(set(picked)) == 48
    assert all(len(segment_paragraph(s)) == 1 for s in picked)
    assert not set(picked) & set(rest)
