"""The torch backend on the tiny model: order, deduplication, long sentences, evidence, progress."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fr2en.config import Settings
from fr2en.translate import load_translator
from fr2en.translate.marian import MarianTranslator

Make = Callable[..., Settings]

pytestmark = pytest.mark.model

SENTENCES = ["Le chat dort.", "Il pleut sur Paris depuis ce matin.", "", "Le chat dort.", "Oui."]


@pytest.fixture(scope="module")
def greedy(make_settings: Make) -> MarianTranslator:
    translator = load_translator(make_settings(backend="torch", beam=1).model)
    assert isinstance(translator, MarianTranslator)
    return translator


def test_translates_in_order_with_evidence(greedy: MarianTranslator) -> None:
    calls: list[tuple[int, int]] = []
    out = greedy.translate(SENTENCES, lambda done, total: calls.append((done, total)))
    assert [t.source for t in out] == SENTENCES
    assert out[0] == out[3]  # a repeated sentence is translated once and reused
    assert out[2].text == "" and out[2].logprob is None
    for translation in (out[0], out[1], out[4]):
        assert translation.text
        assert translation.logprob is not None and translation.logprob < 0
        assert translation.min_logprob is not None and translation.min_logprob <= translation.logprob
        assert translation.tokens > 0 and translation.parts == 1
    assert calls[-1] == (len(SENTENCES), len(SENTENCES))
    assert greedy.info.backend == "torch" and greedy.info.precision == ""


def test_single_sentence_matches_batched(greedy: MarianTranslator) -> None:
    alone = greedy.translate(["Il pleut sur Paris depuis ce matin."])[0]
    batched = greedy.translate(SENTENCES)[1]
    assert alone.text == batched.text
    assert alone.logprob == pytest.approx(batched.logprob, abs=1e-4)


def test_long_sentence_is_split_and_flagged(make_settings: Make) -> None:
    settings = make_settings(backend="torch", beam=1, max_input_tokens=12).model
    translator = load_translator(settings)
    long = "Le chat dort sur le canapé. Il pleut sur Paris depuis ce matin, et le vent souffle fort."
    out = translator.translate([long])[0]
    assert out.parts > 1


def test_forced_output_length_for_benchmarks(make_settings: Make) -> None:
    translator = load_translator(make_settings(backend="torch", beam=2).model, forced_output_tokens=7)
    out = translator.translate(["Oui.", "Il pleut sur Paris depuis ce matin."])
    assert [t.tokens for t in out] == [7, 7]


def test_empty_input(greedy: MarianTranslator) -> None:
    assert greedy.translate([]) == []
