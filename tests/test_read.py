from __future__ import annotations

import codecs
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fr2en.errors import InputError
from fr2en.read import decode, paragraphs, read_bytes, read_file

FRENCH = "Élève « déjà » reçu : œuvre à 12 € — l’été."


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (FRENCH.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + FRENCH.encode("utf-16-le"), "utf-16-le"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), "utf-16-be"),
        (FRENCH.encode("utf-16-le"), "utf-16-le"),
        (FRENCH.encode("cp1252"), "cp1252"),
    ],
)
def test_decodes_french_in_every_common_encoding(data: bytes, encoding: str) -> None:
    text, used = decode(data)
    assert text == FRENCH
    assert used == encoding


def test_latin1_bytes_outside_cp1252_still_decode() -> None:
    text, used = decode("café".encode("latin-1") + b"\x81")
    assert used == "latin-1"
    assert text.startswith("café")


@pytest.mark.parametrize("data", [b"%PDF-1.7\n...", b"\x89PNG\r\n\x1a\n", bytes(range(256)) * 4])
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match="not a text file"):
        decode(data)


def test_crlf_bom_nfc_and_control_characters_are_normalised() -> None:
    decomposed = unicodedata.normalize("NFD", "Été\r\nfini\x00.\rOui")
    document = read_bytes(codecs.BOM_UTF8 + decomposed.encode("utf-8"), "x.txt")
    assert document.text == "Été\nfini.\nOui"
    # "fini." starts lower-case: a soft wrap, so it joins the line before.
    assert [p.text for p in document.paragraphs] == ["Été\nfini.", "Oui"]


def test_every_line_is_a_paragraph_but_soft_wraps_join() -> None:
    text = "Titre sans point\nPremière phrase, qui\ncontinue ici. Deuxième.\n\nNouveau paragraphe."
    assert [p.text for p in paragraphs(text)] == [
        "Titre sans point",
        "Première phrase, qui\ncontinue ici. Deuxième.",
        "Nouveau paragraphe.",
    ]


def test_hard_wrapped_text_keeps_blank_line_paragraphs() -> None:
    wrapped = (
        "Les diplomates russes et américains se rencontreront\n"
        "à nouveau jeudi à Istanbul après de premières discussions\n"
        "le 18 février en Arabie saoudite, a annoncé mercredi le\n"
        "ministre russe des Affaires étrangères Sergueï Lavrov.\n"
        "\n"
        "La Turquie, membre de l'OTAN, veut jouer un rôle de premier\n"
        "plan dans la fin des hostilités en Ukraine, comme elle a\n"
        "tenté de le faire en mars 2022."
    )
    assert len(paragraphs(wrapped)) == 2


def test_paragraph_offsets_slice_the_text() -> None:
    text = "  Un.\n\n\tDeux.  \nTrois"
    for p in paragraphs(text):
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip()


@given(st.text())
def test_paragraphs_never_lose_non_space_text(text: str) -> None:
    found = paragraphs(text)
    assert "".join("".join(p.text.split()) for p in found) == "".join(text.split())
    assert all(text[p.start : p.end] == p.text for p in found)


def test_empty_input_has_no_paragraphs() -> None:
    assert read_bytes(b"", "empty.txt").paragraphs == ()
    assert read_bytes(b"\n  \n", "blank.txt").paragraphs == ()


def test_read_file_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.txt: no such file"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        read_file(tmp_path)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(InputError, match=r"image\.txt: not a text file"):
        read_file(binary)
