"""The torch backend through the shared engine: progress in sentences, the benchmark hook, threads."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fr2en.config import Settings
from fr2en.translate import load_translator

pytestmark = pytest.mark.model
SENTENCES = ["Le chat dort.", "Il pleut sur Paris depuis ce matin.", "", "Le chat dort.", "Oui."]


def test_progress_counts_input_sentences(tiny_settings: Settings) -> None:
    translator = load_translator(replace(tiny_settings.model, beam=1, threads=1, device="cpu"))
    calls: list[tuple[int, int]] = []
    out = translator.translate(SENTENCES, lambda done, total: calls.append((done, total)))
    assert [t.source for t in out] == SENTENCES
    # Four units (one duplicate, one empty) are reported as the five sentences given.
    assert calls[-1] == (5, 5) and all(total == 5 for _, total in calls)
    assert translator.info.backend == "torch" and translator.info.precision == ""


def test_forced_output_length_for_benchmarks(tiny_settings: Settings) -> None:
    for beam in (1, 2):
        model = replace(tiny_settings.model, beam=beam, backend="torch", threads=1, device="cpu")
        translator = load_translator(model, forced_output_tokens=7)
        out = translator.translate(["Oui.", "Il pleut sur Paris depuis ce matin."])
        assert [t.tokens for t in out] == [7, 7]


def test_recorded_scores_do_not_hold_on_to_the_step() -> None:
    import torch

    from fr2en.translate.marian import _StepTopK

    # A view would keep each step's full-vocabulary scores alive until the batch ends (1 GB and more
    # over a beam-4 batch): what the recorder keeps must own its memory.
    recorder = _StepTopK(3, eos_id=0, normalised=True)
    scores = torch.log_softmax(torch.randn(4, 50), dim=-1)
    recorder(torch.zeros((4, 1), dtype=torch.long), scores)
    kept = [recorder.values[0], recorder.indices[0], recorder.eos[0]]
    assert all(t.untyped_storage().data_ptr() != scores.untyped_storage().data_ptr() for t in kept)
    assert torch.equal(recorder.eos[0], scores[:, 0])


def test_beam_cache_reorders_self_attention_only() -> None:
    import torch

    from fr2en.translate.marian import _BeamCache

    cache = _BeamCache()
    own = torch.arange(4.0).view(4, 1, 1, 1).expand(4, 2, 3, 5).contiguous()
    cross = torch.arange(4.0).view(4, 1, 1, 1).expand(4, 2, 7, 5).contiguous()
    cache.self_attention_cache.update(own, own, 0)
    cache.cross_attention_cache.update(cross, cross, 0)
    cache.reorder_cache(torch.tensor([1, 1, 3, 2]))
    assert cache.self_attention_cache.layers[0].keys[:, 0, 0, 0].tolist() == [1.0, 1.0, 3.0, 2.0]
    # Beams of one sentence share its encoder output, so its cross-attention rows need no reorder.
    assert torch.equal(cache.cross_attention_cache.layers[0].keys, cross)
