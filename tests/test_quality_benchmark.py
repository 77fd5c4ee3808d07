"""benchmarks/quality.py: the corruptions and the ROC-AUC it reports."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import quality

PAIRS = [
    (
        "Environ 12 000 personnes ont manifesté samedi à Paris, selon la police.",
        "About 12,000 people demonstrated in Paris on Saturday, according to the police, who were there.",
    ),
    (
        "Le gouvernement a présenté mercredi un nouveau projet de loi.",
        "The government presented a new bill on Wednesday, and it is three pages long.",
    ),
    ("Il fait beau.", "It is fine."),
]


@pytest.mark.parametrize("kind", quality.KINDS + quality.EXTRA_KINDS)
def test_every_corruption_changes_the_english(kind: str) -> None:
    rng = random.Random(1)
    damaged = quality.corrupt(kind, 0, PAIRS, rng) or quality.corrupt(kind, 1, PAIRS, rng)
    assert damaged is not None and damaged not in (PAIRS[0][1], PAIRS[1][1])


def test_corruptions_that_need_something_skip_pairs_without_it() -> None:
    rng = random.Random(1)
    assert quality.corrupt("truncated", 2, PAIRS, rng) is None  # too short to truncate
    assert quality.corrupt("number", 2, PAIRS, rng) is None  # no number


def test_roc_auc() -> None:
    assert quality.roc_auc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert quality.roc_auc([0.1], [0.9]) == 0.0
    assert quality.roc_auc([0.5], [0.5]) == 0.5


@pytest.mark.skipif(not quality.DATA.is_dir(), reason="shared evaluation data not present")
def test_small_run_meets_the_targets(capsys: pytest.CaptureFixture[str]) -> None:
    assert quality.main(["--limit", "200"]) == 0
    assert "| newstest2013 | 200 |" in capsys.readouterr().out
    row = quality.evaluate(quality.load_pairs("flores-devtest-A", 200), quality.model_free_scorer(0.5), 13)
    assert row["clean_flagged"] <= 0.05  # type: ignore[operator]
    assert all(row[kind]["auc"] >= 0.9 for kind in quality.KINDS)  # type: ignore[index]
