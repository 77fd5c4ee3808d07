"""The torch backend through the shared engine: progress in sentences, the benchmark hook, threads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fr2en.config import Settings
from fr2en.translate import load_translator

pytestmark = pytest.mark.model
SENTENCES = ["Le chat dort.", "Il pleut sur Paris depuis ce matin.", "", "Le chat dort.", "Oui."]


def test_progress_counts_input_sentences(tiny_settings: Settings) -> None:
    translator = load_translator(replace(tiny_settings.model, beam=1, threads=1))
    calls: list[tuple[int, int]] = []
    out = translator.translate(SENTENCES, lambda done, total: calls.append((done, total)))
    assert [t.source for t in out] == SENTENCES
    # Four units (one duplicate, one empty) are reported as the five sentences given.
    assert calls[-1] == (5, 5) and all(total == 5 for _, total in calls)
    assert translator.info.backend == "torch" and translator.info.precision == ""


def test_forced_output_length_for_benchmarks(tiny_settings: Settings) -> None:
    for beam in (1, 2):
        model = replace(tiny_settings.model, beam=beam, backend="torch", threads=1)
        translator = load_translator(model, forced_output_tokens=7)
        out = translator.translate(["Oui.", "Il pleut sur Paris depuis ce matin."])
        assert [t.tokens for t in out] == [7, 7]
