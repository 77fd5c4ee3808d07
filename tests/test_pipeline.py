"""Several documents through one translator call, each result its own."""

from __future__ import annotations

from typing import Any

from fr2en.config import load_settings
from fr2en.pipeline import run_signature, translate_document, translate_documents
from fr2en.read import read_bytes
from fr2en.translate import ModelInfo


def test_documents_share_one_call_and_get_their_own_sentences(fake_translator: Any) -> None:
    settings = load_settings(environ={})
    documents = [
        read_bytes(b"Le chat dort. Il pleut.", "a.txt"),
        read_bytes(b"", "empty.txt"),
        read_bytes(b"Bonjour.\n\nLe chat dort.", "b.txt"),
    ]
    fake = fake_translator
    results = translate_documents(documents, fake, settings)
    assert len(fake.calls) == 1
    assert fake.calls[0] == ["Le chat dort.", "Il pleut.", "Bonjour.", "Le chat dort."]
    assert [r.document.name for r in results] == ["a.txt", "empty.txt", "b.txt"]
    assert results[0].target_sentences == ("LE CHAT DORT.", "IL PLEUT.")
    assert results[1].target_sentences == ()
    assert results[2].english == "BONJOUR.\n\nLE CHAT DORT."
    assert all(r.seconds >= 0 for r in results)
    single = translate_document(documents[0], fake, settings)
    assert single.target_sentences == results[0].target_sentences


def test_signature_records_a_precision_other_than_float32() -> None:
    settings = load_settings(environ={})
    plain = run_signature(ModelInfo("m", "r", "torch", "cpu"), settings)
    quantised = run_signature(ModelInfo("m", "r", "ct2", "cpu", "int8"), settings)
    assert "precision" not in dict(plain.settings)
    assert dict(quantised.settings)["precision"] == "int8"
