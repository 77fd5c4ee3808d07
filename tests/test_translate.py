"""The transformers backend on the tiny model: order, duplicates, the window split, the model's evidence."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.model

SENTENCES = [
    "La réunion aura lieu demain à Istanbul.",
    "Bonjour.",
    "Les diplomates russes et américains se rencontreront à nouveau jeudi.",
    "Bonjour.",
    "",
    "Le ministre russe espère désormais que cette rencontre montrera clairement des progrès.",
]


def test_results_come_back_in_input_order_and_duplicates_agree(tiny_translator) -> None:  # type: ignore[no-untyped-def]
    results = tiny_translator.translate(SENTENCES)
    assert [r.source for r in results] == [" ".join(s.split()) for s in SENTENCES]
    one_by_one = [tiny_translator.translate([s])[0] for s in SENTENCES]
    # Batching and sorting by length must not change what each sentence gets.
    assert [r.text for r in results] == [r.text for r in one_by_one]
    assert results[1] == results[3]
    assert results[4].text == "" and results[4].logprob is None


def test_the_model_evidence_is_a_mean_log_probability(tiny_translator) -> None:  # type: ignore[no-untyped-def]
    for result in tiny_translator.translate(SENTENCES[:3]):
        assert result.logprob is not None and result.min_logprob is not None
        assert result.min_logprob <= result.logprob <= 0.0
        assert result.tokens > 0 and math.isfinite(result.logprob)


@pytest.mark.parametrize("beam", [1, 3])
def test_captured_evidence_equals_teacher_forced_scoring(tiny_settings, beam: int) -> None:  # type: ignore[no-untyped-def]
    """The log-probs kept during the search are those a teacher-forced pass gives for the same output."""
    import dataclasses

    import torch

    from fr2en.translate import load_translator

    # On the CPU: the reference pass below feeds CPU tensors to the model, in float32.
    translator = load_translator(dataclasses.replace(tiny_settings.model, beam=beam, device="cpu"))
    sentence = SENTENCES[2]
    result = translator.translate([sentence])[0]
    encoded = translator.tokenizer([sentence], return_tensors="pt")
    with torch.inference_mode():
        # transformers' own search with the model's default rules, capped where fr2en capped it.
        generated = translator.model.generate(
            **encoded, num_beams=beam, do_sample=False, max_new_tokens=result.tokens
        )
        logits = translator.model(**encoded, decoder_input_ids=generated[:, :-1]).logits
    forced = torch.log_softmax(logits[0].float(), -1).gather(-1, generated[0, 1:, None]).squeeze(-1)
    assert translator.tokenizer.decode(generated[0], skip_special_tokens=True).strip() == result.text
    assert len(forced) == result.tokens
    assert result.logprob == pytest.approx(float(forced.mean()), abs=1e-4)
    assert result.min_logprob == pytest.approx(float(forced.min()), abs=1e-4)


def test_a_sentence_longer_than_the_window_is_split_not_truncated(tiny_settings) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from fr2en.translate import load_translator

    translator = load_translator(dataclasses.replace(tiny_settings.model, max_input_tokens=24))
    long_sentence = ", ".join(["la réunion aura lieu demain à Istanbul"] * 8) + "."
    assert translator.count_tokens(long_sentence) > 24
    result = translator.translate([long_sentence])[0]
    assert result.parts > 1
    short = translator.translate(["Bonjour."])[0]
    assert short.parts == 1


def test_empty_input_translates_to_nothing(tiny_translator) -> None:  # type: ignore[no-untyped-def]
    assert tiny_translator.translate([]) == []


def test_a_lazy_translator_reports_the_same_info_before_and_after_loading(tiny_settings) -> None:  # type: ignore[no-untyped-def]
    from fr2en.translate import LazyTranslator

    lazy = LazyTranslator(tiny_settings.model)
    before = lazy.info
    assert lazy.translator is None and lazy.translate([]) == []
    assert lazy.translate(["Bonjour."])[0].text
    assert lazy.translator is not None and lazy.info == before
