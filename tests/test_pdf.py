"""PDF text extracted with pypdf (fr2en.formats.pdf), bilingual outputs only."""

from __future__ import annotations

import io
from typing import Any

import pytest

from fr2en.config import Settings
from fr2en.errors import InputError
from fr2en.formats import pdf as pdf_format

from .format_samples import french_of_pairs, pdf_sample

pypdf = pytest.importorskip("pypdf")

PAGES = [
    [
        "Le conseil municipal de Lyon s'est réuni hier soir pour voter le budget de la",
        "ville. Les élus ont débattu pendant trois heures avant d'adopter le texte à une",
        "large majorité.",
        "La dette atteint douze millions d'euros, selon le rapport présenté par l'adjoint aux",
        "finances, qui prévoit une baisse des investis-",
    ],
    ["sements l'an prochain.", "Page 2"],
]
PARAGRAPHS = [
    "Le conseil municipal de Lyon s'est réuni hier soir pour voter le budget de la ville. Les élus ont "
    "débattu pendant trois heures avant d'adopter le texte à une large majorité.",
    "La dette atteint douze millions d'euros, selon le rapport présenté par l'adjoint aux finances, qui "
    "prévoit une baisse des investissements l'an prochain.",
    "Page 2",
]


def test_text_is_extracted_as_paragraphs_across_lines_and_pages() -> None:
    source = pdf_format.extract(pdf_sample(PAGES), "rapport.pdf", None)
    assert [block.text for block in source.blocks] == PARAGRAPHS
    assert source.rebuild is None and source.suffix == ""  # bilingual outputs only


@pytest.mark.model
def test_round_trip_in_tiny_mode(tiny_settings: Settings, tiny_translator: Any) -> None:
    from fr2en.formats import english_by_block
    from fr2en.pipeline import translate_document

    source = pdf_format.extract(pdf_sample(PAGES), "rapport.pdf", tiny_settings)
    result = translate_document(source.document, tiny_translator, tiny_settings)
    assert french_of_pairs(result, len(source.blocks)) == PARAGRAPHS
    assert all(english_by_block(result.pairs, len(source.blocks)))


def _encrypted(password: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf_sample(PAGES))))
    writer.encrypt(user_password=password, owner_password="proprietaire", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_an_encrypted_pdf_that_needs_a_password_fails_alone() -> None:
    with pytest.raises(InputError) as caught:
        pdf_format.extract(_encrypted("secret"), "secret.pdf", None)
    assert str(caught.value) == "secret.pdf: encrypted PDF that needs a password; decrypt it first"


def test_an_encrypted_pdf_without_a_user_password_is_read() -> None:
    source = pdf_format.extract(_encrypted(""), "restreint.pdf", None)
    assert [block.text for block in source.blocks] == PARAGRAPHS


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.4\nce fichier est abime\n", "not a readable PDF"),
        (b"Bonjour", "not a readable PDF"),
        (pdf_sample([[]]), "holds no text to extract"),
    ],
)
def test_damaged_or_empty_pdfs_fail_with_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as caught:
        pdf_format.extract(data, "casse.pdf", None)
    message = str(caught.value)
    assert message.startswith("casse.pdf: ") and reason in message and "\n" not in message
