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


def test_the_processors_never_wait_for_the_device(monkeypatch: pytest.MonkeyPatch) -> None:
    import torch

    from fr2en.translate.marian import _BanTokens, _RowCaps, _StepTopK

    recorder = _StepTopK(3, eos_id=0, normalised=False)
    processors = [recorder, _BanTokens([5]), _RowCaps([3, 5], eos_id=0, beams=2)]
    expected_ends = {2: [0, 0, 0, 0], 3: [1, 1, 0, 0], 5: [1, 1, 1, 1]}

    # Anything that reads a tensor's value on the host would wait for a GPU at every step.
    def waits(*_: object, **__: object) -> None:
        raise AssertionError("host synchronisation in a decoding step")

    for step in range(1, 6):
        scores = torch.randn(4, 50)
        with monkeypatch.context() as patch:
            for name in ("__bool__", "item", "tolist", "cpu", "numpy", "__float__", "__int__"):
                patch.setattr(torch.Tensor, name, waits)
            for processor in processors:
                scores = processor(torch.zeros((4, step), dtype=torch.long), scores)
        assert torch.isneginf(scores[:, 5]).all()
        if step in expected_ends:
            ended = torch.isneginf(scores[:, 1]).long().tolist()
            assert ended == expected_ends[step], step
    assert len(recorder.values) == 5 and recorder.values[0].device == torch.device("cpu")


def test_batches_are_sized_for_the_device(tiny_settings: Settings) -> None:
    from fr2en.translate.batching import UnitResult
    from fr2en.translate.engine import GPU_BATCH_HYPOTHESES, device_batch_shape

    model = replace(tiny_settings.model, beam=4, backend="torch", threads=1, device="cpu")
    assert device_batch_shape(model, "cpu", per_beam=True)[1:] == (model.batch_tokens // 4, 64)
    gpu, budget, hypotheses = device_batch_shape(model, "cuda", per_beam=True)
    assert budget == 8 * model.batch_tokens // 4 and hypotheses == GPU_BATCH_HYPOTHESES
    assert gpu.max_batch_sentences == 8 * model.max_batch_sentences and gpu.beam == model.beam
    assert device_batch_shape(model, "cuda", per_beam=False)[1] == 8 * model.batch_tokens

    translator = load_translator(model)
    sizes: list[int] = []

    def record(batches: list[list[list[str]]]):  # type: ignore[no-untyped-def]
        for batch in batches:
            sizes.append(len(batch))
            yield [UnitResult("x")] * len(batch)

    translator._run_batches = record  # type: ignore[attr-defined,method-assign]
    sentences = [f"Phrase numéro {n} pour le test." for n in range(600)]
    translator.translate(sentences)
    assert max(sizes) == 16  # 64 hypotheses at beam 4 on a CPU
    sizes.clear()
    translator.device = "cuda"  # type: ignore[attr-defined]
    translator.translate(sentences)
    # 1,024 hypotheses a batch on a GPU: three even batches of 200, against 38 on a CPU.
    assert sizes == [200, 200, 200]


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
