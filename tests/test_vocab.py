"""Sentencepiece-only tokenisation must be MarianTokenizer's, token for token."""

from __future__ import annotations

import random

import pytest

from fr2en.config import TINY_MODEL
from fr2en.errors import ModelLoadError
from fr2en.translate.locate import resolve_model
from fr2en.translate.vocab import MarianVocab

pytestmark = pytest.mark.model

SENTENCES = [
    "Les dirigeants républicains justifièrent leur politique.",
    "« Bonjour », dit-il — à 14 h 30, l'été dernier… 3,5 % de hausse !",
    "Œuvre d'art: coût 1 200 €; voir p. 12 (cf. annexe).",
    "Ça coûte ¥500 — über-cool ™ 😀",
    "x",
]


def test_encoding_and_decoding_match_marian_tokenizer() -> None:
    from transformers import MarianTokenizer

    folder = resolve_model(TINY_MODEL).path
    vocab = MarianVocab(folder)
    reference = MarianTokenizer.from_pretrained(str(folder))
    for text in SENTENCES:
        assert vocab.ids(vocab.pieces(text)) == reference(text)["input_ids"]
        assert vocab.count(text) == len(reference(text)["input_ids"])
    rng = random.Random(7)
    for _ in range(200):
        ids = [rng.randrange(len(reference)) for _ in range(rng.randrange(0, 25))]
        assert vocab.detokenize(vocab.output_pieces(ids)) == reference.decode(ids, skip_special_tokens=True)


def test_a_folder_without_tokenizer_files_is_a_model_load_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "vocab.json").write_text('{"</s>": 0, "<unk>": 1}', encoding="utf-8")
    with pytest.raises(ModelLoadError, match="sentencepiece"):
        MarianVocab(tmp_path)
