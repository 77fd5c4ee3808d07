"""Forced decoding with the tiny MarianMT model: the evidence for translations made elsewhere."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from fr2en.config import ModelSettings  # noqa: E402
from fr2en.translate import load_translator  # noqa: E402

pytestmark = pytest.mark.model

SOURCES = ["Le gouvernement a présenté un projet de loi.", "Bonjour.", "", "Il fait beau."]
TARGETS = ["The government presented a bill.", "Hello.", "Nothing.", ""]


@pytest.fixture(scope="module")
def translator():  # type: ignore[no-untyped-def]
    settings = ModelSettings(name="fr2en:tiny", backend="torch", beam=1, device="cpu", max_batch_sentences=2)
    return load_translator(settings)


def test_score_translations_shape_and_empty_sides(translator) -> None:  # type: ignore[no-untyped-def]
    results = translator.score_translations(SOURCES, TARGETS)
    assert [r.text for r in results] == TARGETS
    assert results[0].logprob is not None and results[0].min_logprob is not None
    assert results[0].min_logprob <= results[0].logprob < 0
    assert results[0].tokens > 0
    assert results[2].logprob is None and results[3].logprob is None
    assert translator.score_translations([], []) == []


def test_forced_logprobs_match_a_full_softmax(translator) -> None:  # type: ignore[no-untyped-def]
    tokenizer, model = translator.tokenizer, translator.model
    src = tokenizer([SOURCES[0]])["input_ids"][0]
    tgt = tokenizer(text_target=[TARGETS[0]])["input_ids"][0]
    fast = translator._force([src], [tgt])[0]
    with torch.inference_mode():
        decoder = torch.tensor([[model.config.decoder_start_token_id, *tgt[:-1]]])
        logits = model(input_ids=torch.tensor([src]), decoder_input_ids=decoder).logits[0].float()
        expected = logits.log_softmax(-1).gather(1, torch.tensor(tgt).unsqueeze(1)).squeeze(1).tolist()
    assert fast == pytest.approx(expected, abs=1e-4)


def test_batching_does_not_change_scores(translator) -> None:  # type: ignore[no-untyped-def]
    together = translator.score_translations(SOURCES[:2], TARGETS[:2])
    alone = [
        translator.score_translations([s], [t])[0] for s, t in zip(SOURCES[:2], TARGETS[:2], strict=True)
    ]
    for a, b in zip(together, alone, strict=True):
        assert a.logprob == pytest.approx(b.logprob, abs=1e-4)


def test_forced_decoding_agrees_with_generation(translator) -> None:  # type: ignore[no-untyped-def]
    made = translator.translate(["Bonjour."])[0]
    forced = translator.score_translations(["Bonjour."], [made.text])[0]
    # The re-tokenised text may differ slightly from the generated ids; the averages stay close.
    assert forced.logprob == pytest.approx(made.logprob, abs=0.5)


def test_mismatched_lengths(translator) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        translator.score_translations(["a"], [])
