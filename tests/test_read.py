from __future__ import annotations

import codecs
import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fr2en import read
from fr2en.errors import InputError
from fr2en.read import decode, normalise, paragraphs, read_bytes, read_file, read_parts, scan_file
from fr2en.types import FileScan, Paragraph

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


# --- Encodings: a golden table, whole and streamed -------------------------------------------------

LEGACY = "Élève « déjà » reçu : œuvre à 12 € — l’été, çà et là."
LATIN1 = "Élève « déjà » reçu à 12 F, çà et là."

GOLDEN = [
    # (bytes, expected text, expected encoding)
    (LEGACY.encode("utf-8"), LEGACY, "utf-8"),
    (codecs.BOM_UTF8 + LEGACY.encode("utf-8"), LEGACY, "utf-8-sig"),
    (codecs.BOM_UTF16_LE + LEGACY.encode("utf-16-le"), LEGACY, "utf-16-le"),
    (codecs.BOM_UTF16_BE + LEGACY.encode("utf-16-be"), LEGACY, "utf-16-be"),
    (codecs.BOM_UTF32_LE + LEGACY.encode("utf-32-le"), LEGACY, "utf-32-le"),
    (LEGACY.encode("cp1252"), LEGACY, "cp1252"),
    (LATIN1.encode("latin-1"), LATIN1, "cp1252"),
    (b"plain ASCII text.", "plain ASCII text.", "utf-8"),
    # A file pasted together from a UTF-8 source and a Windows-1252 one: each line decoded right.
    (
        LEGACY.encode("utf-8") + b"\r\n" + LEGACY.encode("cp1252") + b"\r\n",
        LEGACY + "\n" + LEGACY + "\n",
        "utf-8+cp1252",
    ),
]


def _streamed(tmp_path: Path, data: bytes, part_chars: int = 8) -> tuple[str, FileScan, list[Paragraph]]:
    """The encoding, scan and document-wide paragraphs of ``data`` read as a file, part by part."""
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    scan = scan_file(path)
    found = []
    for part in read_parts(path, scan, part_chars):
        for index, p in enumerate(part.document.paragraphs):
            assert part.first_paragraph + index == len(found) or part.lead == " "
            found.append(Paragraph(p.text, p.start + part.offset, p.end + part.offset))
    return scan.encoding, scan, found


@pytest.mark.parametrize(("data", "text", "encoding"), GOLDEN)
def test_golden_encodings_decode_without_mojibake(
    tmp_path: Path, data: bytes, text: str, encoding: str
) -> None:
    document = read_bytes(data, "x")
    assert document.text == normalise(text)
    assert document.encoding == encoding
    assert not any(bad in document.text for bad in ("Ã", "â€", "\ufffd"))
    used, scan, found = _streamed(tmp_path, data)
    assert used == encoding
    assert found == list(document.paragraphs)
    assert scan.size == len(data)


def test_mixed_encodings_are_noted(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(GOLDEN[-1][0])
    assert any("mixed encodings" in note for note in scan_file(path).notes)


def _same_as_whole(data: bytes, part_chars: int, texts_only: bool = False) -> None:
    """Streamed paragraphs equal those of the whole text, or both ways refuse the data."""
    try:
        whole = list(read_bytes(data, "x").paragraphs)
    except InputError:
        with tempfile.TemporaryDirectory() as folder, pytest.raises(InputError):
            _streamed(Path(folder), data, part_chars)
        return
    with tempfile.TemporaryDirectory() as folder:
        _, _, found = _streamed(Path(folder), data, part_chars)
    if texts_only:
        assert [p.text for p in found] == [p.text for p in whole]
    else:
        assert found == whole


@given(
    st.text(alphabet=st.sampled_from("aZé œ.\n\r\t\x00\u2029«»’" + "il dit"), max_size=80), st.integers(1, 40)
)
def test_streamed_parts_have_the_paragraphs_of_the_whole_text(text: str, part_chars: int) -> None:
    _same_as_whole(text.encode("utf-8"), part_chars)


@given(st.text(max_size=60), st.integers(1, 20))
def test_lines_read_in_pieces_give_the_same_paragraphs(text: str, part_chars: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(read, "MAX_LINE", 7)
        _same_as_whole(text.encode("utf-8"), part_chars, texts_only=True)


def test_an_over_long_paragraph_continues_in_the_next_part_and_loses_nothing(tmp_path: Path) -> None:
    # One paragraph: soft-wrapped lines (each starts in lower case), no punctuation at all.
    words = "\n".join(f"mot{i} et encore" for i in range(1000))
    path = tmp_path / "long.txt"
    path.write_text(f"Titre\n\n{words}\nsuite en minuscules\n", encoding="utf-8")
    scan = scan_file(path)
    parts = list(read_parts(path, scan, part_chars=1000, continue_after=4000))
    assert len(parts) > 3
    # "Titre" and the start of the long paragraph, then pieces of it that continue it.
    assert len(parts[0].document.paragraphs) == 2
    assert parts[0].lead == "" and all(p.lead == " " for p in parts[1:])
    assert {p.first_paragraph for p in parts[1:]} == {1}
    joined = "".join(p.document.text for p in parts)
    assert joined == path.read_text(encoding="utf-8")
    assert [p.offset for p in parts] == [
        sum(len(q.document.text) for q in parts[:i]) for i in range(len(parts))
    ]


def test_a_line_longer_than_the_read_limit_is_read_whole(tmp_path: Path) -> None:
    line = "é" * 10 + " ".join(["mot"] * (read.MAX_LINE // 2)) + "\r\nFin."
    path = tmp_path / "wide.txt"
    path.write_bytes(line.encode("utf-8"))
    encoding, _, found = _streamed(tmp_path, line.encode("utf-8"), part_chars=read.PART_CHARS)
    assert encoding == "utf-8"
    assert [p.text for p in found] == [line.split("\r\n")[0], "Fin."]


def test_nul_bytes_and_control_characters_are_removed_and_noted(tmp_path: Path) -> None:
    data = "Le\x00 chat\x07 dort, et il rêve encore.\x1b\nIl pleut sur la ville depuis ce matin.".encode()
    path = tmp_path / "nul.txt"
    path.write_bytes(data)
    scan = scan_file(path)
    assert any("3 control character(s) removed" in note for note in scan.notes)
    [part] = read_parts(path, scan)
    assert [p.text for p in part.document.paragraphs] == [
        "Le chat dort, et il rêve encore.",
        "Il pleut sur la ville depuis ce matin.",
    ]


def test_a_file_changed_between_its_scan_and_its_reading_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "moving.txt"
    path.write_text("Première version.\n", encoding="utf-8")
    scan = scan_file(path)
    path.write_text("Deuxième version, plus longue.\n", encoding="utf-8")
    with pytest.raises(InputError, match="changed while it was being translated"):
        list(read_parts(path, scan))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(InputError, match="not a regular file"):
        scan_file(tmp_path / "pipe.txt")


def test_permission_denied_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Secret.\n", encoding="utf-8")
    opened = Path.open

    def refuse(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(InputError, match=r"secret\.txt: permission denied"):
        scan_file(path)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root can read anything")
def test_an_unreadable_file_is_an_input_error(tmp_path: Path) -> None:  # pragma: no cover - not as root
    path = tmp_path / "secret.txt"
    path.write_text("Secret.\n", encoding="utf-8")
    path.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        scan_file(path)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7\n" + bytes(200), "not a text file"),
        (bytes(range(256)) * 8, "not a text file"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8A", "byte-order mark but is not utf-16-le"),
    ],
)
def test_binary_and_undecodable_files_are_refused_by_the_scan(
    tmp_path: Path, data: bytes, message: str
) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        scan_file(path)


def test_text_that_only_looks_like_utf16_is_refused_both_ways(tmp_path: Path) -> None:
    data = b"a\x00b\x00c\x00d\x00e\x00\x00\xd8"  # NUL-rich, but an unpaired surrogate as UTF-16
    with pytest.raises(InputError, match="not a text file"):
        decode(data)
    path = tmp_path / "in.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="not a text file"):
        scan_file(path)


def test_a_line_longer_than_the_read_limit_continues_the_paragraph(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(read, "MAX_LINE", 64)
    line = " ".join(f"mot{i}" for i in range(400))  # one line of ~2,800 characters
    path = tmp_path / "line.txt"
    path.write_text(line + "\n", encoding="utf-8")
    parts = list(read_parts(path, scan_file(path), part_chars=100, continue_after=300))
    assert len(parts) > 5 and all(p.lead == " " for p in parts[1:])
    assert "".join(p.document.text for p in parts) == line + "\n"
